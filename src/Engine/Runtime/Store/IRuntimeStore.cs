using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>
/// Where runtime state lives. A command reads the instance documents it needs, changes them in memory and commits
/// them at its end, together with history rows, in one <see cref="Commit"/> (one transaction in a durable store).
/// Index queries (subscriptions, due jobs, tasks, incidents) are what a store keeps as rows beside the documents;
/// <see cref="RuntimeIndex"/> derives them from a document so every store derives them the same way.
/// </summary>
public interface IRuntimeStore
{
    /// <summary>A private copy of the instance document (changes are invisible until committed), or null.</summary>
    ProcessInstanceState? Load(string tenantId, string instanceId);

    /// <summary>Writes every changed document (bumping its revision), history rows and start timers at once.</summary>
    /// <exception cref="ConcurrencyConflictException">A document changed since it was read.</exception>
    void Commit(RuntimeChangeSet changes);

    /// <summary>Instances of the tenant with a message or signal subscription of this name.</summary>
    IReadOnlyList<SubscriptionRow> FindSubscriptions(string tenantId, SubscriptionKind kind, string eventName);

    /// <summary>Running instances with conditional subscriptions (evaluated on variable changes).</summary>
    IReadOnlyList<string> InstancesWithConditions(string tenantId);

    /// <summary>Due jobs, external tasks becoming available, and start timers, earliest first.</summary>
    IReadOnlyList<DueWork> FindDueWork(string tenantId, Instant until, int max);

    /// <summary>The earliest instant at which a job or start timer is due, or an external task becomes available again after <paramref name="now"/>.</summary>
    Instant? NextDue(string tenantId, Instant now);

    IReadOnlyList<UserTaskRow> OpenUserTasks(string tenantId, string? rootInstanceId = null);
    IReadOnlyList<ExternalTaskRow> OpenExternalTasks(string tenantId, string? rootInstanceId = null);
    IReadOnlyList<IncidentRow> OpenIncidents(string tenantId, string? rootInstanceId = null);

    /// <summary>
    /// Ids of the running instances (roots and called ones) of one process definition version, oldest first — what a
    /// migration moves.
    /// </summary>
    IReadOnlyList<string> RunningInstances(string tenantId, string processId, int version);

    /// <summary>How many root instances (cases) of the tenant are running (the open-instance quota).</summary>
    long CountOpenCases(string tenantId);

    /// <summary>
    /// How many instances (roots and called ones) of each process definition version of the tenant run and have ended — the
    /// catalogue's figures. One grouped query on a durable store; stores that cannot count answer none.
    /// </summary>
    IReadOnlyList<InstanceCount> InstanceCounts(string tenantId) => [];

    /// <summary>
    /// How long finished cases of one process version still took from a point to their end: for each completed root
    /// instance of the version (the most recently ended first, at most <paramref name="max"/>) that passed one of
    /// <paramref name="elementIds"/> (anywhere in its tree), the time from the first such element's start to the case's
    /// end. The citizens' expected completion date (median from the current milestone) reads it. A durable store answers
    /// it with one query; this default pages the cockpit's list and reads each case's history.
    /// </summary>
    IReadOnlyList<Duration> RemainingDurations(string tenantId, string processId, int version, IReadOnlyCollection<string> elementIds, int max)
    {
        ArgumentNullException.ThrowIfNull(elementIds);
        var result = new List<Duration>();
        if (elementIds.Count == 0 || max <= 0) return result;
        var query = new InstanceQuery(processId, version, InstanceStatus.Completed);
        for (var offset = 0; result.Count < max; offset += 100)
        {
            var page = InstancesPage(tenantId, query, offset, 100);
            foreach (var row in page.Items)
            {
                if (row.EndedAt is not { } ended) continue;
                if (RemainingAfter(History(tenantId, row.Id), elementIds, ended) is { } remaining) result.Add(remaining);
                if (result.Count >= max) break;
            }
            if (page.Items.Count < 100) break;
        }
        return result;
    }

    /// <summary>
    /// For <see cref="RemainingDurations"/>: the time from the earliest start of one of <paramref name="elementIds"/> in a case's
    /// history to the case's end, or null when the case passed none of them.
    /// </summary>
    internal static Duration? RemainingAfter(IEnumerable<ElementInstanceRecord> history, IReadOnlyCollection<string> elementIds, Instant ended)
    {
        Instant? reached = null;
        foreach (var h in history)
            if (elementIds.Contains(h.ElementId) && (reached is null || h.StartedAt < reached)) reached = h.StartedAt;
        return ended - reached;
    }

    /// <summary>
    /// What operators watch (the metrics of <c>/metrics</c>): per tenant the open user tasks and open incidents, and over all
    /// tenants the due jobs and start timers nobody holds (the job executor's backlog) with the oldest due time. A few grouped
    /// counts on a durable store; the host asks at most every few seconds. Stores that cannot count answer none.
    /// </summary>
    OperationalFigures Figures(Instant now) => OperationalFigures.None;

    /// <summary>Whether any instance (running or ended, root or called) was started on the version of the process.</summary>
    bool HasInstancesOf(string tenantId, string processId, int version) => RunningInstances(tenantId, processId, version).Count > 0;

    /// <summary>
    /// A page of root instances (cases) matching the query, newest first, with the total count — the operators' cockpit.
    /// Durable stores answer it in SQL; the in-memory store scans the documents it holds as objects or bytes (ended
    /// trees moved to its archive are not listed). A store that cannot list answers an empty page.
    /// </summary>
    RowPage<InstanceSummaryRow> InstancesPage(string tenantId, InstanceQuery query, int offset, int limit) => new([], 0);

    /// <summary>Every instance of a root instance tree (the root first, then the instances it called).</summary>
    IReadOnlyList<string> InstanceTree(string tenantId, string rootInstanceId);

    /// <summary>History rows of a root instance tree, in recording order.</summary>
    IReadOnlyList<ElementInstanceRecord> History(string tenantId, string rootInstanceId);

    /// <summary>Variable changes of a root instance tree, in recording order.</summary>
    IReadOnlyList<VariableChangeRecord> VariableHistory(string tenantId, string rootInstanceId);

    /// <summary>User task and external task events of a root instance tree, in recording order.</summary>
    IReadOnlyList<TaskEventRecord> TaskHistory(string tenantId, string rootInstanceId);

    /// <summary>Incident events of a root instance tree, in recording order.</summary>
    IReadOnlyList<IncidentEventRecord> IncidentHistory(string tenantId, string rootInstanceId);

    IReadOnlyList<StartTimerState> StartTimers(string tenantId);

    // Pages of the lists the API shows: a durable store reads only the page (LIMIT/OFFSET) and counts in SQL, so a list
    // endpoint never loads a tenant's whole list; these defaults page what the full read answers (the in-memory store).

    /// <summary>One page of the open incidents (oldest first), with the total.</summary>
    RowPage<IncidentRow> OpenIncidentsPage(string tenantId, string? rootInstanceId, int offset, int limit) =>
        RowPage<IncidentRow>.Of(OpenIncidents(tenantId, rootInstanceId), offset, limit);

    /// <summary>One page of the open external tasks (oldest first), optionally of one topic and one instance, with the total.</summary>
    RowPage<ExternalTaskRow> OpenExternalTasksPage(string tenantId, string? topic, string? instanceId, int offset, int limit) =>
        RowPage<ExternalTaskRow>.Of(OpenExternalTasks(tenantId).Where(r => (topic is null || r.Task.Topic == topic) && (instanceId is null || r.InstanceId == instanceId)).ToList(), offset, limit);

    /// <summary>
    /// One page of the open external tasks (oldest first) held by <paramref name="workerId"/> (null: any) and locked or not at
    /// <paramref name="now"/> (null: either), optionally of one topic and one instance, with the total (Camunda's list by
    /// worker and lock). A durable store filters and pages in SQL.
    /// </summary>
    RowPage<ExternalTaskRow> OpenExternalTasksPage(string tenantId, string? topic, string? instanceId, string? workerId, bool? locked, NodaTime.Instant now, int offset, int limit) =>
        RowPage<ExternalTaskRow>.Of(OpenExternalTasks(tenantId).Where(r => (topic is null || r.Task.Topic == topic) && (instanceId is null || r.InstanceId == instanceId)
            && (workerId is null || r.Task.LockOwner == workerId) && (locked is null || locked == (r.Task.LockExpiresAt is { } u && u > now))).ToList(), offset, limit);

    /// <summary>One page of a tree's element instances (history), in recording order, with the total.</summary>
    RowPage<ElementInstanceRecord> HistoryPage(string tenantId, string rootInstanceId, int offset, int limit) =>
        RowPage<ElementInstanceRecord>.Of(History(tenantId, rootInstanceId), offset, limit);

    /// <summary>One page of a tree's variable changes, in recording order, with the total.</summary>
    RowPage<VariableChangeRecord> VariableHistoryPage(string tenantId, string rootInstanceId, int offset, int limit) =>
        RowPage<VariableChangeRecord>.Of(VariableHistory(tenantId, rootInstanceId), offset, limit);

    /// <summary>One page of a tree's task events, in recording order, with the total.</summary>
    RowPage<TaskEventRecord> TaskHistoryPage(string tenantId, string rootInstanceId, int offset, int limit) =>
        RowPage<TaskEventRecord>.Of(TaskHistory(tenantId, rootInstanceId), offset, limit);

    /// <summary>One page of a tree's incident events, in recording order, with the total.</summary>
    RowPage<IncidentEventRecord> IncidentHistoryPage(string tenantId, string rootInstanceId, int offset, int limit) =>
        RowPage<IncidentEventRecord>.Of(IncidentHistory(tenantId, rootInstanceId), offset, limit);

    /// <summary>Decision evaluations of the tenant (business rule tasks and direct ones) that match the query, oldest first.</summary>
    IReadOnlyList<Decisions.DecisionEvaluationRecord> DecisionHistory(string tenantId, Decisions.DecisionHistoryQuery query);
}

/// <summary>One page of a list read from the store and how many rows the whole list has.</summary>
public sealed record RowPage<T>(IReadOnlyList<T> Items, long Total)
{
    /// <summary>Pages a list that was read whole.</summary>
    public static RowPage<T> Of(IReadOnlyList<T> all, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(all);
        return new(all.Skip(offset).Take(limit).ToList(), all.Count);
    }
}

/// <summary>All a command changed: written in one transaction.</summary>
public sealed class RuntimeChangeSet
{
    public string TenantId { get; init; } = RuntimeDefaults.Tenant;
    /// <summary>Changed or new documents; <see cref="ProcessInstanceState.Revision"/> is the revision they were read at (0 = new).</summary>
    public List<ProcessInstanceState> Instances { get; } = [];
    public List<ElementInstanceRecord> History { get; } = [];
    public List<VariableChangeRecord> VariableHistory { get; } = [];
    public List<TaskEventRecord> TaskHistory { get; } = [];
    public List<IncidentEventRecord> IncidentHistory { get; } = [];
    /// <summary>Decision evaluations (inputs, matched rules, outputs, warnings): the audit of "why was this fee charged".</summary>
    public List<Decisions.DecisionEvaluationRecord> DecisionHistory { get; } = [];
    public List<StartTimerState> StartTimers { get; } = [];
    public List<string> RemovedStartTimerIds { get; } = [];
    /// <summary>User tasks that got an assignee in this command (e-mail on assignment): a durable store keeps them in its outbox.</summary>
    public List<TaskAssignment> Assignments { get; } = [];
    /// <summary>
    /// Instances that ended in this command while their case's own Frist ran (egov:frist on the process, or the service's
    /// Bearbeitungsfrist), with the instant it passed: a durable store keeps it with the instance for the analytics' missed
    /// Fristen (migration 0034). Not part of the document.
    /// </summary>
    public List<CaseFristAtEnd> CaseFristen { get; } = [];
    /// <summary>
    /// Set by the engine's runner when it will never touch these documents again after the commit: a store that keeps
    /// objects (the in-memory one) may then keep them instead of copies. Whoever sets it gives the objects away.
    /// </summary>
    internal bool HandsOverDocuments { get; set; }
    /// <summary>
    /// The tenant's quota of open instances when this change set starts instances (<see cref="InstanceQuota"/>), else null.
    /// The engine checks the quota against its own count before; a store shared by several nodes checks it again inside
    /// the commit's transaction against what every node committed, and refuses the change set with
    /// <see cref="InstanceQuotaException"/> when it would pass the quota (nothing of it is written).
    /// </summary>
    public long? OpenInstanceLimit { get; set; }
    public bool IsEmpty => Instances.Count == 0 && History.Count == 0 && VariableHistory.Count == 0 && TaskHistory.Count == 0
        && IncidentHistory.Count == 0 && DecisionHistory.Count == 0 && StartTimers.Count == 0 && RemovedStartTimerIds.Count == 0
        && Assignments.Count == 0 && CaseFristen.Count == 0;
}

/// <summary>An instance that ended while its case's Frist ran, and the instant that Frist passed (the end of its last day).</summary>
public sealed record CaseFristAtEnd(string InstanceId, Instant Due);

/// <summary>Thrown when a command commits a document another command changed in the meantime.</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException() { }
    public ConcurrencyConflictException(string message) : base(message) { }
    public ConcurrencyConflictException(string message, Exception inner) : base(message, inner) { }
}

public sealed record SubscriptionRow(string TenantId, string InstanceId, string RootInstanceId, string? BusinessKey, SubscriptionState Subscription);

public sealed record UserTaskRow(string TenantId, string InstanceId, string RootInstanceId, string ProcessId, string? BusinessKey, UserTaskState Task);

public sealed record ExternalTaskRow(string TenantId, string InstanceId, string RootInstanceId, string ProcessId, string? BusinessKey, ExternalTaskState Task);

/// <summary>The operational counts of a store (<see cref="IRuntimeStore.Figures"/>).</summary>
public sealed record OperationalFigures(IReadOnlyList<TenantFigures> Tenants, long DueJobs, Instant? OldestDue)
{
    public static OperationalFigures None { get; } = new([], 0, null);
}

/// <summary>One tenant's open user tasks and open incidents.</summary>
public sealed record TenantFigures(string TenantId, long OpenUserTasks, long OpenIncidents);

/// <summary>Running and ended instances of one process definition version.</summary>
public sealed record InstanceCount(string ProcessId, int Version, long Running, long Ended);

public sealed record IncidentRow(string TenantId, string InstanceId, string RootInstanceId, string ProcessId, IncidentState Incident);

public enum DueWorkKind { Job, ExternalTaskRetry, StartTimer }

/// <summary>Something due at an instant: a job of an instance, an external task's retry, or a start timer.</summary>
public sealed record DueWork(DueWorkKind Kind, Instant DueAt, string? InstanceId, string Id);
