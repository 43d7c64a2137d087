using System.Globalization;
using System.Net;
using System.Text;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>
/// The HTML of the status pages (server-rendered, German in simple language, WCAG 2.1 AA like the other citizen pages:
/// one h1, headings in order, every field labelled, messages in live regions; no script). Everything is encoded; the access
/// code is only ever sent in a POST body, never in a URL.
/// </summary>
internal static class StatusPages
{
    public const string Title = "Stand Ihres Antrags";

    /// <summary>The form asking for the access code; <paramref name="error"/> is the one "nicht gefunden" text for every failure.</summary>
    public static string CodeForm(string aktenzeichen, string csrf, string? error)
    {
        var sb = new StringBuilder();
        if (error is not null) sb.Append("<div class=\"error\" role=\"alert\"><p>").Append(E(error)).Append("</p></div>");
        sb.Append("<p>Aktenzeichen <strong>").Append(E(aktenzeichen)).Append("</strong></p>");
        sb.Append("<p>Geben Sie den Zugangscode ein. Sie finden ihn in der Bestätigung Ihres Antrags.</p>");
        sb.Append("<form method=\"post\" action=\"/status/").Append(E(Uri.EscapeDataString(aktenzeichen))).Append("\">");
        sb.Append(Csrf(csrf));
        sb.Append("<p><label for=\"zugangscode\">Zugangscode</label><br><input id=\"zugangscode\" name=\"zugangscode\" type=\"text\" required ")
            .Append("autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" size=\"34\" aria-describedby=\"code-hinweis\"></p>");
        sb.Append("<p id=\"code-hinweis\" class=\"hint\">Zum Beispiel: ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2. Groß- und Kleinschreibung und Bindestriche sind egal.</p>");
        sb.Append("<p><button type=\"submit\">Stand anzeigen</button></p></form>");
        sb.Append("<p>Sie haben den Antrag mit BundID gestellt? Dann finden Sie ihn auch unter <a href=\"/buerger/vorgaenge\">Meine Vorgänge</a>.</p>");
        return CitizenPages.Layout(Title, sb.ToString());
    }

    public static string NotFound(string aktenzeichen, string csrf) => CodeForm(aktenzeichen, csrf, NotFoundText);

    public const string NotFoundText = "Wir haben keinen Antrag mit diesem Aktenzeichen und diesem Zugangscode gefunden. Bitte prüfen Sie beide Angaben.";

    public static string TooMany(string aktenzeichen, string csrf) => CodeForm(aktenzeichen, csrf,
        "Zu viele Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann noch einmal.");

    /// <summary>The status of a case with the forms for what the citizen must do; <paramref name="answerAction"/> is where they post.</summary>
    public static string Case(CaseStatusDto s, string csrf, string answerAction, string? message, string? error, string? signOutAction)
    {
        var sb = new StringBuilder();
        if (error is not null) sb.Append("<div class=\"error\" role=\"alert\"><p>").Append(E(error)).Append("</p></div>");
        if (message is not null) sb.Append("<div class=\"ok\" role=\"status\"><p>").Append(E(message)).Append("</p></div>");
        sb.Append("<dl id=\"vorgang\"><dt>Aktenzeichen</dt><dd>").Append(E(s.Aktenzeichen)).Append("</dd>");
        sb.Append("<dt>Leistung</dt><dd>").Append(E(s.Service)).Append("</dd>");
        sb.Append("<dt>Gestellt am</dt><dd>").Append(E(Day(s.CreatedAt))).Append("</dd>");
        sb.Append("<dt>Status</dt><dd id=\"status\">").Append(E(s.Status)).Append("</dd>");
        sb.Append("<dt>Aktueller Schritt</dt><dd id=\"aktuell\">").Append(E(s.CurrentStep ?? "Ihr Antrag ist eingegangen")).Append("</dd>");
        sb.Append("<dt>Voraussichtlich fertig</dt><dd id=\"voraussichtlich\">").Append(E(s.ExpectedCompletion.Text)).Append("</dd></dl>");

        if (s.Actions.Count > 0)
        {
            sb.Append("<h2>Was Sie tun müssen</h2>");
            var n = 0;
            foreach (var a in s.Actions)
            {
                n++;
                sb.Append("<section class=\"aufgabe\" aria-labelledby=\"aufgabe-").Append(n).Append("\"><h3 id=\"aufgabe-").Append(n).Append("\">")
                    .Append(E(a.Text)).Append("</h3>");
                if (a.Question is not null)
                    sb.Append("<p>Die Behörde fragt:</p><blockquote class=\"frage\">").Append(E(a.Question)).Append("</blockquote>");
                if (a.Since is { } since) sb.Append("<p class=\"hint\">Seit ").Append(E(Day(since))).Append("</p>");
                if (a.Href is { } href)
                {
                    // A waiting eid-check: the citizen signs in again at BundID on its own page (no form here).
                    sb.Append("<p>Für den nächsten Schritt müssen Sie sich noch einmal anmelden, zum Beispiel mit der Online-Ausweisfunktion.</p>")
                        .Append("<p><a class=\"button\" href=\"").Append(E(href)).Append("\">Erneut anmelden</a></p></section>");
                    continue;
                }
                sb.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(E(answerAction)).Append("\">").Append(Csrf(csrf));
                sb.Append("<input type=\"hidden\" name=\"aktion\" value=\"").Append(E(a.Id)).Append("\">");
                var textLabel = a.Kind == "rueckfrage" ? "Ihre Antwort" : "Nachricht an die Behörde (freiwillig)";
                sb.Append("<p><label for=\"text-").Append(n).Append("\">").Append(E(textLabel)).Append("</label><br><textarea id=\"text-").Append(n)
                    .Append("\" name=\"text\" rows=\"5\" cols=\"60\" maxlength=\"").Append(CitizenAnswers.MaxText).Append('"')
                    .Append(a.Kind == "rueckfrage" ? " required" : "").Append("></textarea></p>");
                sb.Append("<p><label for=\"dateien-").Append(n).Append("\">Dateien hinzufügen (PDF, Bilder, Text; höchstens ").Append(CitizenAnswers.MaxFiles)
                    .Append(")</label><br><input id=\"dateien-").Append(n).Append("\" name=\"dateien\" type=\"file\" multiple ")
                    .Append("accept=\".pdf,.png,.jpg,.jpeg,.gif,.xml,.csv,.txt,application/pdf,image/png,image/jpeg,image/gif\"></p>");
                sb.Append("<p><button type=\"submit\">Absenden</button></p></form></section>");
            }
        }

        sb.Append("<h2>Verlauf</h2><ol class=\"meilensteine\">");
        foreach (var m in s.Milestones)
            sb.Append("<li>").Append(m.ReachedAt is null ? "<span class=\"offen\">" : "<span class=\"erreicht\">✓ ").Append(E(m.Name)).Append("</span>")
                .Append(m.ReachedAt is { } d ? " – " + E(Day(d)) : " – noch offen").Append("</li>");
        if (s.Milestones.Count == 0) sb.Append("<li>Ihr Antrag ist eingegangen.</li>");
        sb.Append("</ol>");

        var answered = s.Inquiries.Where(i => i.AnsweredAt is not null).ToList();
        if (answered.Count > 0)
        {
            sb.Append("<h2>Ihre Antworten auf Rückfragen</h2><ul class=\"rueckfragen\">");
            foreach (var i in answered)
                sb.Append("<li><p>Frage vom ").Append(E(Day(i.AskedAt))).Append(": ").Append(E(i.Question)).Append("</p><p>Ihre Antwort vom ")
                    .Append(E(Day(i.AnsweredAt!.Value))).Append(": ").Append(E(i.Answer ?? "")).Append("</p></li>");
            sb.Append("</ul>");
        }
        if (signOutAction is not null)
            sb.Append("<form method=\"post\" action=\"").Append(E(signOutAction)).Append("\">").Append(Csrf(csrf))
                .Append("<p><button type=\"submit\" class=\"secondary\">Ansicht schließen</button></p></form>");
        return CitizenPages.Layout(Title, sb.ToString());
    }

    private static string Csrf(string token) =>
        $"<input type=\"hidden\" name=\"{Security.Csrf.FormField}\" value=\"{E(token)}\">";

    internal static string Day(DateTimeOffset t) => CaseStatusBuilder.Berlin(t).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
