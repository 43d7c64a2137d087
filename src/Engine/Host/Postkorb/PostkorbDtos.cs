using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// An open user task as the Postkorb shows it (contract: src/Designer/src/postkorb/api.ts). <c>onBehalfOf</c>: the absent
/// user whose task the caller sees as deputy; <c>variables</c>: the extra columns asked for (process variables), else null.
/// </summary>
public sealed record TaskDto(
    string Id, string? Name, string ElementId, string ProcessInstanceId, string InstanceId, string RootInstanceId, string ProcessId,
    string? ProcessName, int ProcessVersion, string? BusinessKey, string? Assignee, string? Owner, string? DelegationState,
    IReadOnlyList<string> CandidateUsers, IReadOnlyList<string> CandidateGroups, DateTimeOffset? Due, DateTimeOffset? FollowUp,
    int Priority, DateTimeOffset CreatedAt, string? FormKey, string? OnBehalfOf, JsonObject? Variables)
{
    public static TaskDto From(InboxRow r, string? onBehalfOf = null, JsonObject? variables = null)
    {
        var t = r.Task;
        return new(t.Id, t.Name, t.ElementId, r.InstanceId, r.InstanceId, r.RootInstanceId, r.ProcessId, t.ProcessName, r.ProcessVersion,
            r.BusinessKey, t.Assignee, t.Owner, t.DelegationState?.ToString().ToLowerInvariant(), t.CandidateUsers, t.CandidateGroups,
            t.DueDate?.ToDateTimeOffset(), t.FollowUpDate?.ToDateTimeOffset(), t.Priority, t.CreatedAt.ToDateTimeOffset(), t.FormKey,
            onBehalfOf, variables);
    }
}

/// <summary>How many tasks each view holds (team: 0 for a caller who leads no group).</summary>
public sealed record TaskCountsDto(long Mine, long Offered, long Group, long Overdue, long Followup, long Team);

/// <summary>Body of POST /api/tasks/{id}/claim.</summary>
public sealed record ClaimRequest(bool TakeOver = false);

/// <summary>Body of POST /api/tasks/{id}/delegate and /assign.</summary>
public sealed record UserRequest(string? UserId);

/// <summary>Body of POST /api/tasks/{id}/resolve.</summary>
public sealed record ResolveRequest(JsonObject? Variables);

/// <summary>Body of POST /api/tasks/{id}/follow-up (null removes it).</summary>
public sealed record FollowUpRequest(DateTimeOffset? FollowUp);
