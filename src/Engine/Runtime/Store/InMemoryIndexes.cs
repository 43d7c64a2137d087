using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>One stored document of the in-memory store. <see cref="Ordinal"/> is its place in storing order.</summary>
internal sealed class StoredInstance(long ordinal, ProcessInstanceState state)
{
    private ProcessInstanceState? _state = state;
    private byte[]? _parked;

    public long Ordinal { get; } = ordinal;

    /// <summary>
    /// The committed document. Never changed once stored: a commit replaces it. A parked document is decoded afresh on
    /// every read (so a reader may keep or change what it gets).
    /// </summary>
    public ProcessInstanceState State
    {
        get => _state ?? Archive.DocumentCodec.Decode(_parked!);
        set
        {
            _state = value;
            _parked = null;
            Revision = value.Revision;
        }
    }

    /// <summary>The revision of the committed document (without decoding a parked one).</summary>
    public long Revision { get; private set; } = state.Revision;

    /// <summary>The parked document's bytes, or null when the document is kept as objects.</summary>
    public byte[]? Parked => _parked;

    /// <summary>Keeps the document as bytes from now on (see InMemoryRuntimeStore.Park).</summary>
    public void Park(byte[] bytes)
    {
        _parked = bytes;
        _state = null;
    }

    /// <summary>The next instance of the same root instance tree, in storing order (a list threaded through the entries: no collection per tree).</summary>
    public StoredInstance? NextInTree { get; set; }
}

/// <summary>
/// What the in-memory store's queries look up, kept up to date at commit time, so a query touches only the
/// instances it finds (a scan over every instance ever stored made RunDueJobs quadratic). Instances come out in
/// storing order, as the scan over the store's dictionary gave them, so results and their order are unchanged.
/// Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class InMemoryIndexes
{
    private static readonly Comparer<StoredInstance> ByOrdinal = Comparer<StoredInstance>.Create((a, b) => a.Ordinal.CompareTo(b.Ordinal));

    private readonly Dictionary<string, SortedSet<StoredInstance>> _withUserTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<StoredInstance>> _withExternalTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<StoredInstance>> _withIncidents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<StoredInstance>> _withConditions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, SubscriptionKind Kind, string Name), SortedSet<StoredInstance>> _subscribers = [];
    private readonly Dictionary<(string Tenant, string Root), (StoredInstance First, StoredInstance Last)> _trees = [];
    private readonly Dictionary<string, SortedSet<DueEntry>> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<DueEntry>> _retries = new(StringComparer.Ordinal);

    /// <summary>
    /// A due job or external task retry; ordered by due time, then as the scan yielded them. A struct held inside the
    /// sorted set's node: with 100,000 waiting timers, one object per entry fewer counts.
    /// </summary>
    private readonly record struct DueEntry(Instant DueAt, long Ordinal, int Position, DueWorkKind Kind, string InstanceId, string Id) : IComparable<DueEntry>
    {
        public int CompareTo(DueEntry other)
        {
            var c = DueAt.CompareTo(other.DueAt);
            if (c == 0) c = Ordinal.CompareTo(other.Ordinal);
            return c != 0 ? c : Position.CompareTo(other.Position);
        }

        public DueWork Work => new(Kind, DueAt, InstanceId, Id);
    }

    /// <summary>Indexes a newly stored instance (<paramref name="isNew"/>) or a new revision of one.</summary>
    public void Add(StoredInstance e, bool isNew)
    {
        if (isNew) AddToTree(e);
        Update(e, add: true);
    }

    public void Remove(StoredInstance e) => Update(e, add: false);

    // Trees only grow: an instance stays in its tree after it ended, and its root never changes.
    private void AddToTree(StoredInstance e)
    {
        var key = (e.State.TenantId, e.State.RootInstanceId);
        if (_trees.TryGetValue(key, out var tree))
        {
            tree.Last.NextInTree = e;
            _trees[key] = (tree.First, e);
        }
        else
        {
            _trees[key] = (e, e);
        }
    }

    private void Update(StoredInstance e, bool add)
    {
        var s = e.State;
        if (s.IsEnded) return; // an ended instance has no open rows (see RuntimeIndex)
        if (s.UserTasks.Count > 0) Set(_withUserTasks, s.TenantId, e, add);
        if (s.ExternalTasks.Count > 0) Set(_withExternalTasks, s.TenantId, e, add);
        if (s.Incidents.Count > 0) Set(_withIncidents, s.TenantId, e, add);
        foreach (var sub in s.Subscriptions)
        {
            if (sub.Kind == SubscriptionKind.Conditional) Set(_withConditions, s.TenantId, e, add);
            Set(_subscribers, (s.TenantId, sub.Kind, sub.EventName), e, add);
        }
        var position = 0;
        foreach (var work in RuntimeIndex.DueWork(s))
        {
            var entry = new DueEntry(work.DueAt, e.Ordinal, position++, work.Kind, s.Id, work.Id);
            Set(work.Kind == DueWorkKind.Job ? _jobs : _retries, s.TenantId, entry, add);
        }
    }

    private static void Set<TKey, TValue>(Dictionary<TKey, SortedSet<TValue>> index, TKey key, TValue value, bool add) where TKey : notnull
    {
        if (add)
        {
            if (!index.TryGetValue(key, out var set))
                index[key] = set = typeof(TValue) == typeof(StoredInstance) ? new SortedSet<TValue>((IComparer<TValue>)ByOrdinal) : [];
            set.Add(value);
        }
        else if (index.TryGetValue(key, out var set) && set.Remove(value) && set.Count == 0)
        {
            index.Remove(key); // keys of ended work (message names, roots) must not pile up
        }
    }

    private static IEnumerable<ProcessInstanceState> States<TKey>(Dictionary<TKey, SortedSet<StoredInstance>> index, TKey key) where TKey : notnull =>
        index.TryGetValue(key, out var set) ? set.Select(e => e.State) : [];

    public IEnumerable<ProcessInstanceState> WithUserTasks(string tenantId) => States(_withUserTasks, tenantId);

    public IEnumerable<ProcessInstanceState> WithExternalTasks(string tenantId) => States(_withExternalTasks, tenantId);

    public IEnumerable<ProcessInstanceState> WithIncidents(string tenantId) => States(_withIncidents, tenantId);

    public IEnumerable<ProcessInstanceState> WithConditions(string tenantId) => States(_withConditions, tenantId);

    public IEnumerable<ProcessInstanceState> Subscribers(string tenantId, SubscriptionKind kind, string name) => States(_subscribers, (tenantId, kind, name));

    /// <summary>Drops a tree whose instances all left the store (archived).</summary>
    public void ForgetTree(string tenantId, string rootInstanceId) => _trees.Remove((tenantId, rootInstanceId));

    /// <summary>Every instance of a root instance tree, ended ones included.</summary>
    public IEnumerable<ProcessInstanceState> Tree(string tenantId, string rootInstanceId)
    {
        if (!_trees.TryGetValue((tenantId, rootInstanceId), out var tree)) yield break;
        for (var e = tree.First; e is not null; e = e.NextInTree)
            yield return e.State;
    }

    /// <summary>Jobs due at or before <paramref name="until"/>, earliest first, at most <paramref name="max"/>.</summary>
    public IEnumerable<DueWork> DueJobs(string tenantId, Instant until, int max) =>
        _jobs.TryGetValue(tenantId, out var set) ? set.TakeWhile(d => d.DueAt <= until).Take(max).Select(d => d.Work) : [];

    /// <summary>The earliest job (due or not), or null.</summary>
    public Instant? FirstJob(string tenantId) => _jobs.TryGetValue(tenantId, out var set) ? set.Min!.DueAt : null;

    /// <summary>The earliest external task retry after <paramref name="now"/>, or null.</summary>
    public Instant? FirstRetryAfter(string tenantId, Instant now) =>
        _retries.TryGetValue(tenantId, out var set) ? set.SkipWhile(d => d.DueAt <= now).Select(d => (Instant?)d.DueAt).FirstOrDefault() : null;
}
