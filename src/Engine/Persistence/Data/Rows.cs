namespace EGov.Workflows.Persistence.Data;

// Rows of the durable store, one class per table (see Schema/*/0001_initial.sql). Instants are 100-ns ticks since
// 1970-01-01 UTC (NodaTime's unix ticks): the same integer on both databases, compared and sorted as numbers.

/// <summary>One process instance: its whole state as a JSON document, with the revision for optimistic concurrency.</summary>
internal sealed class InstanceRow
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string RootInstanceId { get; set; } = "";
    public string? ParentInstanceId { get; set; }
    public string ProcessId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string? BusinessKey { get; set; }
    public string Status { get; set; } = "";
    public long StartedAt { get; set; }
    public long? EndedAt { get; set; }
    public long Revision { get; set; }
    public string Document { get; set; } = "";
}

internal sealed class SubscriptionIndexRow
{
    public string TenantId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string SubscriptionId { get; set; } = "";
    public int Ordinal { get; set; }
    public string RootInstanceId { get; set; } = "";
    public string? BusinessKey { get; set; }
    public string Kind { get; set; } = "";
    public string EventName { get; set; } = "";
    public string Payload { get; set; } = "";
}

/// <summary>A due job or external-task retry of an instance, with the lease of the node that runs it.</summary>
internal sealed class JobIndexRow
{
    public string TenantId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string JobId { get; set; } = "";
    public string Kind { get; set; } = "";
    public int Ordinal { get; set; }
    public long DueAt { get; set; }
    public string? LockOwner { get; set; }
    public long? LockExpiresAt { get; set; }
    /// <summary>Leases without an outcome (crashed or timed-out runs); see the job executor's poison-job rule.</summary>
    public int Attempts { get; set; }
}

internal sealed class UserTaskIndexRow
{
    public string TenantId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string TaskId { get; set; } = "";
    public int Ordinal { get; set; }
    public string RootInstanceId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public string? BusinessKey { get; set; }
    public string? Assignee { get; set; }
    public long CreatedAt { get; set; }
    public long TaskOrder { get; set; }
    public string Payload { get; set; } = "";
}

internal sealed class ExternalTaskIndexRow
{
    public string TenantId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string TaskId { get; set; } = "";
    public int Ordinal { get; set; }
    public string RootInstanceId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public string? BusinessKey { get; set; }
    public string? Topic { get; set; }
    public long AvailableAt { get; set; }
    public bool Suspended { get; set; }
    public long CreatedAt { get; set; }
    public long TaskOrder { get; set; }
    public string Payload { get; set; } = "";
    /// <summary>The worker holding the lock (migration 0027), or null.</summary>
    public string? LockOwner { get; set; }
    /// <summary>When the lock ends (ticks), or null.</summary>
    public long? LockExpiresAt { get; set; }
}

internal sealed class IncidentIndexRow
{
    public string TenantId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string IncidentId { get; set; } = "";
    public int Ordinal { get; set; }
    public string RootInstanceId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public long CreatedAt { get; set; }
    public string Payload { get; set; } = "";
}

/// <summary>A timer start event of a deployed process, leased like a job when it fires.</summary>
internal sealed class StartTimerRow
{
    public long Seq { get; set; }
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public long DueAt { get; set; }
    public string? LockOwner { get; set; }
    public long? LockExpiresAt { get; set; }
    /// <summary>Leases without an outcome (crashed or timed-out runs); see the job executor's poison-job rule.</summary>
    public int Attempts { get; set; }
    public string Document { get; set; } = "";
}

/// <summary>An ended element instance (append-only).</summary>
internal sealed class HistoryElementInstanceRow : HistoryRow
{
    public string ElementId { get; set; } = "";
    public string ElementType { get; set; } = "";
    public string? ElementName { get; set; }
    public long StartedAt { get; set; }
    public long EndedAt { get; set; }
    public bool Completed { get; set; }
    public long Sequence { get; set; }
    /// <summary>The sequence flow the token arrived by (migration 0021).</summary>
    public string? ArrivedBy { get; set; }
}

/// <summary>One version of a deployed process model.</summary>
internal sealed class DeploymentRow
{
    public string TenantId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public int Version { get; set; }
    public string ContentHash { get; set; } = "";
    public string File { get; set; } = "";
    public string BpmnXml { get; set; } = "";
    public int? HistoryTtlDays { get; set; }
    public long DeployedAt { get; set; }
    public string? DeployedBy { get; set; }
    /// <summary>The analyst's note on what changed (the designer's "Bereitstellen"); null for other deployments.</summary>
    public string? ChangeNote { get; set; }
    /// <summary>SHA-256 of the file's bytes as deployed from disk (Schema/*/0038): an unchanged file is neither read nor written on a restart.</summary>
    public string? SourceHash { get; set; }
    /// <summary>The process's name (0038); null for versions stored before, until a start fills it in.</summary>
    public string? ProcessName { get; set; }
    /// <summary>What lists and checks read without the model, as JSON (0038; see Deployments/DeploymentOutline.cs).</summary>
    public string? Outline { get; set; }
    /// <summary>
    /// A version made from another tenant's stored version of the same process (Schema/*/0039, a shared model with this
    /// tenant's overlay): that tenant; null for a version with its own model (<see cref="BpmnXml"/>).
    /// </summary>
    public string? SharedTenantId { get; set; }
    /// <summary>The shared model's stored version a reference is made from (0039); null for a version with its own model.</summary>
    public int? SharedVersion { get; set; }
    /// <summary>The overlay a reference applies to the shared model, as compact JSON (0039); null for a version with its own model.</summary>
    public string? OverlayJson { get; set; }
}

/// <summary>A form-js form deployed with a process version (Schema/*/0015_deployment_forms.sql).</summary>
internal sealed class DeploymentFormRow
{
    public string TenantId { get; set; } = "";
    public string ProcessId { get; set; } = "";
    public int Version { get; set; }
    public string FormKey { get; set; } = "";
    public string File { get; set; } = "";
    public string SchemaJson { get; set; } = "";
}
