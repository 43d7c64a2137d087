using NodaTime;

namespace EGov.Workflows.Runtime.State;

/// <summary>How a variable changed within one command.</summary>
public enum VariableChange { Created, Updated, Deleted }

/// <summary>
/// One change of a scope variable (append-only history row), as it stood when the command committed: several writes
/// of one command to the same variable are one change. Values are JSON text (null = the variable did not exist).
/// </summary>
public sealed record VariableChangeRecord
{
    public string Id { get; init; } = "";
    public string TenantId { get; init; } = RuntimeDefaults.Tenant;
    public string InstanceId { get; init; } = "";
    public string RootInstanceId { get; init; } = "";
    public string ProcessId { get; init; } = "";
    /// <summary>The scope instance that holds the variable (process, subprocess, multi-instance body).</summary>
    public string ScopeId { get; init; } = "";
    /// <summary>The scope's element: the process id, the subprocess id, or <c>X#multiInstanceBody</c>.</summary>
    public string ScopeElementId { get; init; } = "";
    public string Name { get; init; } = "";
    public VariableChange Change { get; init; }
    public string? OldValue { get; init; }
    public string? NewValue { get; init; }
    public Instant At { get; init; }
    /// <summary>The engine command that made the change (e.g. <c>CompleteUserTask</c>).</summary>
    public string Command { get; init; } = "";
    /// <summary>The user (or worker) on whose behalf the command ran, when the caller said.</summary>
    public string? UserId { get; init; }
}

public enum TaskKind { User, External }

/// <summary>What happened to a user task or an external task.</summary>
public enum TaskEvent
{
    Created,
    /// <summary>The assignee was set or changed (claim, assignment).</summary>
    Assigned,
    /// <summary>The assignee was removed.</summary>
    Unassigned,
    Completed,
    /// <summary>The task went away without completing (interrupting event, cancelled or ended instance, migration).</summary>
    Cancelled,
    /// <summary>External task: a worker locked it (fetchAndLock, lock).</summary>
    Locked,
    /// <summary>External task: the lock owner extended the lock.</summary>
    LockExtended,
    Unlocked,
    /// <summary>External task: the worker reported a failure.</summary>
    Failed,
    /// <summary>External task: the worker reported a BPMN error.</summary>
    BpmnError,
    /// <summary>User task: the assignee delegated it (Camunda delegation: the owner stays, the delegate works it).</summary>
    Delegated,
    /// <summary>User task: the delegate resolved it; it is back with its owner.</summary>
    Resolved,
}

/// <summary>One step in the life of a user task or external task (append-only history row).</summary>
public sealed record TaskEventRecord
{
    public string Id { get; init; } = "";
    public string TenantId { get; init; } = RuntimeDefaults.Tenant;
    public string InstanceId { get; init; } = "";
    public string RootInstanceId { get; init; } = "";
    public string ProcessId { get; init; } = "";
    public string TaskId { get; init; } = "";
    public TaskKind Kind { get; init; }
    public string ElementId { get; init; } = "";
    public TaskEvent Event { get; init; }
    /// <summary>Assignee (user tasks), worker (external tasks) or the user who completed the task.</summary>
    public string? UserId { get; init; }
    /// <summary>Why (cancellation reason, failure message, BPMN error code).</summary>
    public string? Detail { get; init; }
    public Instant At { get; init; }
    public string Command { get; init; } = "";
    /// <summary>The absent user the acting user stood in for (Vertretung: "in Vertretung für"), when they did.</summary>
    public string? OnBehalfOf { get; init; }
}

public enum IncidentEvent
{
    Created,
    /// <summary>A retry resolved it (the element runs again or the task may be fetched again).</summary>
    Resolved,
    /// <summary>It went away with its element or instance (cancelled, ended, migrated).</summary>
    Deleted,
}

/// <summary>One step in the life of an incident (append-only history row).</summary>
public sealed record IncidentEventRecord
{
    public string Id { get; init; } = "";
    public string TenantId { get; init; } = RuntimeDefaults.Tenant;
    public string InstanceId { get; init; } = "";
    public string RootInstanceId { get; init; } = "";
    public string ProcessId { get; init; } = "";
    public string IncidentId { get; init; } = "";
    public IncidentKind IncidentKind { get; init; }
    public string ElementId { get; init; } = "";
    public IncidentEvent Event { get; init; }
    public string Message { get; init; } = "";
    /// <summary>
    /// The technical detail when <see cref="Message"/> is written for a clerk or operator (as <see cref="IncidentState.Details"/>);
    /// null when the message itself is the technical text.
    /// </summary>
    public string? Details { get; init; }
    public Instant At { get; init; }
    public string Command { get; init; } = "";
}
