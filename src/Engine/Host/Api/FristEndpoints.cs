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

    /// <summary>
    /// Runs an engine command; its refusals (English messages, for the log and the API of operators) become German problems with
    /// the same status, by their reason (<see cref="WorkflowCommandException.Reason"/> and its values), never by their wording.
    /// The problem's <c>code</c> is the reason for programs.
    /// </summary>
    private static T Deutsch<T>(Func<T> command, string? taskId)
    {
        try { return command(); }
        catch (ApiProblemException e) when (taskId is not null && e.Status is 404 or 409)
        {
            throw e.Status == 404
                ? ApiProblemException.NichtGefunden($"Eine offene Aufgabe „{Kurz(taskId)}“ gibt es in Ihrem Postkorb nicht. Laden Sie den Postkorb neu.")
                : ApiProblemException.Konflikt($"Die Aufgabe „{Kurz(taskId)}“ ist nicht mehr offen: sie wurde erledigt oder abgebrochen.");
        }
        catch (WorkflowEndedException e) when (taskId is not null)
        {
            throw Coded(ApiProblemException.Konflikt($"Die Aufgabe „{Kurz(taskId)}“ ist nicht mehr offen: sie wurde erledigt oder abgebrochen."), e);
        }
        catch (WorkflowNotFoundException e)
        {
            var fall = Value(e, "instanceId");
            throw Coded(ApiProblemException.NichtGefunden(taskId is not null
                ? $"Eine offene Aufgabe „{Kurz(taskId)}“ gibt es nicht. Laden Sie den Postkorb neu."
                : e.Reason switch
                {
                    RefusalReason.FristNotRunning => $"An „{Value(e, "elementId")}“ läuft im Fall „{fall}“ keine Frist. Die laufenden Fristen zeigt GET /api/process-instances/{fall}.",
                    RefusalReason.InstanceNotFound => $"Einen Fall „{fall}“ gibt es nicht. Prüfen Sie die Kennung des Falls.",
                    _ => "Den Fall oder die Frist gibt es nicht. Prüfen Sie die Kennungen.",
                }), e);
        }
        catch (WorkflowCommandException e) when (e is not VariableLimitException and not CommandBudgetException)
        {
            throw Coded(new ApiProblemException(400, "Verlängerung abgelehnt", Abgelehnt(e)), e);
        }
    }

    /// <summary>Why the engine refused an extension (Runner.ExtendFiktion, WorkflowEngine.Fristen), in German, by the refusal's reason and values.</summary>
    internal static string Abgelehnt(WorkflowCommandException refusal)
    {
        string V(string name) => Value(refusal, name);
        return refusal.Reason switch
        {
            RefusalReason.FristAlreadyExtended =>
                $"Die Frist an „{V("elementId")}“ wurde schon am {Datum(V("extendedOn"))} um {V("extension")} verlängert; § 42a Abs. 2 VwVfG erlaubt nur eine Verlängerung.",
            RefusalReason.FristNotFiktion =>
                $"Die Frist an „{V("elementId")}“ ist keine Genehmigungsfiktion (egov:fiktion); § 42a Abs. 2 VwVfG erlaubt nur die Verlängerung dieser Frist.",
            RefusalReason.FristNotBegun =>
                $"Die Frist an „{V("elementId")}“ hat noch nicht begonnen (die Unterlagen sind noch nicht vollständig); verlängern lässt sie sich, sobald sie läuft.",
            RefusalReason.FristEnded =>
                $"Die Frist an „{V("elementId")}“ ist am {Datum(V("endedOn"))} abgelaufen; verlängern lässt sie sich nur, solange sie läuft.",
            RefusalReason.FristExtensionReasonTooLong =>
                $"Die Begründung ist {V("length")} Zeichen lang; höchstens {V("max")} sind erlaubt. Kürzen Sie sie.",
            RefusalReason.FristExtensionReasonMissing =>
                "Bitte begründen Sie die Verlängerung (begruendung): § 42a Abs. 2 VwVfG erlaubt sie nur, wenn die Schwierigkeit der Angelegenheit sie rechtfertigt.",
            RefusalReason.FristExtensionNotPositive =>
                $"Die Verlängerung „{V("extension")}“ geht nicht: sie muss eine positive Zahl von Tagen, Wochen, Monaten oder Jahren sein, z. B. P1M.",
            RefusalReason.FristExtensionTooLong =>
                $"Eine Verlängerung um {V("extension")} ist länger als die Frist selbst ({V("duration")}); angemessen ist höchstens die Dauer der Frist. Wählen Sie einen kürzeren Zeitraum.",
            RefusalReason.FristTaskNotDatedByFiktion =>
                $"Die Aufgabe „{V("taskId")}“ hängt an keiner Genehmigungsfiktion (einer Frist mit egov:fiktion an ihrem Rand); verlängern lässt sich nur deren Frist.",
            RefusalReason.FristSeveral =>
                $"An „{V("elementId")}“ laufen {V("count")} Fristen (eine Mehrfach-Aktivität); sie einzeln zu verlängern geht nicht.",
            _ => "Die Frist lässt sich so nicht verlängern. Prüfen Sie Zeitraum und Begründung.",
        };
    }

    /// <summary>The refusal's reason as the problem's <c>code</c> (camelCase, e.g. fristAlreadyExtended), when it has one.</summary>
    private static ApiProblemException Coded(ApiProblemException problem, WorkflowCommandException refusal)
    {
        if (refusal.Reason != RefusalReason.Unspecified) problem.Extensions["code"] = Code(refusal.Reason);
        return problem;
    }

    internal static string Code(RefusalReason reason) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    /// <summary>A value of the refusal, quoted safely; "?" when it does not have it.</summary>
    private static string Value(WorkflowCommandException refusal, string name) => refusal.Values.TryGetValue(name, out var v) ? Kurz(v) : "?";

    /// <summary>An ISO date (2027-03-02) as clerks write it (02.03.2027); anything else as it is.</summary>
    private static string Datum(string iso) =>
        NodaTime.Text.LocalDatePattern.Iso.Parse(iso) is { Success: true } d ? d.Value.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture) : iso;

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
}
