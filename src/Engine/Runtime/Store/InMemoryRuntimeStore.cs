using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>
/// Keeps every committed document as a private object that is never changed once stored: a load hands out a deep
/// copy and a commit stores a deep copy (so a command never sees another's uncommitted change, exactly like a
/// database), and queries read from indexes kept at commit time (see <see cref="InMemoryIndexes"/>). Copies are made
/// outside the lock; the lock covers only the revision check and swapping documents in. Thread-safe.
/// </summary>
public sealed partial class InMemoryRuntimeStore : IRuntimeStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string), StoredInstance> _instances = [];
    private readonly InMemoryIndexes _indexes = new();
    private readonly Dictionary<string, ElementHistory> _history = new(StringComparer.Ordinal);
    private readonly ElementDescriptors _elements = new();
    private readonly Dictionary<string, List<VariableChangeRecord>> _variableHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskEventRecord>> _taskHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IncidentEventRecord>> _incidentHistory = new(StringComparer.Ordinal);
    private readonly List<(string TenantId, Decisions.DecisionEvaluationRecord Record)> _decisionHistory = [];
    private readonly Dictionary<string, StartTimerState> _startTimers = new(StringComparer.Ordinal);
    private long _stored;

    public ProcessInstanceState? Load(string tenantId, string instanceId)
    {
        ProcessInstanceState? state;
        byte[]? parked;
        lock (_lock)
        {
            if (!_instances.TryGetValue((tenantId, instanceId), out var e))
                return _archive.Find(tenantId, instanceId)?.Instance(instanceId); // decoded: a private copy already
            parked = e.Parked;
            state = parked is null ? e.State : null;
        }
        return parked is not null ? Archive.DocumentCodec.Decode(parked) : StateCopy.Copy(state!);
    }

    public void Commit(RuntimeChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        // What the store keeps is never changed again: a private copy, or the committer's own objects when it hands
        // them over (the runner does: it ends with the commit), made as lean as a copy would be.
        var handedOver = changes.HandsOverDocuments;
        var copies = new ProcessInstanceState[changes.Instances.Count];
        for (var n = 0; n < copies.Length; n++)
            copies[n] = handedOver ? changes.Instances[n] : StateCopy.CopyToKeep(changes.Instances[n]);
        var startTimers = changes.StartTimers.ConvertAll(StateCopy.Copy);
        lock (_lock)
        {
            ReviveArchivedTrees(changes);
            foreach (var s in changes.Instances)
            {
                var found = _instances.TryGetValue((s.TenantId, s.Id), out var existing);
                var current = found ? existing!.Revision : 0;
                if (current != s.Revision)
                    throw new ConcurrencyConflictException($"process instance {s.Id} was changed by another command (revision {current}, read at {s.Revision})");
            }
            foreach (var copy in copies)
            {
                if (handedOver) StateCopy.MakeKeepable(copy);
                copy.Revision++;
                var isNew = !_instances.TryGetValue((copy.TenantId, copy.Id), out var entry);
                if (isNew)
                {
                    _instances[(copy.TenantId, copy.Id)] = entry = new StoredInstance(++_stored, copy);
                }
                else
                {
                    _indexes.Remove(entry!);
                    entry!.State = copy;
                }
                _indexes.Add(entry, isNew);
                Park(entry, copy);
            }
            if (!handedOver) foreach (var s in changes.Instances) s.Revision++;
            var history = changes.History;
            for (var k = 0; k < history.Count; k++)
            {
                var root = history[k].RootInstanceId;
                if (!_history.TryGetValue(root, out var tree)) _history[root] = tree = new ElementHistory();
                if (k == 0 || history[k - 1].RootInstanceId != root) tree.Reserve(RowsOf(history, k, root));
                tree.Add(history[k], _elements);
            }
            foreach (var v in changes.VariableHistory) Append(_variableHistory, v.RootInstanceId, v);
            foreach (var t in changes.TaskHistory) Append(_taskHistory, t.RootInstanceId, t);
            foreach (var x in changes.IncidentHistory) Append(_incidentHistory, x.RootInstanceId, x);
            foreach (var d in changes.DecisionHistory) _decisionHistory.Add((changes.TenantId, d));
            foreach (var id in changes.RemovedStartTimerIds) _startTimers.Remove(id);
            if (KeepsAssignments) foreach (var a in changes.Assignments) _outbox.Add(new OutboxEntry(a));
            foreach (var t in startTimers) _startTimers[t.Id] = t;
            ArchiveEndedTrees(changes);
        }
    }

    private static int RowsOf(List<ElementInstanceRecord> history, int from, string rootInstanceId)
    {
        var n = 0;
        for (var k = from; k < history.Count; k++)
            if (history[k].RootInstanceId == rootInstanceId) n++;
        return n;
    }

    private static void Append<T>(Dictionary<string, List<T>> history, string rootInstanceId, T record)
    {
        if (!history.TryGetValue(rootInstanceId, out var list)) history[rootInstanceId] = list = [];
        list.Add(record);
    }

    public IReadOnlyList<SubscriptionRow> FindSubscriptions(string tenantId, SubscriptionKind kind, string eventName)
    {
        lock (_lock)
            return _indexes.Subscribers(tenantId, kind, eventName).SelectMany(RuntimeIndex.Subscriptions)
                .Where(r => r.Subscription.Kind == kind && r.Subscription.EventName == eventName).ToList();
    }

    public IReadOnlyList<string> InstancesWithConditions(string tenantId)
    {
        lock (_lock)
            return _indexes.WithConditions(tenantId).Select(s => s.Id).ToList();
    }

    public IReadOnlyList<DueWork> FindDueWork(string tenantId, Instant until, int max)
    {
        lock (_lock)
            return _indexes.DueJobs(tenantId, until, max)
                .Concat(_startTimers.Values.Where(t => t.TenantId == tenantId && t.DueAt <= until).Select(t => new DueWork(DueWorkKind.StartTimer, t.DueAt, null, t.Id)))
                .OrderBy(w => w.DueAt).Take(max).ToList();
    }

    public Instant? NextDue(string tenantId, Instant now)
    {
        lock (_lock)
        {
            Instant? min = _indexes.FirstJob(tenantId);
            if (_indexes.FirstRetryAfter(tenantId, now) is { } retry && (min is null || retry < min)) min = retry;
            foreach (var t in _startTimers.Values)
                if (t.TenantId == tenantId && (min is null || t.DueAt < min)) min = t.DueAt;
            return min;
        }
    }

    public IReadOnlyList<UserTaskRow> OpenUserTasks(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return _indexes.WithUserTasks(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.UserTasks).OrderBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order).ToList();
    }

    public IReadOnlyList<ExternalTaskRow> OpenExternalTasks(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return _indexes.WithExternalTasks(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.ExternalTasks).OrderBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order).ToList();
    }

    public IReadOnlyList<IncidentRow> OpenIncidents(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return _indexes.WithIncidents(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.Incidents).OrderBy(r => r.Incident.CreatedAt).ToList();
    }

    public IReadOnlyList<string> InstanceTree(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return _indexes.Tree(tenantId, rootInstanceId).Concat(ArchivedTree(tenantId, rootInstanceId))
                .OrderBy(s => s.Id == rootInstanceId ? 0 : 1).ThenBy(s => s.StartedAt).Select(s => s.Id).ToList();
    }

    public IReadOnlyList<ElementInstanceRecord> History(string tenantId, string rootInstanceId)
    {
        lock (_lock)
        {
            var archived = ArchivedHistory(tenantId, rootInstanceId);
            if (!_history.TryGetValue(rootInstanceId, out var tree)) return archived;
            archived.AddRange(tree.Read(tenantId, rootInstanceId)); // rows that came after the tree was archived (none, normally)
            return archived;
        }
    }

    public OperationalFigures Figures(Instant now)
    {
        lock (_lock) // a scan: the host asks at most every few seconds
        {
            var running = _instances.Values.Select(e => e.State).Where(st => !st.IsEnded).ToList();
            var tenants = running.GroupBy(st => st.TenantId, StringComparer.Ordinal)
                .Select(g => new TenantFigures(g.Key, g.Sum(st => (long)st.UserTasks.Count), g.Sum(st => (long)st.Incidents.Count)))
                .Where(f => f.OpenUserTasks > 0 || f.OpenIncidents > 0).ToList();
            var due = running.SelectMany(st => st.Jobs).Where(j => j.DueAt <= now).Select(j => j.DueAt)
                .Concat(_startTimers.Values.Where(t => t.DueAt <= now).Select(t => t.DueAt)).ToList();
            return new OperationalFigures(tenants, due.Count, due.Count == 0 ? null : due.Min());
        }
    }

    public long CountOpenCases(string tenantId)
    {
        lock (_lock) // a scan: the host counts at most every few seconds
            return _instances.Values.LongCount(e => e.State.TenantId == tenantId && !e.State.IsEnded);
    }

    public bool HasInstancesOf(string tenantId, string processId, int version)
    {
        lock (_lock) // a scan: deleting a version is rare
            return _instances.Values.Any(e => e.State.TenantId == tenantId && e.State.ProcessId == processId && e.State.DefinitionVersion == version);
    }

    public IReadOnlyList<string> RunningInstances(string tenantId, string processId, int version)
    {
        lock (_lock) // a scan: migrations are rare, and an index would cost every commit
            return _instances.Values
                .Where(e => e.State.TenantId == tenantId && e.State.ProcessId == processId && e.State.DefinitionVersion == version && !e.State.IsEnded)
                .OrderBy(e => e.Ordinal).Select(e => e.State.Id).ToList();
    }

    public IReadOnlyList<InstanceCount> InstanceCounts(string tenantId)
    {
        lock (_lock) // live documents are scanned; archived (ended) trees are counted when they enter or leave the archive
        {
            var counts = new Dictionary<(string, int), (long Running, long Ended)>();
            foreach (var e in _instances.Values.Where(e => e.State.TenantId == tenantId))
            {
                var key = (e.State.ProcessId, e.State.DefinitionVersion);
                counts.TryGetValue(key, out var c);
                counts[key] = e.State.IsEnded ? (c.Running, c.Ended + 1) : (c.Running + 1, c.Ended);
            }
            foreach (var ((tenant, process, version), ended) in _archivedEnded.Where(kv => kv.Key.Tenant == tenantId))
            {
                counts.TryGetValue((process, version), out var c);
                counts[(process, version)] = (c.Running, c.Ended + ended);
            }
            return counts.Where(kv => kv.Value.Running + kv.Value.Ended > 0)
                .Select(kv => new InstanceCount(kv.Key.Item1, kv.Key.Item2, kv.Value.Running, kv.Value.Ended)).ToList();
        }
    }

    public IReadOnlyList<VariableChangeRecord> VariableHistory(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return _variableHistory.TryGetValue(rootInstanceId, out var list) ? list.Where(h => h.TenantId == tenantId).ToList() : [];
    }

    public IReadOnlyList<TaskEventRecord> TaskHistory(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return _taskHistory.TryGetValue(rootInstanceId, out var list) ? list.Where(h => h.TenantId == tenantId).ToList() : [];
    }

    public IReadOnlyList<IncidentEventRecord> IncidentHistory(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return _incidentHistory.TryGetValue(rootInstanceId, out var list) ? list.Where(h => h.TenantId == tenantId).ToList() : [];
    }

    public IReadOnlyList<StartTimerState> StartTimers(string tenantId)
    {
        lock (_lock)
            return _startTimers.Values.Where(t => t.TenantId == tenantId).Select(StateCopy.Copy).ToList();
    }

    public IReadOnlyList<Decisions.DecisionEvaluationRecord> DecisionHistory(string tenantId, Decisions.DecisionHistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = new List<Decisions.DecisionEvaluationRecord>();
        var skipped = 0;
        lock (_lock)
        {
            foreach (var (tenant, r) in _decisionHistory)
            {
                if (tenant != tenantId || query.DecisionKey is { } k && r.DecisionKey != k || query.ProcessInstanceId is { } p && r.ProcessInstanceId != p
                    || query.RootInstanceId is { } root && r.RootInstanceId != root || query.Id is { } id && r.Id != id) continue;
                if (skipped++ < query.Offset) continue;
                if (found.Count >= query.Limit) break;
                found.Add(r);
            }
        }
        return found;
    }
}
