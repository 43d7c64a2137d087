using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store.Archive;

namespace EGov.Workflows.Runtime.Store;

// How the in-memory store moves trees that ended into its archive of compact bytes, and back when a command commits
// one of their instances again (rare: a command that loaded an ended instance and changed nothing commits it too).
// Everything here runs under the store's lock.
public sealed partial class InMemoryRuntimeStore
{
    private readonly TreeArchive _archive = new();
    private readonly ByteWriter _parkWriter = new();
    /// <summary>Archived instances per tenant, process and version (for <see cref="InstanceCounts"/>).</summary>
    private readonly Dictionary<(string Tenant, string Process, int Version), long> _archivedEnded = [];

    private void CountArchived(IEnumerable<ProcessInstanceState> instances, int delta)
    {
        foreach (var i in instances)
        {
            var key = (i.TenantId, i.ProcessId, i.DefinitionVersion);
            var n = _archivedEnded.GetValueOrDefault(key) + delta;
            if (n <= 0) _archivedEnded.Remove(key); else _archivedEnded[key] = n;
        }
    }

    /// <summary>
    /// An instance that waits for nothing but timers, jobs or the instances it called (the fixed shape: no tasks,
    /// subscriptions or incidents, which queries read from the document) is kept as bytes until a command loads it:
    /// a quarter of its objects' size, and nothing for the garbage collector to trace. Legal deadlines make this the
    /// common waiting state of an e-government catalogue (100,000 instances waiting on a Frist).
    /// </summary>
    private void Park(StoredInstance entry, ProcessInstanceState state)
    {
        if (state.IsEnded || !DocumentCodec.HasFixedShape(state)) return; // ended trees go to the archive instead
        entry.Park(DocumentCodec.Encode(_parkWriter, state));
    }

    /// <summary>
    /// Takes every archived tree the change set touches back into the live store, so the commit checks revisions and
    /// replaces documents the usual way. The tree is archived again afterwards when it is still all ended.
    /// </summary>
    private void ReviveArchivedTrees(RuntimeChangeSet changes)
    {
        if (_archive.Count == 0) return;
        foreach (var s in changes.Instances)
        {
            if (_instances.ContainsKey((s.TenantId, s.Id)) || _archive.Find(s.TenantId, s.Id) is not { } tree) continue;
            var instances = tree.Instances();
            var rows = tree.History(_elements);
            _archive.Remove(instances.Select(i => i.Id));
            CountArchived(instances, -1);
            foreach (var state in instances)
            {
                StateCopy.MakeKeepable(state);
                var entry = new StoredInstance(++_stored, state);
                _instances[(state.TenantId, state.Id)] = entry;
                _indexes.Add(entry, isNew: true);
            }
            if (rows.Count == 0) continue;
            var history = new ElementHistory();
            history.Reserve(rows.Count);
            foreach (var row in rows) history.Add(row, _elements);
            if (_history.Remove(tree.RootInstanceId, out var late))
                foreach (var row in late.Read(tree.TenantId, tree.RootInstanceId)) history.Add(row, _elements);
            _history[tree.RootInstanceId] = history;
        }
    }

    /// <summary>Archives the trees of this commit whose instances have all ended (a straight-through instance: at once).</summary>
    private void ArchiveEndedTrees(RuntimeChangeSet changes)
    {
        foreach (var s in changes.Instances)
        {
            if (!s.IsEnded || !_instances.TryGetValue((s.TenantId, s.RootInstanceId), out var root) || !root.State.IsEnded) continue;
            var members = _indexes.Tree(s.TenantId, s.RootInstanceId).ToList();
            if (members.Exists(m => !m.IsEnded)) continue;
            _history.TryGetValue(s.RootInstanceId, out var history);
            _archive.Add(s.TenantId, s.RootInstanceId, members, history);
            RememberEnded(root.State);
            CountArchived(members, +1);
            foreach (var m in members) _instances.Remove((m.TenantId, m.Id)); // ended: no index rows besides the tree
            _indexes.ForgetTree(s.TenantId, s.RootInstanceId);
            _history.Remove(s.RootInstanceId);
        }
    }

    private IEnumerable<ProcessInstanceState> ArchivedTree(string tenantId, string rootInstanceId) =>
        ArchivedRoot(tenantId, rootInstanceId)?.Instances() ?? [];

    private List<ElementInstanceRecord> ArchivedHistory(string tenantId, string rootInstanceId) =>
        ArchivedRoot(tenantId, rootInstanceId)?.History(_elements) ?? [];

    /// <summary>The archived tree whose root this is (null for an instance that is not archived or not a root).</summary>
    private ArchivedTree? ArchivedRoot(string tenantId, string rootInstanceId) =>
        _archive.Count > 0 && _archive.Find(tenantId, rootInstanceId) is { } tree && tree.RootInstanceId == rootInstanceId ? tree : null;
}
