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

        app.MapPost("/api/citizen/services/{processId}/start", async (HttpContext http, string processId, CitizenStartRequest? body,
                Identity.Citizens.CitizenCaseStore cases, Identity.Citizens.CitizenDraftStore drafts, Postkorb.PostkorbServices postkorb,
                CitizenMails mails, CitizenMailSender sender, ServerAddress address) =>
            {
                var (t, definition, citizen) = CitizenApplication.Offered(http, processId);
                var form = CitizenStartForm.For(t, definition, citizen);
                var variables = form.Validate(body?.Data);
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
                // After paying, the provider sends the citizen back to their cases (payment-request reads rueckkehrUrl).
                variables["rueckkehrUrl"] = new Uri(address.Public, "buerger/vorgaenge").AbsoluteUri;
                var files = await drafts.FilesWithContentAsync(t.TenantId, citizen.Owner, processId, http.RequestAborted);
                // The confirmation e-mail goes into the outbox with the case's row (one transaction): sent right after the
                // start, or later by the background sender when this node stops before — never lost, never for a failed start.
                var email = citizen.Email is { Length: > 0 } proved ? proved : variables["email"] is JsonValue typed && typed.TryGetValue<string>(out var e) ? e : null;
                var mailId = email is not null && mails.Configured(t.TenantId) ? Guid.NewGuid().ToString("N") : null;
                await cases.AddAsync(t.TenantId, citizen.Owner, id, processId, aktenzeichen, mailId is null ? null : email, mailId, http.RequestAborted);
                try { t.Engine.StartProcessAs(id, processId, variables, aktenzeichen, citizen.Owner); }
                catch
                {
                    await cases.RemoveAsync(t.TenantId, citizen.Owner, id, CancellationToken.None);
                    throw;
                }
                // The application's files go into the case file (as the citizen's uploads), then the draft is gone.
                foreach (var (file, content) in files)
                    CitizenApplication.AddToCaseFile(postkorb, t.TenantId, id, citizen.Owner, file, content);
                await drafts.DeleteAsync(t.TenantId, citizen.Owner, processId, CancellationToken.None);
                var accessCode = http.RequestServices.GetService(typeof(ICitizenAccessCodeIssuer)) is ICitizenAccessCodeIssuer issuer
                    ? await issuer.IssueAsync(t.TenantId, id, aktenzeichen, CancellationToken.None) : null;
                var mailed = mailId is not null && await sender.SendNowAsync(t.TenantId, mailId, CancellationToken.None);
                return Results.Created($"/api/citizen/cases/{id}", new
                {
                    id, aktenzeichen, trustLevel = citizen.Level.Eidas(), service = definition.Name ?? processId,
                    accessCode, emailSent = mailed, emailQueued = mailId is not null, files = files.Count,
                    payment = CitizenApplication.HasPayment(definition) ? $"/buerger/vorgaenge/{id}/bezahlen" : null,
                    status = "/buerger/vorgaenge",
                });
            })
            .WithName("CitizenStart").WithSummary("Start a service as the signed-in citizen: 403 with stepUp when the session's trust level is lower than the process's egov:trustLevel; 400 with the fields for a form answer the start form refuses; identity fields are taken from the identity, never from the body")
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

    /// <summary>An Aktenzeichen for the confirmation: year, and eight characters without look-alikes (no 0/O, 1/I/L).</summary>
    private static string NewAktenzeichen()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 8);
        return $"B-{DateTime.UtcNow.Year}-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }
}
