using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Citizens.Consent;

/// <summary>The parent's answer as the API takes it: the code from the notice and yes/no per purpose.</summary>
public sealed record ConsentRequest(string? Code, Dictionary<string, bool?>? Zustimmung);

/// <summary>
/// "Einwilligung nach der Geburt": a parent, signed in with BundID (level substanziell, as the Kindergeld and Kita services
/// need), enters the one-time code of the Standesamt's notice, sees which data go to which receiver, and gives or refuses
/// the consent per purpose — the page <c>/buerger/einwilligung</c> and <c>POST /api/citizen/einwilligung</c>. The server
/// resumes the waiting case (<see cref="EinwilligungElternActivity"/>) with the answers and the account id of the SESSION;
/// an account id in the body or a header is never read. A wrong, expired or used code changes nothing and says so in
/// German; wrong codes count per citizen (<see cref="ConsentCodes.MaxFailures"/> in <see cref="ConsentCodes.Window"/>,
/// then 429). The log names the case and the answers, never the code or the account.
/// </summary>
public static class ConsentEndpoints
{
    public const string Path = "/buerger/einwilligung";

    /// <summary>The level the consent needs: the one of the services the data go to.</summary>
    public const TrustLevel Required = TrustLevel.Substantial;

    internal static IEndpointRouteBuilder MapCitizenConsent(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http) =>
            {
                var citizen = CitizenSignIn.Current(http);
                if (citizen.Level < Required) return CitizenPages.Html(http, StepUpPage(citizen));
                return CitizenPages.Html(http, FormPage(CitizenSignIn.CsrfToken(http), null, null));
            })
            .WithName("PageCitizenConsent").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();

        app.MapPost(Path, async (HttpContext http) =>
            {
                var citizen = CitizenSignIn.Current(http);
                if (citizen.Level < Required) return CitizenPages.Html(http, StepUpPage(citizen), 403);
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                var answers = ConsentCodes.Purposes.ToDictionary(p => p.Id, p => (bool?)(form[p.Id].ToString() switch { "ja" => true, "nein" => false, _ => null }));
                try
                {
                    var done = await GiveAsync(http, form["code"].ToString(), answers);
                    return CitizenPages.Html(http, DonePage(done));
                }
                catch (ApiProblemException e)
                {
                    return CitizenPages.Html(http, FormPage(CitizenSignIn.CsrfToken(http), e.Message, answers), e.Status);
                }
            })
            .WithName("CitizenConsentForm").RequirePermission(Permission.CitizenSelf).DisableAntiforgery().ExcludeFromDescription();

        app.MapGet("/api/citizen/einwilligung/zwecke", () => Results.Ok(ConsentCodes.Purposes.Select(p => new { id = p.Id, titel = p.Titel, empfaenger = p.Empfaenger, daten = p.Daten })))
            .WithName("CitizenConsentPurposes").WithSummary("The purposes parents may consent to: who receives which data")
            .RequirePermission(Permission.CitizenSelf);

        app.MapPost("/api/citizen/einwilligung", async (HttpContext http, ConsentRequest body) =>
            {
                var citizen = CitizenSignIn.Current(http);
                if (citizen.Level < Required)
                    throw new ApiProblemException(StatusCodes.Status403Forbidden, "Vertrauensniveau nicht ausreichend",
                        $"Für die Einwilligung ist das Vertrauensniveau „{Required.German()}“ nötig; Sie sind mit „{citizen.Level.German()}“ angemeldet.",
                        new Dictionary<string, object?> { ["stepUp"] = $"/buerger/anmelden?niveau={Required.Eidas()}&returnUrl={Uri.EscapeDataString(Path)}" });
                var done = await GiveAsync(http, body?.Code, body?.Zustimmung ?? []);
                return Results.Ok(new
                {
                    aktenzeichen = done.Aktenzeichen,
                    zugestimmt = done.Ja.Select(p => p.Id).ToList(),
                    abgelehnt = done.Nein.Select(p => p.Id).ToList(),
                });
            })
            .WithName("CitizenConsentGive").WithMetadata(new GermanProblems())
            .WithSummary("A parent's consent per purpose with the one-time code of the Standesamt's notice; the account is the session's (404 unknown code, 409 used, 410 expired, 429 too many wrong codes)")
            .RequirePermission(Permission.CitizenSelf);
        return app;
    }

    internal sealed record Given(string Aktenzeichen, IReadOnlyList<ConsentPurpose> Ja, IReadOnlyList<ConsentPurpose> Nein);

    private static async Task<Given> GiveAsync(HttpContext http, string? code, IReadOnlyDictionary<string, bool?> answers)
    {
        var citizen = CitizenSignIn.Current(http);
        var t = http.Tenant();
        var store = http.RequestServices.GetRequiredService<CitizenAccountRegister>().Consents;
        var cancel = http.RequestAborted;
        var now = t.Engine.Now.ToDateTimeOffset();
        var who = ConsentCodes.Who(citizen.Owner);
        if (await store.CountFailuresAsync(who, now - ConsentCodes.Window, cancel) >= ConsentCodes.MaxFailures)
            throw new ApiProblemException(StatusCodes.Status429TooManyRequests, "Zu viele Versuche",
                "Sie haben mehrmals einen falschen Einwilligungscode eingegeben. Bitte versuchen Sie es in 15 Minuten noch einmal. Es wurde nichts geändert.");
        async Task<ApiProblemException> Failed(ApiProblemException e)
        {
            await store.AddFailureAsync(who, now, CancellationToken.None);
            return e;
        }
        var unknown = new ApiProblemException(StatusCodes.Status404NotFound, "Einwilligungscode nicht gefunden",
            $"Diesen Einwilligungscode kennen wir nicht. Bitte prüfen Sie Ihre Eingabe: {ConsentCodes.Length} Zeichen, wie in der Mitteilung des Standesamts. Es wurde nichts geändert.");
        if (!ConsentCodes.Plausible(code)) throw await Failed(unknown);
        var hash = ConsentCodes.Hash(t.TenantId, code!);
        var row = await store.FindAsync(t.TenantId, hash, cancel);
        if (row is null) throw await Failed(unknown);
        if (row.UsedAt is not null)
            throw await Failed(new ApiProblemException(StatusCodes.Status409Conflict, "Einwilligungscode schon verwendet",
                "Mit diesem Einwilligungscode wurde schon geantwortet. Die Antwort liegt dem Standesamt vor; es wurde nichts geändert."));
        if (row.ExpiresAt <= now)
            throw await Failed(new ApiProblemException(StatusCodes.Status410Gone, "Einwilligungscode abgelaufen",
                $"Der Einwilligungscode galt bis zum {German(row.ExpiresAt)}. Es wurden keine Daten weitergegeben. Wenn Sie noch einwilligen möchten, wenden Sie sich bitte an das Standesamt."));
        var purposes = row.Purposes.Select(ConsentCodes.Purpose).OfType<ConsentPurpose>().ToList();
        var missing = purposes.Where(p => !answers.TryGetValue(p.Id, out var a) || a is null).Select(p => p.Titel).ToList();
        if (missing.Count > 0)
            throw ApiProblemException.Ungueltig($"Bitte entscheiden Sie für jeden Zweck: ja oder nein (fehlt: {string.Join(", ", missing)}). Es wurde nichts geändert.",
                "{ code, zustimmung: { " + string.Join(", ", purposes.Select(p => p.Id + ": true | false")) + " } }");
        if (!await store.UseAsync(t.TenantId, hash, now, cancel))
            throw new ApiProblemException(StatusCodes.Status409Conflict, "Einwilligungscode schon verwendet",
                "Mit diesem Einwilligungscode wurde gerade schon geantwortet. Es wurde nichts geändert.");
        var zustimmung = new JsonObject();
        foreach (var p in purposes) zustimmung[p.Id] = answers[p.Id] == true;
        var payload = new JsonObject
        {
            ["zustimmung"] = zustimmung,
            ["konto"] = citizen.Owner, // the session's account — nothing of the request names it
            ["erklaertAm"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsentEndpoints));
        if (!t.Engine.ResumeActivityByKey(ConsentCodes.CallbackKey(row.InstanceId), payload))
        {
            log.LogWarning("online consent for instance {Instance} came after the case stopped waiting: nothing passed on", row.InstanceId);
            throw new ApiProblemException(StatusCodes.Status410Gone, "Einwilligung nicht mehr möglich",
                "Der Vorgang wartet nicht mehr auf Ihre Einwilligung (die Frist ist abgelaufen oder der Vorgang ist beendet). Es wurden keine Daten weitergegeben.");
        }
        var ja = purposes.Where(p => answers[p.Id] == true).ToList();
        var nein = purposes.Where(p => answers[p.Id] != true).ToList();
        if (log.IsEnabled(LogLevel.Information))
            log.LogInformation("online consent for instance {Instance}: consented to {Yes}, refused {No}", row.InstanceId,
                string.Join(",", ja.Select(p => p.Id)), string.Join(",", nein.Select(p => p.Id)));
        return new Given(row.Aktenzeichen, ja, nein);
    }

    private static string FormPage(string csrf, string? error, IReadOnlyDictionary<string, bool?>? answers)
    {
        var sb = new StringBuilder();
        if (error is not null) sb.Append("<div class=\"error\" role=\"alert\"><p>").Append(E(error)).Append("</p></div>");
        sb.Append("<p>Nach der Geburt Ihres Kindes kann das Standesamt Daten an andere Stellen weitergeben, damit Sie dort nicht alles neu angeben müssen. ")
            .Append("Das geschieht nur, wenn Sie einwilligen – für jeden Zweck einzeln. Den Einwilligungscode finden Sie in der Mitteilung des Standesamts.</p>");
        sb.Append("<form method=\"post\" action=\"").Append(Path).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(Csrf.FormField).Append("\" value=\"").Append(E(csrf)).Append("\">")
            .Append("<p><label for=\"code\">Einwilligungscode</label><br><input type=\"text\" id=\"code\" name=\"code\" required autocomplete=\"off\" spellcheck=\"false\" ")
            .Append("aria-describedby=\"code-hinweis\" size=\"30\" maxlength=\"64\"><br><span class=\"hint\" id=\"code-hinweis\">")
            .Append(ConsentCodes.Length).Append(" Zeichen, zum Beispiel K7QM-2XHD-9RTA-PW3N-ECB5</span></p>");
        foreach (var p in ConsentCodes.Purposes)
        {
            var given = answers is not null && answers.TryGetValue(p.Id, out var a) ? a : null;
            sb.Append("<fieldset class=\"aufgabe\"><legend><strong>").Append(E(p.Titel)).Append("</strong>: an die ").Append(E(p.Empfaenger)).Append("</legend>")
                .Append("<p>Diese Daten gehen dorthin:</p><ul>");
            foreach (var d in p.Daten) sb.Append("<li>").Append(E(d)).Append("</li>");
            sb.Append("</ul><p>")
                .Append(Radio(p, "ja", "Ja, ich willige ein", given == true)).Append("<br>")
                .Append(Radio(p, "nein", "Nein, nicht weitergeben", given == false)).Append("</p></fieldset>");
        }
        sb.Append("<p class=\"hint\">Ihre Einwilligung ist freiwillig (Art. 6 Abs. 1 lit. a, Art. 7 DSGVO). Gilt der Code nur für einen der Zwecke, zählt nur Ihre Antwort dazu.</p>")
            .Append("<p><button type=\"submit\">Antwort absenden</button> <a class=\"button secondary\" href=\"/buerger\">Abbrechen</a></p></form>");
        return CitizenPages.Layout("Einwilligung nach der Geburt", sb.ToString());
    }

    private static string Radio(ConsentPurpose p, string value, string label, bool isChecked) =>
        $"<input type=\"radio\" id=\"{p.Id}-{value}\" name=\"{p.Id}\" value=\"{value}\" required{(isChecked ? " checked" : "")}> <label for=\"{p.Id}-{value}\">{E(label)}</label>";

    private static string DonePage(Given done)
    {
        var sb = new StringBuilder("<div class=\"ok\" role=\"status\"><p>Vielen Dank. Ihre Antwort zum Aktenzeichen <strong>")
            .Append(E(done.Aktenzeichen)).Append("</strong> ist beim Standesamt eingegangen.</p></div><ul>");
        foreach (var p in done.Ja) sb.Append("<li>").Append(E(p.Titel)).Append(": eingewilligt – die Daten gehen an die ").Append(E(p.Empfaenger)).Append("</li>");
        foreach (var p in done.Nein) sb.Append("<li>").Append(E(p.Titel)).Append(": nicht eingewilligt – es wird nichts weitergegeben</li>");
        sb.Append("</ul>");
        if (done.Ja.Count > 0) sb.Append("<p>Die neuen Vorgänge sehen Sie in Kürze unter „Meine Vorgänge“.</p>");
        sb.Append("<p><a class=\"button\" href=\"/buerger/vorgaenge\">Zu meinen Vorgängen</a></p>");
        return CitizenPages.Layout("Ihre Antwort ist eingegangen", sb.ToString());
    }

    private static string StepUpPage(CitizenIdentity citizen) => CitizenPages.Layout("Vertrauensniveau nicht ausreichend",
        $"<p>Für die Einwilligung ist das Vertrauensniveau „{E(Required.German())}“ nötig. Sie sind mit „{E(citizen.Level.German())}“ angemeldet.</p>" +
        $"<p><a class=\"button\" href=\"/buerger/anmelden?niveau={Required.Eidas()}&amp;returnUrl={E(Uri.EscapeDataString(Path))}\">Erneut anmelden</a></p>");

    private static string German(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, Berlin).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
