using EGov.Workflows.Model;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// The tenant's deployed versions: (process id, version) → the file, the name, the outline and the model (on a durable
/// store read on demand from the stored XML, see <see cref="DeployedDefinition"/>). The runtime keeps the executable graphs;
/// the host lists definitions from this and reads models for pages and migration checks (which element kinds exist in which
/// version).
/// </summary>
public sealed class DeploymentCatalog
{
    private readonly Lock _lock = new();

    /// <summary>
    /// By process id, each process's versions in ascending order: a tenant of a service provider holds hundreds of processes,
    /// and a start restores and deploys them one by one asking for the latest each time — a scan of one list per ask made
    /// that quadratic (bench W5: 100 tenants × 580 versions).
    /// </summary>
    private readonly Dictionary<string, List<DeployedDefinition>> _byProcess = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a version, or replaces the one of the same number — unless that one carries its model and the new one does not
    /// (a compact entry never displaces a full one).
    /// </summary>
    public void Add(DeployedDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_lock)
        {
            if (!_byProcess.TryGetValue(definition.ProcessId, out var versions)) _byProcess[definition.ProcessId] = versions = [];
            var at = versions.FindIndex(d => d.Version == definition.Version);
            if (at >= 0)
            {
                if (definition.HasModel || !versions[at].HasModel) versions[at] = definition;
                return;
            }
            var insert = versions.Count;
            while (insert > 0 && versions[insert - 1].Version > definition.Version) insert--; // versions mostly arrive in order
            versions.Insert(insert, definition);
        }
    }

    /// <summary>Forgets a deleted version.</summary>
    public void Remove(string processId, int version)
    {
        lock (_lock)
        {
            if (!_byProcess.TryGetValue(processId, out var versions)) return;
            versions.RemoveAll(d => d.Version == version);
            if (versions.Count == 0) _byProcess.Remove(processId);
        }
    }

    /// <summary>Whether no version is known (without listing them).</summary>
    public bool IsEmpty
    {
        get { lock (_lock) return _byProcess.Count == 0; }
    }

    public IReadOnlyList<DeployedDefinition> All()
    {
        lock (_lock) return _byProcess.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value).ToList();
    }

    public DeployedDefinition? Find(string processId, int version)
    {
        lock (_lock) return _byProcess.TryGetValue(processId, out var versions) ? versions.Find(d => d.Version == version) : null;
    }

    public DeployedDefinition? Latest(string processId)
    {
        lock (_lock) return _byProcess.TryGetValue(processId, out var versions) && versions.Count > 0 ? versions[^1] : null;
    }
}

/// <summary>One deployed version of a process with the model it came from.</summary>
/// <remarks>
/// On a durable store the catalogue keeps no model (issue 15): an entry holds the ids, the name and the
/// <see cref="Outline"/> (what lists, the service registry and the citizen pages read for every version), and
/// <see cref="Definitions"/> reads the model from the stored XML on demand (<see cref="Load"/>, kept in a bounded cache,
/// <see cref="DeployedModels"/>). Without a store (the memory store, tests) the entry holds its model.
/// <see cref="Definitions"/> is null only for a version whose stored XML can no longer be read.
/// </remarks>
/// <param name="DeployedBy">The caller who deployed it through the API; null for the processes folder.</param>
/// <param name="ChangeNote">What changed, in the deployer's words (the designer's "Bereitstellen"); null when none was given.</param>
public sealed record DeployedDefinition(string ProcessId, string? Name, int Version, string File, Definitions? Definitions, DateTimeOffset DeployedAt, string? DeployedBy = null, string? ChangeNote = null)
{
    private readonly Definitions? _held = Definitions;

    /// <summary>The model: held, or read on demand (<see cref="Load"/>, bounded cache); null when it cannot be read.</summary>
    public Definitions? Definitions
    {
        get => _held ?? (Load is null ? null : DeployedModels.Get(this, Load));
        init => _held = value;
    }

    /// <summary>Reads the model of a compact entry (from the stored XML); null for an entry that holds its model.</summary>
    public Func<Definitions?>? Load { get; init; }

    /// <summary>What is read of every version without its model; null for an entry that holds its model (read from it then).</summary>
    public Persistence.Deployments.DeploymentOutline? Outline { get; init; }

    /// <summary>Whether the entry has a model (held or readable), without reading it.</summary>
    public bool HasModel => _held is not null || Load is not null;

    /// <summary>The same entry without its model: the outline instead, the model read by <paramref name="load"/> when asked for.</summary>
    public DeployedDefinition Compact(Func<Definitions?> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (_held is null) return Load is null ? this with { Load = load } : this;
        return this with { Definitions = null, Load = load, Outline = Outline ?? Persistence.Deployments.DeploymentOutline.Of(_held, ProcessId) };
    }

    public static DeployedDefinition From(DeployedProcess p, Definitions definitions, DateTimeOffset at, string? deployedBy = null, string? changeNote = null) =>
        new(p.ProcessId, p.Name, p.Version, p.File, definitions, at, deployedBy, changeNote);

    /// <summary>Whether the model holds the process (from the outline when there is one).</summary>
    public bool HasProcess => Outline is not null || Element(ProcessId) is not null;

    /// <summary>An attribute of the process element (from the outline when there is one, so no model is read).</summary>
    public string? ProcessAttribute(System.Xml.Linq.XName name) => Outline is { } o ? o.ProcessAttribute(name) : Element(ProcessId)?.Attribute(name);

    /// <summary>The form keys of the version's user tasks and start events (from the outline when there is one).</summary>
    public IReadOnlyList<string> FormKeys => Outline?.FormKeys
        ?? (Definitions is { } d ? Persistence.Deployments.DeploymentOutline.Of(d, ProcessId)?.FormKeys : null) ?? [];

    /// <summary>The element with this id inside this process (any depth), or null.</summary>
    public BpmnElement? Element(string elementId)
    {
        var process = Definitions?.Processes.FirstOrDefault(p => p.Id == ProcessId);
        if (process is null) return null;
        if (elementId == ProcessId) return process;
        return process.Descendants().FirstOrDefault(e => e.Id == elementId);
    }
}

/// <summary>
/// The models of compact catalogue entries read lately, at most <see cref="Capacity"/> (least recently used goes first):
/// a page that reads a version's model again within a while does not parse it again, and a node holds a few models, not one
/// per deployed version. Keyed by the entry itself (a replaced version is a new entry). Thread-safe; a model read twice at
/// once by two threads is kept once.
/// </summary>
public static class DeployedModels
{
    /// <summary>How many models are kept.</summary>
    public const int Capacity = 64;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<DeployedDefinition, LinkedListNode<(DeployedDefinition Key, Definitions Model)>> Index = new(ReferenceEqualityComparer.Instance);
    private static readonly LinkedList<(DeployedDefinition Key, Definitions Model)> Order = new();

    /// <summary>How many models are kept now.</summary>
    public static int Count { get { lock (Gate) return Index.Count; } }

    internal static Definitions? Get(DeployedDefinition entry, Func<Definitions?> load)
    {
        lock (Gate)
        {
            if (Index.TryGetValue(entry, out var hit))
            {
                Order.Remove(hit);
                Order.AddFirst(hit);
                return hit.Value.Model;
            }
        }
        var model = load(); // outside the lock: reading a model takes milliseconds
        if (model is null) return null;
        lock (Gate)
        {
            if (Index.TryGetValue(entry, out var other)) return other.Value.Model;
            Index[entry] = Order.AddFirst((entry, model));
            while (Index.Count > Capacity)
            {
                var last = Order.Last!;
                Order.RemoveLast();
                Index.Remove(last.Value.Key);
            }
            return model;
        }
    }
}
