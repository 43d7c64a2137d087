using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Api;

/// <summary>The body of a §42a (2) sentence 3 VwVfG extension: by how long (ISO period: P1M, P2W) and why.</summary>
public sealed record FristVerlaengerungRequest(string? Verlaengerung, string? Begruendung);

/// <summary>
/// Fristen as commands: the one extension of a Genehmigungsfiktion's Frist (§42a (2) sentence 3 VwVfG) — by the clerk who
/// holds the decision task, or by an operator on the case. Refused with 400 and the reason: a second extension, no reason,
/// an extension longer than the Frist, a Frist that has passed or is no Fiktion.
/// </summary>
internal static class FristEndpoints
{
    private const string Erwartet = "{\"verlaengerung\": ISO-Zeitraum in Tagen, Wochen oder Monaten (P1M), \"begruendung\": Text (warum die Schwierigkeit der Angelegenheit sie rechtfertigt)}";

    public static void MapFristEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tasks/{id}/fiktionsfrist/verlaengerung", (HttpContext http, string id, FristVerlaengerungRequest? body) =>
            {
                var (um, grund) = Read(body);
                var tasks = TaskEndpoints.Tasks(http);
                var (a, row) = Deutsch(() => tasks.Visible(http.Caller(), id), id);
                if (!a.Holds(row.Task))
                    throw ApiProblemException.Konflikt(row.Task.Assignee is { } holder
                        ? $"Die Aufgabe „{Kurz(id)}“ bearbeitet „{Kurz(holder)}“: nur wer sie bearbeitet, verlängert ihre Frist."
                        : $"Die Aufgabe „{Kurz(id)}“ ist frei: übernehmen Sie sie zuerst, dann können Sie ihre Frist verlängern.");
                return Results.Ok(Deutsch(() => http.Tenant().Engine.ExtendFiktionsfristOfTask(id, um, grund, a.Me), id));
            })
            .WithName("ExtendFiktionsfristOfTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems(), new ExpectedBody(Erwartet))
            .WithSummary("§42a (2) VwVfG: extend the Genehmigungsfiktion's Frist that dates this task, once, with a reason")
            .Produces<FristInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/process-instances/{id}/fristen/{elementId}/verlaengerung", (HttpContext http, string id, string elementId, FristVerlaengerungRequest? body) =>
            {
                var (um, grund) = Read(body);
                var t = http.Tenant();
                try { InstanceEndpoints.RequireInstance(t, id); }
                catch (Exception e) when (e is ApiProblemException { Status: 404 } or WorkflowNotFoundException)
                {
                    throw ApiProblemException.NichtGefunden($"Einen Fall „{Kurz(id)}“ gibt es nicht. Prüfen Sie die Kennung des Falls.");
                }
                return Results.Ok(Deutsch(() => t.Engine.ExtendFiktionsfrist(id, elementId, um, grund, http.Caller().Id), null));
            })
            .WithName("ExtendFiktionsfrist").RequirePermission(Permission.InstanceOperate).WithMetadata(new GermanProblems(), new ExpectedBody(Erwartet))
            .WithSummary("§42a (2) VwVfG: extend the Frist of the Genehmigungsfiktion at an element of the case, once, with a reason")
            .Produces<FristInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static (Period Um, string Grund) Read(FristVerlaengerungRequest? body)
    {
        if (body is null) throw ApiProblemException.Ungueltig("Der Anfrage fehlt der Inhalt: ein JSON-Objekt mit verlaengerung und begruendung.", Erwartet);
        if (string.IsNullOrWhiteSpace(body.Verlaengerung)) throw ApiProblemException.Ungueltig("Bitte geben Sie an, um wie lange die Frist verlängert wird (verlaengerung), z. B. P1M für einen Monat.", Erwartet);
        var parsed = PeriodPattern.NormalizingIso.Parse(body.Verlaengerung.Trim());
        if (!parsed.Success) throw ApiProblemException.Ungueltig($"„{Kurz(body.Verlaengerung)}“ ist kein Zeitraum nach ISO 8601: schreiben Sie z. B. P1M (ein Monat), P2W (zwei Wochen) oder P10D (zehn Tage).", Erwartet);
        if (string.IsNullOrWhiteSpace(body.Begruendung)) throw ApiProblemException.Ungueltig("Bitte begründen Sie die Verlängerung (begruendung): § 42a Abs. 2 VwVfG erlaubt sie nur, wenn die Schwierigkeit der Angelegenheit sie rechtfertigt.", Erwartet);
        return (parsed.Value, body.Begruendung);
    }

    /// <summary>Runs an engine command; its refusals (English, for the log and the API of operators) become German problems with the same status.</summary>
    private static T Deutsch<T>(Func<T> command, string? taskId)
    {
        try { return command(); }
        catch (ApiProblemException e) when (taskId is not null && e.Status is 404 or 409)
        {
            throw e.Status == 404
                ? ApiProblemException.NichtGefunden($"Eine offene Aufgabe „{Kurz(taskId)}“ gibt es in Ihrem Postkorb nicht. Laden Sie den Postkorb neu.")
                : ApiProblemException.Konflikt($"Die Aufgabe „{Kurz(taskId)}“ ist nicht mehr offen: sie wurde erledigt oder abgebrochen.");
        }
        catch (WorkflowNotFoundException e)
        {
            throw ApiProblemException.NichtGefunden(taskId is not null
                ? $"Eine offene Aufgabe „{Kurz(taskId)}“ gibt es nicht. Laden Sie den Postkorb neu."
                : Match(e.Message, "^no running Frist at '(?<el>[^']*)' in case '(?<fall>[^']*)'") is { } m
                    ? $"An „{Kurz(m.Groups["el"].Value)}“ läuft im Fall „{Kurz(m.Groups["fall"].Value)}“ keine Frist. Die laufenden Fristen zeigt GET /api/process-instances/{Kurz(m.Groups["fall"].Value)}."
                    : "Den Fall oder die Frist gibt es nicht. Prüfen Sie die Kennungen.");
        }
        catch (WorkflowCommandException e) when (e is not VariableLimitException and not CommandBudgetException)
        {
            throw new ApiProblemException(400, "Verlängerung abgelehnt", Abgelehnt(e.Message));
        }
    }

    /// <summary>Why the engine refused an extension (Runner.ExtendFiktion, WorkflowEngine.Fristen), in German.</summary>
    internal static string Abgelehnt(string message)
    {
        var el = Match(message, "at '(?<x>[^']*)'") is { } a ? Kurz(a.Groups["x"].Value) : "?";
        if (Match(message, "was already extended on (?<am>\\S+) by (?<um>[^;]+);") is { } m1)
            return $"Die Frist an „{el}“ wurde schon am {m1.Groups["am"].Value} um {m1.Groups["um"].Value} verlängert; § 42a Abs. 2 VwVfG erlaubt nur eine Verlängerung.";
        if (message.Contains("is no Genehmigungsfiktion", StringComparison.Ordinal))
            return $"Die Frist an „{el}“ ist keine Genehmigungsfiktion (egov:fiktion); § 42a Abs. 2 VwVfG erlaubt nur die Verlängerung dieser Frist.";
        if (message.Contains("has not begun yet", StringComparison.Ordinal))
            return $"Die Frist an „{el}“ hat noch nicht begonnen (die Unterlagen sind noch nicht vollständig); verlängern lässt sie sich, sobald sie läuft.";
        if (Match(message, "ended on (?<ende>[^;]+);") is { } m2)
            return $"Die Frist an „{el}“ ist am {m2.Groups["ende"].Value} abgelaufen; verlängern lässt sie sich nur, solange sie läuft.";
        if (Match(message, "^the reason is (?<n>\\d+) characters long, more than (?<max>\\d+)") is { } m3)
            return $"Die Begründung ist {m3.Groups["n"].Value} Zeichen lang; höchstens {m3.Groups["max"].Value} sind erlaubt. Kürzen Sie sie.";
        if (message.Contains("needs its reason", StringComparison.Ordinal))
            return "Bitte begründen Sie die Verlängerung (begruendung): § 42a Abs. 2 VwVfG erlaubt sie nur, wenn die Schwierigkeit der Angelegenheit sie rechtfertigt.";
        if (Match(message, "^the extension '(?<um>[^']*)' must be") is { } m4)
            return $"Die Verlängerung „{Kurz(m4.Groups["um"].Value)}“ geht nicht: sie muss eine positive Zahl von Tagen, Wochen, Monaten oder Jahren sein, z. B. P1M.";
        if (Match(message, "^an extension by (?<um>\\S+) is longer than the Frist itself \\((?<dauer>[^)]*)\\)") is { } m5)
            return $"Eine Verlängerung um {m5.Groups["um"].Value} ist länger als die Frist selbst ({m5.Groups["dauer"].Value}); angemessen ist höchstens die Dauer der Frist. Wählen Sie einen kürzeren Zeitraum.";
        if (Match(message, "^task '(?<t>[^']*)' is not dated by a Genehmigungsfiktion") is { } m6)
            return $"Die Aufgabe „{Kurz(m6.Groups["t"].Value)}“ hängt an keiner Genehmigungsfiktion (einer Frist mit egov:fiktion an ihrem Rand); verlängern lässt sich nur deren Frist.";
        if (Match(message, "^(?<n>\\d+) Fristen run at") is { } m7)
            return $"An „{el}“ laufen {m7.Groups["n"].Value} Fristen (eine Mehrfach-Aktivität); sie einzeln zu verlängern geht nicht.";
        return "Die Frist lässt sich so nicht verlängern. Prüfen Sie Zeitraum und Begründung.";
    }

    private static System.Text.RegularExpressions.Match? Match(string text, string pattern) =>
        System.Text.RegularExpressions.Regex.Match(text, pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } m ? m : null;

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
}
