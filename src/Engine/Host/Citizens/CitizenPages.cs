using System.Net;
using System.Text;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// The server-rendered citizen pages of the sign-in (German, simple language, WCAG 2.1 AA: one h1, a main landmark, a
/// skip link, visible focus, sufficient contrast, no script except the auto-submit of the BundID form, which also works by
/// button). Every text is encoded; nothing personal goes into a URL.
/// </summary>
internal static class CitizenPages
{
    private const string Style = """
        :root{--egov-text:#1b1b1b;--egov-accent:#004b87;--egov-bg:#fff;--egov-error:#a4000f}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--egov-text);background:var(--egov-bg);margin:0;line-height:1.5}
        header{background:var(--egov-accent);color:#fff;padding:.75rem 1.5rem}header a{color:#fff}
        main{max-width:44rem;margin:0 auto;padding:1.5rem}
        h1{font-size:1.6rem;margin-top:0}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:var(--egov-accent);padding:.5rem;z-index:1}
        .button,button{display:inline-block;background:var(--egov-accent);color:#fff;border:0;border-radius:.25rem;padding:.6rem 1.2rem;font-size:1rem;text-decoration:none;cursor:pointer}
        .button.secondary,button.secondary{background:#fff;color:var(--egov-accent);border:2px solid var(--egov-accent)}
        a:focus,button:focus,.button:focus{outline:3px solid #ffbf47;outline-offset:2px}
        .error{border-left:6px solid var(--egov-error);padding:.5rem 1rem;background:#fdf1f2}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
        footer{max-width:44rem;margin:2rem auto;padding:0 1.5rem;font-size:.9rem}
        .ok{border-left:6px solid #00703c;padding:.5rem 1rem;background:#eef7f1}
        .hint{color:#4a4a4a;font-size:.95rem}
        label{font-weight:600}input[type=text],textarea{font:inherit;padding:.4rem;border:2px solid #4a4a4a;border-radius:.25rem;max-width:100%}
        input:focus,textarea:focus{outline:3px solid #ffbf47;outline-offset:2px}
        blockquote{margin:.5rem 0;padding:.5rem 1rem;border-left:4px solid var(--egov-accent);background:#f3f6fa}
        .aufgabe{border:2px solid var(--egov-accent);border-radius:.25rem;padding:0 1rem;margin:1rem 0}
        ol.meilensteine{padding-left:1.25rem}.erreicht{font-weight:600}
        """;

    public static string Layout(string title, string body, string? script = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>").Append(E(title)).Append(" – Bürgerservice</title><style>").Append(Style).Append("</style>");
        if (script is not null) sb.Append("<script src=\"").Append(E(script)).Append("\" defer></script>");
        sb.Append("</head><body><a class=\"skip\" href=\"#inhalt\">Zum Inhalt springen</a>");
        sb.Append("<header><a href=\"/buerger\">Bürgerservice</a></header>");
        sb.Append("<main id=\"inhalt\"><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main>");
        sb.Append("<footer><a href=\"/barrierefreiheit\">Erklärung zur Barrierefreiheit</a></footer></body></html>");
        return sb.ToString();
    }

    public static IResult Html(HttpContext http, string html, int status = 200, string? formAction = null)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = Web.WebPages.ContentSecurityPolicy.Replace("form-action 'self'", "form-action 'self'" + (formAction is null ? "" : " " + formAction), StringComparison.Ordinal);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>The page that sends the signed AuthnRequest to BundID (HTTP-POST binding): submits itself, or by button.</summary>
    public static string AutoPost(Uri destination, string field, string value, string? relayState) => Layout("Weiter zur BundID",
        $"<p>Sie werden zur Anmeldung an die BundID, das Nutzerkonto des Bundes, weitergeleitet.</p>" +
        $"<form method=\"post\" action=\"{E(destination.AbsoluteUri)}\" id=\"saml\"><input type=\"hidden\" name=\"{E(field)}\" value=\"{E(value)}\">" +
        (relayState is null ? "" : $"<input type=\"hidden\" name=\"RelayState\" value=\"{E(relayState)}\">") +
        "<button type=\"submit\">Weiter zur BundID</button></form>", "/saml/autopost.js");

    /// <summary>A refused or failed sign-in: what happened, and the way to try again.</summary>
    public static string Refused(string title, string text, string retryUrl, string retryLabel) => Layout(title,
        $"<div class=\"error\" role=\"alert\"><p>{E(text)}</p></div><p>Sie sind nicht angemeldet. Es wurden keine Daten gespeichert.</p>" +
        $"<p><a class=\"button\" href=\"{E(retryUrl)}\">{E(retryLabel)}</a> <a class=\"button secondary\" href=\"/buerger\">Zur Startseite</a></p>");

    /// <summary>The citizen's start page: signed in (name, level, sign-out) or not (sign-in button).</summary>
    public static string Start(CitizenIdentity? citizen, string csrfToken, bool abgemeldet)
    {
        if (citizen is null)
            return Layout("Bürgerservice",
                (abgemeldet ? "<p role=\"status\">Sie sind abgemeldet.</p>" : "") +
                "<p>Hier können Sie Anträge online stellen und sehen, wie weit Ihr Antrag ist.</p>" +
                "<p>Melden Sie sich dazu mit Ihrer BundID an, dem Nutzerkonto des Bundes.</p>" +
                "<p><a class=\"button\" href=\"/buerger/anmelden\">Mit BundID anmelden</a></p>");
        var rows = new StringBuilder();
        void Row(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) rows.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
        }
        Row("Name", citizen.DisplayName);
        Row("Geburtsdatum", citizen.BirthDate);
        Row("Anschrift", string.Join(", ", new[] { citizen.Street, string.Join(' ', new[] { citizen.PostalCode, citizen.City }.Where(s => !string.IsNullOrEmpty(s))) }.Where(s => !string.IsNullOrWhiteSpace(s))));
        Row("E-Mail", citizen.Email);
        Row("Vertrauensniveau", citizen.Level.German());
        return Layout("Bürgerservice",
            $"<p>Sie sind mit der BundID angemeldet.</p><dl id=\"identitaet\">{rows}</dl>" +
            "<nav aria-label=\"Bürgerservice\"><ul><li><a href=\"/buerger/vorgaenge\">Meine Vorgänge</a></li>" +
            "<li><a href=\"/buerger/einwilligung\">Einwilligung nach der Geburt</a></li></ul></nav>" +
            $"<form method=\"post\" action=\"/buerger/abmelden\"><input type=\"hidden\" name=\"{Csrf.FormField}\" value=\"{E(csrfToken)}\">" +
            "<button type=\"submit\" class=\"secondary\">Abmelden</button></form>");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
