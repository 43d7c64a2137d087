using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// The citizen's side of <see cref="EidCheckActivity"/>: when a case of theirs waits for a higher trust level, the page
/// <c>/buerger/vorgaenge/{id}/identifizierung</c> sends them to BundID at that level (a step-up: BundID authenticates
/// anew) and back; confirming there (<c>POST</c> of the page, or <c>POST /api/citizen/cases/{id}/eid-check</c>) hands the
/// session's level and sign-in time to the waiting check, which stores them with the case. Only the case's owner, only
/// with a session at the level; another's case is the same 404 as an unknown one.
/// </summary>
public static class CitizenEidCheck
{
    internal static IEndpointRouteBuilder MapCitizenEidCheck(this IEndpointRouteBuilder app)
    {
        app.MapGet("/buerger/vorgaenge/{id}/identifizierung", async (HttpContext http, string id, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                if (await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted) is not { } found)
                    return CitizenPages.Html(http, CitizenPages.Refused("Vorgang nicht gefunden", "Diesen Vorgang gibt es nicht.", "/buerger/vorgaenge", "Zu meinen Vorgängen"), 404);
                var here = $"/buerger/vorgaenge/{Uri.EscapeDataString(id)}/identifizierung";
                if (Open(t, id) is not { } required)
                    return CitizenPages.Html(http, CitizenPages.Layout("Erneute Anmeldung",
                        $"<p>Für Ihren Antrag {E(found.Aktenzeichen)} ist gerade keine erneute Anmeldung nötig.</p><p><a class=\"button\" href=\"/buerger/vorgaenge\">Zu meinen Vorgängen</a></p>"));
                if (citizen.Level < required)
                    return CitizenPages.Html(http, CitizenPages.Layout("Erneute Anmeldung nötig",
                        $"<p>Für den nächsten Schritt Ihres Antrags {E(found.Aktenzeichen)} brauchen wir das Vertrauensniveau „{E(required.German())}“. " +
                        $"Sie sind mit „{E(citizen.Level.German())}“ angemeldet.</p><p>Melden Sie sich bitte erneut mit der BundID an, zum Beispiel mit der Online-Ausweisfunktion.</p>" +
                        $"<p><a class=\"button\" href=\"/buerger/anmelden?niveau={required.Eidas()}&amp;returnUrl={E(Uri.EscapeDataString(here))}\">Erneut anmelden</a></p>"));
                return CitizenPages.Html(http, CitizenPages.Layout("Anmeldung bestätigen",
                    $"<p>Sie sind mit dem Vertrauensniveau „{E(citizen.Level.German())}“ angemeldet. Das reicht für den nächsten Schritt Ihres Antrags {E(found.Aktenzeichen)}.</p>" +
                    $"<form method=\"post\" action=\"{E(here)}\"><input type=\"hidden\" name=\"{Csrf.FormField}\" value=\"{E(CitizenSignIn.CsrfToken(http))}\">" +
                    "<button type=\"submit\">Anmeldung für den Antrag übernehmen</button></form>"));
            })
            .WithName("PageCitizenEidCheck").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();

        app.MapPost("/buerger/vorgaenge/{id}/identifizierung", async (HttpContext http, string id, CitizenCaseStore cases) =>
            {
                await ConfirmAsync(http, id, cases);
                return Results.Redirect("/buerger/vorgaenge");
            })
            .WithName("CitizenEidCheckConfirmForm").RequirePermission(Permission.CitizenSelf).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/api/citizen/cases/{id}/eid-check", async (HttpContext http, string id, CitizenCaseStore cases) =>
            {
                var level = await ConfirmAsync(http, id, cases);
                return Results.Ok(new { status = "erfuellt", trustLevel = level.Eidas() });
            })
            .WithName("CitizenEidCheckConfirm").WithSummary("Hands the session's trust level and sign-in time to the case's waiting eid-check (403 with stepUp when too low, 409 when none waits)")
            .RequirePermission(Permission.CitizenSelf);
        return app;
    }

    private static async Task<TrustLevel> ConfirmAsync(HttpContext http, string id, CitizenCaseStore cases)
    {
        var citizen = CitizenSignIn.Current(http);
        var t = http.Tenant();
        var found = await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted) ?? throw ApiProblemException.NotFound("Vorgang nicht gefunden");
        var required = Open(t, id) ?? throw new ApiProblemException(StatusCodes.Status409Conflict, "Keine Anmeldung offen", "Für diesen Antrag ist gerade keine erneute Anmeldung nötig.");
        if (citizen.Level < required)
        {
            var e = CitizenServices.StepUp(found.ProcessId, citizen.Level, required);
            throw new ApiProblemException(e.Status, e.Title, e.Message, new Dictionary<string, object?>(e.Extensions)
            {
                ["stepUp"] = $"/buerger/anmelden?niveau={required.Eidas()}&returnUrl={Uri.EscapeDataString($"/buerger/vorgaenge/{id}/identifizierung")}",
            });
        }
        var payload = new JsonObject
        {
            ["vertrauensniveau"] = citizen.Level.ClassRef(),
            ["angemeldetAm"] = citizen.AuthenticatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (!t.Engine.ResumeActivityByKey(EidCheckActivity.CallbackKey(id), payload))
            throw new ApiProblemException(StatusCodes.Status409Conflict, "Keine Anmeldung offen", "Für diesen Antrag ist gerade keine erneute Anmeldung nötig.");
        return citizen.Level;
    }

    /// <summary>The level an open eid-check of the case waits for (variable <c>eidCheck</c> with status offen); null when none waits.</summary>
    internal static TrustLevel? Open(TenantEngine t, string instanceId)
    {
        Runtime.ProcessInstanceView view;
        try { view = t.Engine.GetInstance(instanceId); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException) { return null; }
        if (view.State != Runtime.InstanceState.Running || view.Variables["eidCheck"] is not JsonObject check) return null;
        if (check["status"] is not JsonValue s || !s.TryGetValue<string>(out var status) || status != "offen") return null;
        return check["benoetigtStork"] is JsonValue r && r.TryGetValue<string>(out var level) ? TrustLevels.Parse(level) ?? TrustLevel.High : TrustLevel.High;
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
