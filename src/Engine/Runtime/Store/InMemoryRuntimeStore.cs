using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>
/// Keeps every document as serialized JSON (so a command never sees another's uncommitted change, exactly like a
/// database) and keeps the index rows in memory beside it. Thread-safe; fast enough for hundreds of scenarios a second.
/// </summary>
public sealed class InMemoryRuntimeStore : IRuntimeStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string), Entry> _instances = [];
    private readonly Dictionary<string, List<ElementInstanceRecord>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<VariableChangeRecord>> _variableHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskEventRecord>> _taskHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<IncidentEventRecord>> _incidentHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StartTimerState> _startTimers = new(StringComparer.Ordinal);

    private sealed record Entry(byte[] Json, ProcessInstanceState Snapshot);

    public ProcessInstanceState? Load(string tenantId, string instanceId)
    {
        lock (_lock)
            return _instances.TryGetValue((tenantId, instanceId), out var e) ? Read(e.Json) : null;
    }

    public void Commit(RuntimeChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_lock)
        {
            foreach (var s in changes.Instances)
            {
                var found = _instances.TryGetValue((s.TenantId, s.Id), out var existing);
                var current = found ? existing!.Snapshot.Revision : 0;
                if (current != s.Revision)
                    throw new ConcurrencyConflictException($"process instance {s.Id} was changed by another command (revision {current}, read at {s.Revision})");
            }
            foreach (var s in changes.Instances)
            {
                s.Revision++;
                var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(s, RuntimeJson.Options);
                _instances[(s.TenantId, s.Id)] = new Entry(json, Read(json));
            }
            foreach (var h in changes.History)
            {
                if (!_history.TryGetValue(h.RootInstanceId, out var list)) _history[h.RootInstanceId] = list = [];
                list.Add(h);
            }
            foreach (var v in changes.VariableHistory) Append(_variableHistory, v.RootInstanceId, v);
            foreach (var t in changes.TaskHistory) Append(_taskHistory, t.RootInstanceId, t);
            foreach (var x in changes.IncidentHistory) Append(_incidentHistory, x.RootInstanceId, x);
            foreach (var id in changes.RemovedStartTimerIds) _startTimers.Remove(id);
            foreach (var t in changes.StartTimers) _startTimers[t.Id] = RuntimeJson.Clone(t);
        }
    }

    private static void Append<T>(Dictionary<string, List<T>> history, string rootInstanceId, T record)
    {
        if (!history.TryGetValue(rootInstanceId, out var list)) history[rootInstanceId] = list = [];
        list.Add(record);
    }

    private static ProcessInstanceState Read(byte[] json) =>
        System.Text.Json.JsonSerializer.Deserialize<ProcessInstanceState>(json, RuntimeJson.Options)!;

    private IEnumerable<ProcessInstanceState> Snapshots(string tenantId) =>
        _instances.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value.Snapshot);

    public IReadOnlyList<SubscriptionRow> FindSubscriptions(string tenantId, SubscriptionKind kind, string eventName)
    {
        lock (_lock)
            return Snapshots(tenantId).SelectMany(RuntimeIndex.Subscriptions)
                .Where(r => r.Subscription.Kind == kind && r.Subscription.EventName == eventName).ToList();
    }

    public IReadOnlyList<string> InstancesWithConditions(string tenantId)
    {
        lock (_lock)
            return Snapshots(tenantId).Where(s => !s.IsEnded && s.Subscriptions.Any(x => x.Kind == SubscriptionKind.Conditional))
                .Select(s => s.Id).ToList();
    }

    public IReadOnlyList<DueWork> FindDueWork(string tenantId, Instant until, int max)
    {
        lock (_lock)
            return Snapshots(tenantId).SelectMany(RuntimeIndex.DueWork)
                .Concat(_startTimers.Values.Where(t => t.TenantId == tenantId).Select(t => new DueWork(DueWorkKind.StartTimer, t.DueAt, null, t.Id)))
                .Where(w => w.DueAt <= until && w.Kind != DueWorkKind.ExternalTaskRetry)
                .OrderBy(w => w.DueAt).Take(max).ToList();
    }

    public Instant? NextDue(string tenantId, Instant now)
    {
        lock (_lock)
        {
            var all = Snapshots(tenantId).SelectMany(RuntimeIndex.DueWork)
                .Where(w => w.Kind != DueWorkKind.ExternalTaskRetry || w.DueAt > now)
                .Select(w => w.DueAt)
                .Concat(_startTimers.Values.Where(t => t.TenantId == tenantId).Select(t => t.DueAt));
            Instant? min = null;
            foreach (var i in all) if (min is null || i < min) min = i;
            return min;
        }
    }

    public IReadOnlyList<UserTaskRow> OpenUserTasks(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return Snapshots(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.UserTasks).OrderBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order).ToList();
    }

    public IReadOnlyList<ExternalTaskRow> OpenExternalTasks(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return Snapshots(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.ExternalTasks).OrderBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order).ToList();
    }

    public IReadOnlyList<IncidentRow> OpenIncidents(string tenantId, string? rootInstanceId = null)
    {
        lock (_lock)
            return Snapshots(tenantId).Where(s => rootInstanceId is null || s.RootInstanceId == rootInstanceId)
                .SelectMany(RuntimeIndex.Incidents).OrderBy(r => r.Incident.CreatedAt).ToList();
    }

    public IReadOnlyList<string> InstanceTree(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return Snapshots(tenantId).Where(s => s.RootInstanceId == rootInstanceId)
                .OrderBy(s => s.Id == rootInstanceId ? 0 : 1).ThenBy(s => s.StartedAt).Select(s => s.Id).ToList();
    }

    public IReadOnlyList<ElementInstanceRecord> History(string tenantId, string rootInstanceId)
    {
        lock (_lock)
            return _history.TryGetValue(rootInstanceId, out var list) ? list.Where(h => h.TenantId == tenantId).ToList() : [];
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
            return _startTimers.Values.Where(t => t.TenantId == tenantId).Select(RuntimeJson.Clone).ToList();
    }
}
