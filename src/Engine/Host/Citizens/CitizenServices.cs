using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Forms;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Citizens;

/// <summary>A citizen's start: the answers of the start form (keys the form does not have are ignored, never stored).</summary>
public sealed record CitizenStartRequest(JsonObject? Data);

/// <summary>
/// The services a citizen can apply for and the start of a case by a citizen, behind the trust level guard
/// (<see cref="TrustLevelGuard"/>): <c>GET /api/citizen/services</c> lists the processes offered to citizens with the level
/// each needs; <c>POST /api/citizen/services/{processId}/start</c> starts one as the signed-in citizen — refused with 403
/// and a step-up link (<c>stepUp</c>: sign in again at the needed level, BundID asked to authenticate anew) when the
/// session's level is lower. The case gets the citizen as its starter (the hash of the pseudonym, never the bPK2), a
/// generated Aktenzeichen as business key, and the variable <c>buerger</c> with the level reached and the sign-in time
/// (plus <c>eidLevel</c>, the level's German word, which models test in gateways).
/// </summary>
public static class CitizenServices
{
    internal static IEndpointRouteBuilder MapCitizenServices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/citizen/services", (HttpContext http) =>
            {
                CitizenSignIn.Current(http);
                var t = http.Tenant();
                var list = t.Catalog.All().GroupBy(d => d.ProcessId).Select(g => g.MaxBy(d => d.Version)!)
                    .Select(d => (Definition: d, Level: TrustLevelGuard.Required(d)))
                    .Where(x => x.Level is not null)
                    .Select(x => new
                    {
                        processId = x.Definition.ProcessId, name = x.Definition.Name ?? x.Definition.ProcessId,
                        trustLevel = x.Level!.Value.Eidas(), trustLevelGerman = x.Level.Value.German(), trustLevelStork = x.Level.Value.ClassRef(),
                    })
                    .OrderBy(x => x.name, StringComparer.Ordinal).ToList();
                return Results.Ok(list);
            })
            .WithName("CitizenServices").WithSummary("The services (processes with egov:trustLevel) a citizen can apply for, with the trust level each needs")
            .RequirePermission(Permission.CitizenSelf);

        app.MapPost("/api/citizen/services/{processId}/start", async (HttpContext http, string processId, CitizenStartRequest? body, Identity.Citizens.CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                var definition = t.Catalog.Latest(processId);
                var required = TrustLevelGuard.Required(definition)
                    ?? throw ApiProblemException.NotFound($"Die Leistung '{processId}' kann nicht online beantragt werden.");
                if (citizen.Level < required) throw StepUp(processId, citizen.Level, required);
                var variables = StartData(t, definition!, body?.Data);
                variables["buerger"] = new JsonObject
                {
                    ["id"] = citizen.Owner,
                    ["vertrauensniveau"] = citizen.Level.German(),
                    ["vertrauensniveauStork"] = citizen.Level.ClassRef(),
                    ["angemeldetAm"] = citizen.AuthenticatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                };
                variables["eidLevel"] = citizen.Level.German();
                var aktenzeichen = NewAktenzeichen();
                // The citizen's index row first, so "Meine Vorgänge" never misses a started case; removed again when the start fails.
                var id = Guid.NewGuid().ToString("N"); // the engine's id format: 32 lower-case hex digits
                await cases.AddAsync(t.TenantId, citizen.Owner, id, processId, aktenzeichen, http.RequestAborted);
                try { t.Engine.StartProcessAs(id, processId, variables, aktenzeichen, citizen.Owner); }
                catch
                {
                    await cases.RemoveAsync(t.TenantId, citizen.Owner, id, CancellationToken.None);
                    throw;
                }
                // The access code for /status/<Aktenzeichen> (issue 13 item 4): issued once, here, as the case is recorded; only its
                // hash is kept. The confirmation shows it (zugangscode); it cannot be read again, only issued anew.
                var zugangscode = await http.RequestServices.GetRequiredService<Status.CitizenAccessCodes>().IssueAsync(t.TenantId, id, aktenzeichen, cancel: http.RequestAborted);
                return Results.Created($"/api/citizen/cases/{id}", new { id, aktenzeichen, trustLevel = citizen.Level.Eidas(), zugangscode, statusUrl = "/status/" + aktenzeichen });
            })
            .WithName("CitizenStart").WithSummary("Start a service as the signed-in citizen: 403 with stepUp when the session's trust level is lower than the process's egov:trustLevel; 400 with the fields for a form answer the start form refuses")
            .RequirePermission(Permission.CitizenSelf);
        return app;
    }

    /// <summary>403 with the level needed and where to sign in again at it (BundID then authenticates anew: ForceAuthn).</summary>
    public static ApiProblemException StepUp(string processId, TrustLevel reached, TrustLevel required) =>
        new(StatusCodes.Status403Forbidden, "Vertrauensniveau nicht ausreichend",
            $"Für diese Leistung ist das Vertrauensniveau „{required.German()}“ nötig; Sie sind mit „{reached.German()}“ angemeldet. Bitte melden Sie sich erneut an, zum Beispiel mit der Online-Ausweisfunktion.",
            new Dictionary<string, object?>
            {
                ["requiredLevel"] = required.Eidas(), ["reachedLevel"] = reached.Eidas(),
                ["stepUp"] = $"/buerger/anmelden?niveau={required.Eidas()}&returnUrl={Uri.EscapeDataString("/buerger/leistungen/" + processId)}",
            });

    /// <summary>
    /// The start form's answers, checked on the server as the clerks' forms are: keys the form does not have are dropped
    /// first (ignored, not stored: no mass assignment of variables), then required fields, types, patterns and options.
    /// Without a start form nothing of the submission is taken.
    /// </summary>
    private static JsonObject StartData(TenantEngine t, Deployment.DeployedDefinition definition, JsonObject? submitted)
    {
        if (TrustLevelGuard.StartFormKey(definition) is not { } key || t.Forms.Find(definition.ProcessId, definition.Version, key) is not { } schema)
            return [];
        var known = FormValidator.Fields(schema).Select(f => f["key"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var only = new JsonObject();
        foreach (var (name, value) in submitted ?? [])
            if (known.Contains(name)) only[name] = value?.DeepClone();
        var (values, errors) = FormValidator.Validate(schema, only);
        if (errors.Count > 0)
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Angaben unvollständig oder ungültig",
                string.Join(" ", errors.Select(e => e.Message)),
                new Dictionary<string, object?> { ["fields"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });
        return values;
    }

    /// <summary>An Aktenzeichen for the confirmation: year, and eight characters without look-alikes (no 0/O, 1/I/L).</summary>
    private static string NewAktenzeichen()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 8);
        return $"B-{DateTime.UtcNow.Year}-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }
}
