namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// A deployed version as the engine keeps it: its ids and <see cref="VersionOutline"/> always, its executable graph when
/// built. A version deployed from a model in hand keeps its graph (<see cref="Pinned"/>); a version a durable store keeps
/// (<see cref="Lazy"/>) builds it from the stored model on first use and may drop it again (<see cref="GraphCache"/>).
/// Thread-safe: concurrent first uses build once (the others wait for it).
/// </summary>
internal sealed class DeployedVersion
{
    private readonly Func<ProcessGraph>? _build;
    private readonly GraphCache? _cache;
    private readonly Lock _buildLock = new();
    private ProcessGraph? _graph;

    private DeployedVersion(string processId, int version, string file, VersionOutline outline, ProcessGraph? graph, Func<ProcessGraph>? build, GraphCache? cache)
    {
        ProcessId = processId;
        Version = version;
        File = file;
        Outline = outline;
        _graph = graph;
        _build = build;
        _cache = cache;
    }

    /// <summary>A version whose graph is kept as long as it is deployed (no way to build it again).</summary>
    public static DeployedVersion Pinned(ProcessGraph graph) =>
        new(graph.ProcessId, graph.Version, graph.File, VersionOutline.Of(graph), graph, null, null) { Source = graph.Source };

    /// <summary>
    /// A version whose graph <paramref name="build"/> makes when needed; <paramref name="graph"/>, when given, is its graph
    /// already built (it enters the cache like one built on use).
    /// </summary>
    public static DeployedVersion Lazy(string processId, int version, string file, VersionOutline outline, Func<ProcessGraph> build, GraphCache cache, string? source,
        ProcessGraph? graph = null)
    {
        var v = new DeployedVersion(processId, version, file, outline, graph, build, cache) { Source = source };
        if (graph is not null) cache.Use(v);
        return v;
    }

    public string ProcessId { get; }
    public int Version { get; }
    public string File { get; }
    public VersionOutline Outline { get; }
    public NodaTime.LocalDate? ValidFrom => Outline.ValidFrom;
    public NodaTime.LocalDate? ValidTo => Outline.ValidTo;
    /// <summary>Which model text it was deployed from (see <see cref="ProcessGraph.Source"/>).</summary>
    public string? Source { get; init; }

    /// <summary>Whether its graph is in memory now.</summary>
    public bool IsBuilt => Volatile.Read(ref _graph) is not null;

    /// <summary>Whether the cache may drop its graph (it can be built again).</summary>
    public bool CanDrop => _build is not null;

    /// <summary>Its executable graph: the one in memory, else built now (once, whoever else asks meanwhile).</summary>
    public ProcessGraph Graph
    {
        get
        {
            var g = Volatile.Read(ref _graph);
            if (g is null)
            {
                lock (_buildLock)
                {
                    g = _graph;
                    if (g is null)
                    {
                        g = _build!();
                        g.Source = Source;
                        Volatile.Write(ref _graph, g);
                    }
                }
            }
            _cache?.Use(this);
            return g;
        }
    }

    /// <summary>Drops the graph (the cache's eviction); the next use builds it again. A command holding it keeps using it.</summary>
    internal void Drop()
    {
        if (_build is not null) Volatile.Write(ref _graph, null);
    }

    /// <summary>Takes it out of the cache (forgotten or removed).</summary>
    internal void Forget() => _cache?.Remove(this);

    /// <summary>Set by the cache on every use, cleared by its clock hand (second chance).</summary>
    internal volatile bool Used;

    /// <summary>Whether the cache counts it (set and cleared under the cache's lock; read without).</summary>
    internal volatile bool InCache;
}

/// <summary>
/// The graphs of lazily built versions kept in memory, at most <see cref="Capacity"/> (issue 15: a node with hundreds of
/// versions holds the graphs in use, not all). Eviction by the clock algorithm: a use marks the version (no lock on the hot
/// path when it is cached already); a version entering a full cache moves the hand past marked ones (clearing their mark) to
/// the first unmarked one and drops that one's graph.
/// </summary>
internal sealed class GraphCache(int capacity)
{
    private readonly Lock _lock = new();
    private readonly List<DeployedVersion> _entries = [];
    private readonly HashSet<DeployedVersion> _members = new(ReferenceEqualityComparer.Instance);
    private int _hand;

    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>How many graphs it holds now.</summary>
    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public void Use(DeployedVersion v)
    {
        v.Used = true;
        if (v.InCache) return;
        lock (_lock)
        {
            if (_members.Contains(v)) return;
            while (_entries.Count >= Capacity)
            {
                if (_hand >= _entries.Count) _hand = 0;
                var candidate = _entries[_hand];
                if (candidate.Used && !ReferenceEquals(candidate, v))
                {
                    candidate.Used = false;
                    _hand++;
                    continue;
                }
                _entries.RemoveAt(_hand);
                _members.Remove(candidate);
                candidate.InCache = false;
                candidate.Drop();
            }
            _entries.Add(v);
            _members.Add(v);
            v.InCache = true;
        }
    }

    public void Remove(DeployedVersion v)
    {
        lock (_lock)
        {
            if (!_members.Remove(v)) return;
            v.InCache = false;
            var at = _entries.IndexOf(v);
            _entries.RemoveAt(at);
            if (_hand > at) _hand--;
        }
    }
}
