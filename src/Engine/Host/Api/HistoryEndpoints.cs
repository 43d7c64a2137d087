using EGov.Workflows.Host.Security;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The detailed history of a root instance tree (beside /history, the element instances): variable changes, user and
/// external task events, incident events — oldest first, append-only, deleted with the instance by retention.
/// </summary>
internal static class HistoryEndpoints
{
    public static void MapHistoryEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/process-instances/{id}/history/variables", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                return Results.Ok(PageOf(http, t, id, offset, limit, page => t.Engine.Store.VariableHistoryPage(t.TenantId, id, page.Offset, page.Limit), VariableChangeDto.From));
            })
            .WithName("GetProcessInstanceVariableHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("Variable changes of a root instance tree: created/updated/deleted, old and new value, when, by which command and user")
            .Produces<List<VariableChangeDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history/tasks", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                return Results.Ok(PageOf(http, t, id, offset, limit, page => t.Engine.Store.TaskHistoryPage(t.TenantId, id, page.Offset, page.Limit), TaskEventDto.From));
            })
            .WithName("GetProcessInstanceTaskHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("User task and external task events of a root instance tree: created, assigned, completed, cancelled, locked, failed…")
            .Produces<List<TaskEventDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history/incidents", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                return Results.Ok(PageOf(http, t, id, offset, limit, page => t.Engine.Store.IncidentHistoryPage(t.TenantId, id, page.Offset, page.Limit), IncidentEventDto.From));
            })
            .WithName("GetProcessInstanceIncidentHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("Incident events of a root instance tree: created, resolved (retry), deleted (with its element or instance)")
            .Produces<List<IncidentEventDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history/decisions", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                var decisions = t.Engine.Decisions;
                return Results.Ok(BoundedList.Of(http, t.Engine.DecisionHistory(id).Select(r => DecisionEvaluationDto.From(r, decisions)), offset, limit));
            })
            .WithName("GetProcessInstanceDecisionHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("Decision evaluations of a root instance tree (why was this fee charged): inputs, matched rules, outputs, warnings")
            .Produces<List<DecisionEvaluationDto>>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// A page of a root instance tree's detailed history. The tree is looked up only when the store has no such rows for
    /// the id, to tell an unknown instance (404) from a case without them (an empty page): a case page then costs one
    /// statement less per request. The rows are the tenant's own either way (the store reads them by tenant).
    /// </summary>
    private static List<TOut> PageOf<TRow, TOut>(HttpContext http, TenantEngine t, string id, int? offset, int? limit,
        Func<PageRequest, Runtime.Store.RowPage<TRow>> read, Func<TRow, TOut> map) =>
        BoundedList.Read(http, offset, limit, page =>
        {
            var rows = read(page);
            if (rows.Total == 0) InstanceEndpoints.RequireInstance(t, id);
            return rows;
        }, map);
}

/// <summary>One variable change; values are JSON (null when the variable did not exist before, or no longer exists).</summary>
public sealed record VariableChangeDto(
    string InstanceId, string ScopeId, string ScopeElementId, string Name, string Change, JsonNode? OldValue, JsonNode? NewValue,
    DateTimeOffset At, string Command, string? UserId)
{
    public static VariableChangeDto From(VariableChangeRecord r) => new(
        r.InstanceId, r.ScopeId, r.ScopeElementId, r.Name, Camel(r.Change.ToString()), Parse(r.OldValue), Parse(r.NewValue),
        r.At.ToDateTimeOffset(), r.Command, r.UserId);

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);

    internal static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>One event of a user task (kind "user") or external task (kind "external").</summary>
public sealed record TaskEventDto(
    string TaskId, string Kind, string InstanceId, string ElementId, string Event, string? UserId, string? Detail, DateTimeOffset At, string Command,
    string? OnBehalfOf = null)
{
    public static TaskEventDto From(TaskEventRecord r) => new(
        r.TaskId, VariableChangeDto.Camel(r.Kind.ToString()), r.InstanceId, r.ElementId, VariableChangeDto.Camel(r.Event.ToString()),
        r.UserId, r.Detail, r.At.ToDateTimeOffset(), r.Command, r.OnBehalfOf);
}

/// <summary>
/// One event of an incident: <c>message</c> says in German what happened for a clerk or operator (as the open incident said
/// it, or that it was resolved or is gone), <c>details</c> holds the technical text (an engine's error, a worker's message
/// when the incident is gone) — never the other way round.
/// </summary>
public sealed record IncidentEventDto(
    string IncidentId, string Kind, string InstanceId, string ElementId, string Event, string Message, DateTimeOffset At, string Command,
    string? Details = null)
{
    public static IncidentEventDto From(IncidentEventRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var kind = r.IncidentKind.ToString();
        // As it was shown while open: the clerk's sentence and the technical text apart.
        var open = IncidentDto.Of(r.IncidentId, r.InstanceId, r.RootInstanceId, r.ProcessId, r.ElementId, kind, r.Message, r.Details, r.At.ToDateTimeOffset());
        var step = $"„{r.ElementId}“";
        var (message, details) = r.Event switch
        {
            IncidentEvent.Resolved => ($"Die Störung am Schritt {step} wurde behoben: der Schritt wurde erneut angestoßen.", open.Details ?? r.Message),
            IncidentEvent.Deleted => ($"Die Störung am Schritt {step} ist entfallen: der Fall wurde beendet oder der Schritt abgebrochen.", open.Details ?? r.Message),
            _ => (open.Message, open.Details),
        };
        return new(r.IncidentId, kind, r.InstanceId, r.ElementId, VariableChangeDto.Camel(r.Event.ToString()), message, r.At.ToDateTimeOffset(), r.Command, details);
    }
}
