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
                InstanceEndpoints.RequireInstance(t, id);
                return Results.Ok(BoundedList.Of(http, t.Engine.VariableHistory(id).Select(VariableChangeDto.From), offset, limit));
            })
            .WithName("GetProcessInstanceVariableHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("Variable changes of a root instance tree: created/updated/deleted, old and new value, when, by which command and user")
            .Produces<List<VariableChangeDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history/tasks", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                return Results.Ok(BoundedList.Of(http, t.Engine.TaskHistory(id).Select(TaskEventDto.From), offset, limit));
            })
            .WithName("GetProcessInstanceTaskHistory").RequirePermission(Permission.HistoryRead)
            .WithSummary("User task and external task events of a root instance tree: created, assigned, completed, cancelled, locked, failed…")
            .Produces<List<TaskEventDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history/incidents", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                return Results.Ok(BoundedList.Of(http, t.Engine.IncidentHistory(id).Select(IncidentEventDto.From), offset, limit));
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

/// <summary>One event of an incident.</summary>
public sealed record IncidentEventDto(
    string IncidentId, string Kind, string InstanceId, string ElementId, string Event, string Message, DateTimeOffset At, string Command)
{
    public static IncidentEventDto From(IncidentEventRecord r) => new(
        r.IncidentId, r.IncidentKind.ToString(), r.InstanceId, r.ElementId, VariableChangeDto.Camel(r.Event.ToString()), r.Message,
        r.At.ToDateTimeOffset(), r.Command);
}
