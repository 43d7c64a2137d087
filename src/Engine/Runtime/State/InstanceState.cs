using System.Text.Json.Nodes;
using NodaTime;

namespace EGov.Workflows.Runtime.State;

/// <summary>Where a process instance stands as a whole. An open incident does not change it (see the views).</summary>
public enum InstanceStatus { Running, Completed, Terminated }

/// <summary>
/// The whole runtime state of one process instance: one versioned document a store writes as it is.
/// Plain data: public properties only, serializable with System.Text.Json (<see cref="RuntimeJson.Options"/>).
/// </summary>
public sealed class ProcessInstanceState
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = RuntimeDefaults.Tenant;
    public string ProcessId { get; set; } = "";
    public int DefinitionVersion { get; set; } = 1;
    /// <summary>Optimistic concurrency: the revision this document was read at; a store bumps it on every commit.</summary>
    public long Revision { get; set; }
    public string? BusinessKey { get; set; }
    public string RootInstanceId { get; set; } = "";
    public string? ParentInstanceId { get; set; }
    /// <summary>The token of the call activity in the parent instance that waits for this one.</summary>
    public string? ParentTokenId { get; set; }
    public InstanceStatus Status { get; set; }
    public Instant StartedAt { get; set; }
    public Instant? EndedAt { get; set; }
    /// <summary>Counter for ids unique within the instance.</summary>
    public long Sequence { get; set; }
    public List<ScopeState> Scopes { get => _scopes ??= []; set => _scopes = value; }
    public List<TokenState> Tokens { get => _tokens ??= []; set => _tokens = value; }
    public List<SubscriptionState> Subscriptions { get => _subscriptions ??= []; set => _subscriptions = value; }
    public List<JobState> Jobs { get => _jobs ??= []; set => _jobs = value; }
    public List<UserTaskState> UserTasks { get => _userTasks ??= []; set => _userTasks = value; }
    public List<ExternalTaskState> ExternalTasks { get => _externalTasks ??= []; set => _externalTasks = value; }
    public List<IncidentState> Incidents { get => _incidents ??= []; set => _incidents = value; }
    public List<CompensationRecord> Compensations { get => _compensations ??= []; set => _compensations = value; }
    public List<string> CalledInstanceIds { get => _calledInstanceIds ??= []; set => _calledInstanceIds = value; }
    /// <summary>The running legal deadlines (egov:frist) of the instance.</summary>
    public List<FristState> Fristen { get => _fristen ??= []; set => _fristen = value; }

    public bool IsEnded => Status != InstanceStatus.Running;

    /// <summary>True when a Frist runs (without creating the list to find out).</summary>
    internal bool HasFristen => _fristen is { Count: > 0 };

    // Created on first use: a copy assigns every list, and a new instance would otherwise build nine lists twice.
    private List<ScopeState>? _scopes;
    private List<TokenState>? _tokens;
    private List<SubscriptionState>? _subscriptions;
    private List<JobState>? _jobs;
    private List<UserTaskState>? _userTasks;
    private List<ExternalTaskState>? _externalTasks;
    private List<IncidentState>? _incidents;
    private List<CompensationRecord>? _compensations;
    private List<string>? _calledInstanceIds;
    private List<FristState>? _fristen;
}

/// <summary>What a scope instance is: the process, an embedded/event/transaction/ad-hoc subprocess, or a multi-instance body.</summary>
public enum ScopeKind { Process, SubProcess, EventSubProcess, Transaction, AdHocSubProcess, MultiInstanceBody }

/// <summary>A running scope (process, subprocess, event subprocess, multi-instance body) with its variables.</summary>
public sealed class ScopeState
{
    public string Id { get; set; } = "";
    public string? ParentScopeId { get; set; }
    /// <summary>The process id, the subprocess id, or <c>X#multiInstanceBody</c>.</summary>
    public string ElementId { get; set; } = "";
    public ScopeKind Kind { get; set; }
    /// <summary>The token in the parent scope that waits while this scope runs (null for the process scope).</summary>
    public string? OwnerTokenId { get; set; }
    public JsonObject Variables { get => _variables ??= []; set => _variables = value; }
    private JsonObject? _variables; // created on first use: most scopes of a straight-through instance never hold one

    /// <summary>True when the scope holds no variable (without creating the object to find out).</summary>
    internal bool HasNoVariables => _variables is null || _variables.Count == 0;
    public Instant StartedAt { get; set; }
    /// <summary>Multi-instance bookkeeping: the items (collection) and how many instances exist, run and completed.</summary>
    public MultiInstanceState? MultiInstance { get; set; }
    /// <summary>Ad-hoc subprocess: activities already completed.</summary>
    public int CompletedActivities { get; set; }
    /// <summary>Set once an interrupting event or completion condition ended the scope's main flow.</summary>
    public bool Interrupted { get; set; }
}

public sealed class MultiInstanceState
{
    public bool Sequential { get; set; }
    public int NrOfInstances { get; set; }
    public int NrOfCompleted { get; set; }
    public int NrOfActive { get; set; }
    /// <summary>Next loop counter to start (sequential).</summary>
    public int NextIndex { get; set; }
    public JsonArray? Items { get; set; }
    public string? ElementVariable { get; set; }
}

/// <summary>What a token is doing at its element.</summary>
public enum TokenStatus
{
    /// <summary>About to run its element's behaviour (transient within a command).</summary>
    Active,
    /// <summary>Waits for an outside trigger (task, message, timer, child scope, called instance).</summary>
    Waiting,
    /// <summary>Arrived at a joining gateway and waits for the others.</summary>
    Joined,
    /// <summary>Waits as a job (asyncBefore/asyncAfter) for the job executor.</summary>
    Job,
    /// <summary>Stopped before its element by an incident; a retry runs the element again.</summary>
    Incident,
}

/// <summary>One token (execution) at one element within a scope; the activity instance of that element.</summary>
public sealed class TokenState
{
    public string Id { get; set; } = "";
    public string ScopeId { get; set; } = "";
    public string ElementId { get; set; } = "";
    public TokenStatus Status { get; set; }
    public Instant StartedAt { get; set; }
    /// <summary>The sequence flow the token arrived by (joins count them).</summary>
    public string? ArrivedBy { get; set; }
    /// <summary>Variables local to this activity instance (input parameters, loopCounter, element variable).</summary>
    public JsonObject? Locals { get; set; }
    /// <summary>The scope this token owns while it waits (subprocess, multi-instance body).</summary>
    public string? ChildScopeId { get; set; }
    /// <summary>The called process instance while a call activity waits.</summary>
    public string? CalledInstanceId { get; set; }
    /// <summary>An inner instance of a multi-instance body (counts once when it completes).</summary>
    public bool IsMultiInstanceInner { get; set; }
    /// <summary>The multi-instance body of its element (owns the body scope; recorded as <c>X#multiInstanceBody</c>).</summary>
    public bool IsMultiInstanceBody { get; set; }
    /// <summary>Tries left for an in-process activity that failed (null = not failed yet).</summary>
    public int? RetriesLeft { get; set; }
    /// <summary>Runs a compensation handler for the token with this id (which waits for it).</summary>
    public string? CompensationFor { get; set; }
    /// <summary>
    /// Stands for a completed subprocess whose scope was restored to run its compensation event subprocess; when that
    /// scope completes the token ends without leaving (the subprocess already left once).
    /// </summary>
    public bool RestoredForCompensation { get; set; }
    /// <summary>How many compensation handlers this (throwing) token still waits for.</summary>
    public int PendingCompensations { get; set; }
    /// <summary>Standard loop: passes done so far.</summary>
    public int LoopPass { get; set; }
    /// <summary>Where the token is within its element's life (see <see cref="TokenPhase"/>).</summary>
    public TokenPhase Phase { get; set; }
    /// <summary>A custom activity that returned Wait: its name (resumed with a payload).</summary>
    public string? WaitingActivity { get; set; }
    /// <summary>True when the token arrived at this element through a link or as a boundary/event start (not recorded when Link).</summary>
    public bool Silent { get; set; }
}

/// <summary>Where a token is in its element's life: before it (async-before job), in it, after it (async-after job).</summary>
public enum TokenPhase { Before, Executing, After }

/// <summary>
/// What a subscription waits for; <see cref="Activity"/>: a custom activity that waits for a pack's callback, found by
/// its callback key (<see cref="SubscriptionState.EventName"/>).
/// </summary>
public enum SubscriptionKind { Message, Signal, Conditional, Activity }

/// <summary>An event a token or scope waits for (index row: message and signal subscriptions are found across instances).</summary>
public sealed class SubscriptionState
{
    public string Id { get; set; } = "";
    public SubscriptionKind Kind { get; set; }
    public string EventName { get; set; } = "";
    /// <summary>The catching element: catch event, receive task, boundary event or event-subprocess start event.</summary>
    public string ElementId { get; set; } = "";
    /// <summary>The waiting token (catch event, receive task, event-based gateway, or the activity a boundary is attached to).</summary>
    public string? TokenId { get; set; }
    /// <summary>For event-subprocess starts: the scope whose event subprocess it is.</summary>
    public string? ScopeId { get; set; }
    public Instant CreatedAt { get; set; }
    /// <summary>Conditional events: the condition's last value (fires on false → true).</summary>
    public bool LastValue { get; set; }
}

public enum JobKind { Timer, AsyncContinuation }

/// <summary>A timer or an async continuation, due at an instant (index row: due jobs are found across instances).</summary>
public sealed class JobState
{
    public string Id { get; set; } = "";
    public JobKind Kind { get; set; }
    /// <summary>Timer: the timer event (catch, boundary, event-subprocess start). Async: the element of the token.</summary>
    public string ElementId { get; set; } = "";
    public string? TokenId { get; set; }
    public string? ScopeId { get; set; }
    public Instant DueAt { get; set; }
    /// <summary>Timer definition as evaluated: kind (Date, Duration, Cycle) and text.</summary>
    public string? TimerKind { get; set; }
    public string? TimerText { get; set; }
    public int FiredCount { get; set; }
    /// <summary>Tries left (async jobs; null = default from failedJobRetryTimeCycle).</summary>
    public int? Retries { get; set; }
    public string? LastError { get; set; }
    /// <summary>True once an incident stopped the job.</summary>
    public bool Suspended { get; set; }
}

public sealed class UserTaskState
{
    public string Id { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string ElementId { get; set; } = "";
    public string? Name { get; set; }
    public string? Assignee { get; set; }
    public List<string> CandidateUsers { get; set; } = [];
    public List<string> CandidateGroups { get; set; } = [];
    public Instant? DueDate { get; set; }
    public Instant? FollowUpDate { get; set; }
    public int Priority { get; set; } = 50;
    public string? FormKey { get; set; }
    public Instant CreatedAt { get; set; }
    /// <summary>Global creation order (oldest first within one instant).</summary>
    public long Order { get; set; }
    /// <summary>Camunda delegation: who delegated the task and gets it back when the delegate resolves it.</summary>
    public string? Owner { get; set; }
    /// <summary>Null (never delegated), pending (the delegate works it) or resolved (back with the owner).</summary>
    public DelegationState? DelegationState { get; set; }
    /// <summary>The process's name when the task was created (the inbox shows and searches it without the model).</summary>
    public string? ProcessName { get; set; }
    /// <summary>The Frist (<see cref="FristState.Id"/>) whose end is the task's due date: its own, or the case's.</summary>
    public string? FristId { get; set; }
}

/// <summary>Camunda 7's delegation states of a user task.</summary>
public enum DelegationState { Pending, Resolved }

public sealed class ExternalTaskState
{
    public string Id { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string ElementId { get; set; } = "";
    /// <summary>The topic a worker fetches by; null when the task has no implementation at all.</summary>
    public string? Topic { get; set; }
    /// <summary>True when no implementation is known (no external type, no egov:activity): nobody serves it unless a scenario says.</summary>
    public bool Unbound { get; set; }
    /// <summary>Tries left as the worker reported (null until the first failure).</summary>
    public int? Retries { get; set; }
    /// <summary>From when a worker may fetch it (after a failure: now + retry timeout).</summary>
    public Instant AvailableAt { get; set; }
    public string? ErrorMessage { get; set; }
    public Instant CreatedAt { get; set; }
    public int Priority { get; set; }
    public long Order { get; set; }
    public string? LockOwner { get; set; }
    public Instant? LockExpiresAt { get; set; }
    /// <summary>True while an incident stops it (retries exhausted).</summary>
    public bool Suspended { get; set; }
    /// <summary>
    /// The W3C trace context (<c>traceparent</c>) of the command that created the task, when one was traced: a worker that
    /// fetches it continues that trace. Ids only, no values.
    /// </summary>
    public string? TraceParent { get; set; }
}

public enum IncidentKind { FailedScript, FailedExpression, FailedJob, FailedExternalTask, FailedActivity }

public sealed class IncidentState
{
    public string Id { get; set; } = "";
    public IncidentKind Kind { get; set; }
    public string ElementId { get; set; } = "";
    public string? TokenId { get; set; }
    public string? JobId { get; set; }
    public string? ExternalTaskId { get; set; }
    public string Message { get; set; } = "";
    /// <summary>
    /// The technical detail when <see cref="Message"/> is already written for a clerk or operator (e.g. a parked job); null
    /// when the message itself is the technical text.
    /// </summary>
    public string? Details { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>A completed activity that may be compensated later (it has a handler, or its scope held compensable activities).</summary>
public sealed class CompensationRecord
{
    public string Id { get; set; } = "";
    /// <summary>The scope instance the activity completed in.</summary>
    public string ScopeId { get; set; } = "";
    public string ElementId { get; set; } = "";
    /// <summary>The compensation handler activity (via the compensation boundary event's association).</summary>
    public string? HandlerElementId { get; set; }
    /// <summary>For a completed subprocess or multi-instance body: its (ended) scope, whose records compensate with it.</summary>
    public string? NestedScopeId { get; set; }
    public long Order { get; set; }
    /// <summary>The activity instance's local variables (e.g. the element variable of a multi-instance instance).</summary>
    public JsonObject? Locals { get; set; }
    /// <summary>
    /// For a completed subprocess with a compensation event subprocess: that event subprocess. Compensating the
    /// subprocess restores its scope (<see cref="NestedScopeId"/>, <see cref="ScopeVariables"/>) and runs it there.
    /// </summary>
    public string? EventSubProcessId { get; set; }
    /// <summary>The subprocess scope's own variables as they were when it completed (with <see cref="EventSubProcessId"/>).</summary>
    public JsonObject? ScopeVariables { get; set; }
}

/// <summary>One ended element instance (append-only history row).</summary>
public sealed record ElementInstanceRecord
{
    /// <summary>The row's id; the engine's own rows spell it <c>{InstanceId}.h{n}</c>, built when first read.</summary>
    public string Id
    {
        get => _id ??= string.Concat(InstanceId, ".h", IdNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        init => _id = value;
    }

    private string? _id;

    /// <summary>
    /// Set by the runner instead of <see cref="Id"/>: most rows go straight into a store that keeps the number (the
    /// in-memory one) and never need the text, a dozen strings per straight-through instance.
    /// </summary>
    internal long IdNumber { get; init; }

    /// <summary>The id's number when the row was made with one and its text was never built.</summary>
    internal long? UnbuiltIdNumber => _id is null ? IdNumber : null;

    public bool Equals(ElementInstanceRecord? other) =>
        other is not null && Id == other.Id && TenantId == other.TenantId && InstanceId == other.InstanceId && RootInstanceId == other.RootInstanceId
        && ProcessId == other.ProcessId && ElementId == other.ElementId && ElementType == other.ElementType && ElementName == other.ElementName
        && StartedAt == other.StartedAt && EndedAt == other.EndedAt && Completed == other.Completed && Sequence == other.Sequence
        && ActivityPack == other.ActivityPack;

    public override int GetHashCode() => HashCode.Combine(Id, InstanceId, ElementId, StartedAt, Sequence);

    /// <summary>The activity pack and version whose activity ran this element ("Melderegister 1.2.0"); null for every other element.</summary>
    public string? ActivityPack { get; init; }

    public string TenantId { get; init; } = RuntimeDefaults.Tenant;
    public string InstanceId { get; init; } = "";
    public string RootInstanceId { get; init; } = "";
    public string ProcessId { get; init; } = "";
    public string ElementId { get; init; } = "";
    public string ElementType { get; init; } = "";
    public string? ElementName { get; init; }
    public Instant StartedAt { get; init; }
    public Instant EndedAt { get; init; }
    /// <summary>False when the element instance was cancelled (interrupted, terminated) instead of completing.</summary>
    public bool Completed { get; init; }
    /// <summary>Order of recording (stable sort within one instant).</summary>
    public long Sequence { get; init; }
    /// <summary>
    /// The sequence flow the token arrived by (gateway branches taken, the path an instance took); null for an element a
    /// token entered otherwise (start, boundary and event-subprocess starts, multi-instance inner instances). Kept by the
    /// durable stores (migration 0021); the in-memory store does not keep it, and it is not part of equality.
    /// </summary>
    public string? ArrivedBy { get; init; }
    /// <summary>
    /// When the element's own Frist (egov:frist on a user or receive task) passed — the end of its last day, after Hemmung —
    /// for an element instance that had one when it ended; null otherwise. Kept by the durable stores (migration 0029) for
    /// the analytics' missed Fristen; not part of equality.
    /// </summary>
    public Instant? FristDue { get; init; }
}

public static class RuntimeDefaults
{
    public const string Tenant = "default";
}
