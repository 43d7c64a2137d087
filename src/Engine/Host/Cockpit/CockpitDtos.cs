using System.Text.Json.Nodes;
using EGov.Workflows.Host.Migration;
using EGov.Workflows.Persistence.Cockpit;

namespace EGov.Workflows.Host.Cockpit;

/// <summary>
/// A case in the cockpit's list: state running, completed or terminated; openIncidents counts the open incidents of the
/// case and the instances it called.
/// </summary>
public sealed record InstanceSummaryDto(
    string Id, string ProcessId, int Version, string? BusinessKey, string State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int OpenIncidents);

/// <summary>
/// Which cases a list or a batch means (every field optional, combined with AND): <c>state</c> running, completed,
/// terminated, or incident (running with an open incident); <c>businessKey</c> matches the start of the Aktenzeichen;
/// <c>startedFrom</c> inclusive, <c>startedTo</c> exclusive; <c>withIncident</c> true/false.
/// </summary>
public sealed record InstanceFilterDto(
    string? ProcessId = null, int? Version = null, string? State = null, string? BusinessKey = null,
    DateTimeOffset? StartedFrom = null, DateTimeOffset? StartedTo = null, bool? WithIncident = null);

/// <summary>
/// Where an instance stands, for its diagram: <c>tokens</c> per element (how many, with multi-instance figures),
/// <c>taken</c> the elements it passed through with how often (the path it actually took), <c>retrying</c> the jobs and
/// tasks that failed and are tried again before they become incidents.
/// </summary>
public sealed record InstanceActivityDto(
    string Id, string ProcessId, int Version, string State,
    IReadOnlyList<ActiveElementDto> Tokens, IReadOnlyList<TakenElementDto> Taken, IReadOnlyList<RetryingDto> Retrying,
    IReadOnlyList<CalledInstanceDto> CalledInstances)
{
    /// <summary>
    /// The sequence flows the root instance took (element id = the flow's id) and how often, from the recorded arrived_by of
    /// its history and of its waiting tokens; empty where the store does not record them (the in-memory store's history).
    /// </summary>
    public IReadOnlyList<TakenElementDto> Flows { get; init; } = [];
}

/// <summary>An element of the root instance where tokens stand: how many, how many stopped by an incident, and for a multi-instance activity its figures.</summary>
public sealed record ActiveElementDto(string ElementId, int Count, int Incidents, MultiInstanceDto? MultiInstance);

public sealed record MultiInstanceDto(int Total, int Active, int Completed, bool Sequential);

/// <summary>An element the root instance passed through (ended element instances), and how often.</summary>
public sealed record TakenElementDto(string ElementId, int Count);

/// <summary>
/// A failed job, activity or external task that is still being retried (no incident yet): kind job, activity or
/// externalTask; retriesLeft as known (null: the default number of tries); the last error; when the next try is due.
/// </summary>
public sealed record RetryingDto(string InstanceId, string ElementId, string Kind, int? RetriesLeft, string? Message, DateTimeOffset? NextTry);

public sealed record CalledInstanceDto(string Id, string ProcessId, int Version, string State);

/// <summary>Body of PUT /api/process-instances/{id}/variables: the variables to set and the reason (required).</summary>
public sealed record SetVariablesRequest(JsonObject? Variables, string? Reason);

/// <summary>Body of POST /api/process-instances/{id}/cancel: the reason (required).</summary>
public sealed record CancelRequest(string? Reason);

/// <summary>An entry of a case's operator journal.</summary>
public sealed record OperatorActionDto(string Id, string Action, string? Reason, string? Detail, string UserId, string? BatchId, DateTimeOffset At)
{
    public static OperatorActionDto From(OperatorAction a) => new(a.Id, a.Action, a.Reason, a.Detail, a.UserId, a.BatchId, a.At.ToDateTimeOffset());
}

/// <summary>
/// Body of the batch endpoints: the cases (<c>instanceIds</c>, or the <c>filter</c> of the list), the reason (required for
/// retry, cancel and set-variables unless every chosen case has its own), <c>reasons</c> a case's own reason by instance id
/// (written into that case's journal instead of the batch's), the variables (set-variables), the migration plan (migrate;
/// its processId and fromVersion select the cases together with the filter).
/// </summary>
public sealed record BatchRequest(InstanceFilterDto? Filter, List<string>? InstanceIds, string? Reason, JsonObject? Variables, MigrationPlan? Plan,
    Dictionary<string, string?>? Reasons = null);

/// <summary>A batch operation and how far it got: pending = total − succeeded − failed − skipped.</summary>
public sealed record BatchDto(
    string Id, string Kind, string? Reason, string Status, int Total, int Succeeded, int Failed, int Skipped, int Pending,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, JsonNode? Filter)
{
    public static BatchDto From(BatchOperation b) => new(b.Id, b.Kind, b.Reason, b.Status, b.Total, b.Succeeded, b.Failed, b.Skipped, b.Total - b.Done,
        b.CreatedBy, b.CreatedAt.ToDateTimeOffset(), b.FinishedAt?.ToDateTimeOffset(), JsonNode.Parse(b.Filter));
}

/// <summary>A case of a batch with its outcome; <c>reason</c> is the case's own reason, null when it takes the batch's.</summary>
public sealed record BatchItemDto(int Position, string InstanceId, string Status, string? Message, DateTimeOffset? FinishedAt, string? Reason)
{
    public static BatchItemDto From(BatchItem i) => new(i.Position, i.InstanceId, i.Status, i.Message, i.FinishedAt?.ToDateTimeOffset(), i.Reason);
}
