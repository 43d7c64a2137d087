namespace EGov.Workflows.Persistence.Data;

// Rows of the detailed history (Schema/*/0002_history_details.sql): append-only, one class per table.

/// <summary>
/// What every history table has: its write order (Seq, the key), the tenant, and the instance and root instance tree it
/// belongs to. Not an entity itself: each derived row maps to its own table, and per-tree reads and retention deletes
/// are written once against this base.
/// </summary>
internal abstract class HistoryRow
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string RootInstanceId { get; set; } = "";
    public string ProcessId { get; set; } = "";
}

/// <summary>The activity pack and version that ran an element instance (its id is the element history row's).</summary>
internal sealed class HistoryActivityPackRow : HistoryRow
{
    public string ActivityPack { get; set; } = "";
}

/// <summary>A variable change (values as JSON text).</summary>
internal sealed class HistoryVariableRow : HistoryRow
{
    public string ScopeId { get; set; } = "";
    public string ScopeElementId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Change { get; set; } = "";
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public long OccurredAt { get; set; }
    public string Command { get; set; } = "";
    public string? UserId { get; set; }
}

/// <summary>A user task or external task event.</summary>
internal sealed class HistoryTaskRow : HistoryRow
{
    public string TaskId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string ElementId { get; set; } = "";
    public string Event { get; set; } = "";
    public string? UserId { get; set; }
    public string? Detail { get; set; }
    public long OccurredAt { get; set; }
    public string Command { get; set; } = "";
    public string? OnBehalfOf { get; set; }
}

/// <summary>An incident event.</summary>
internal sealed class HistoryIncidentRow : HistoryRow
{
    public string IncidentId { get; set; } = "";
    public string IncidentKind { get; set; } = "";
    public string ElementId { get; set; } = "";
    public string Event { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Details { get; set; }
    public long OccurredAt { get; set; }
    public string Command { get; set; } = "";
}

/// <summary>
/// A decision evaluation (Schema/*/0005_decisions.sql): not of a history tree only (an evaluation through the API has no
/// instance), so it is no <see cref="HistoryRow"/>; JSON text for inputs, matched rules, decisions, warnings and errors.
/// </summary>
internal sealed class HistoryDecisionRow
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string DecisionKey { get; set; } = "";
    public int Version { get; set; }
    public long EvaluatedAt { get; set; }
    public string? ProcessInstanceId { get; set; }
    public string? RootInstanceId { get; set; }
    public string? ElementId { get; set; }
    public string Inputs { get; set; } = "{}";
    public string MatchedRules { get; set; } = "[]";
    public string? Result { get; set; }
    public string Decisions { get; set; } = "[]";
    public string Warnings { get; set; } = "[]";
    public string Errors { get; set; } = "[]";
}

/// <summary>A stored decision version with the DMN file it came from.</summary>
internal sealed class DecisionDeploymentRow
{
    public string TenantId { get; set; } = "";
    public string DecisionKey { get; set; } = "";
    public int Version { get; set; }
    public string ContentHash { get; set; } = "";
    public string File { get; set; } = "";
    public string DmnXml { get; set; } = "";
    public long DeployedAt { get; set; }
}
