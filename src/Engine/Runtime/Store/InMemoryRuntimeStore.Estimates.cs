using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

// The history behind the citizens' expected completion date on the in-memory store: ended trees go to the archive at once
// (which cannot be listed), so the most recently ended roots of each version are remembered here, at most RememberedPerVersion.
public sealed partial class InMemoryRuntimeStore
{
    private const int RememberedPerVersion = 1000;
    private readonly Dictionary<(string Tenant, string Process, int Version), Queue<string>> _recentlyEnded = [];

    /// <summary>Notes an ended root (called under the store's lock when its tree is archived).</summary>
    private void RememberEnded(ProcessInstanceState root)
    {
        if (root.ParentInstanceId is not null) return;
        var key = (root.TenantId, root.ProcessId, root.DefinitionVersion);
        if (!_recentlyEnded.TryGetValue(key, out var queue)) _recentlyEnded[key] = queue = new Queue<string>();
        if (queue.Contains(root.Id)) return; // archived again after a command took it back
        queue.Enqueue(root.Id);
        if (queue.Count > RememberedPerVersion) queue.Dequeue();
    }

    public IReadOnlyList<Duration> RemainingDurations(string tenantId, string processId, int version, IReadOnlyCollection<string> elementIds, int max)
    {
        ArgumentNullException.ThrowIfNull(elementIds);
        if (elementIds.Count == 0 || max <= 0) return [];
        List<string> ids;
        lock (_lock) ids = _recentlyEnded.TryGetValue((tenantId, processId, version), out var q) ? [.. q] : [];
        var result = new List<(Instant Ended, Duration Remaining)>();
        foreach (var id in ids)
        {
            if (Load(tenantId, id) is not { Status: InstanceStatus.Completed, EndedAt: { } ended }) continue;
            if (IRuntimeStore.RemainingAfter(History(tenantId, id), elementIds, ended) is { } remaining) result.Add((ended, remaining));
        }
        return result.OrderByDescending(r => r.Ended).Take(max).Select(r => r.Remaining).ToList();
    }
}
