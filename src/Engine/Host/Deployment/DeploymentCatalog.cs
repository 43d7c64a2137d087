using EGov.Workflows.Model;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// The models behind a tenant's deployed versions: (process id, version) → the file and its definitions. The runtime
/// keeps the executable graphs; the host keeps the models to list definitions and to check migration plans
/// (which element kinds exist in which version).
/// </summary>
public sealed class DeploymentCatalog
{
    private readonly Lock _lock = new();
    private readonly List<DeployedDefinition> _all = [];

    public void Add(DeployedDefinition definition)
    {
        lock (_lock)
        {
            _all.RemoveAll(d => d.ProcessId == definition.ProcessId && d.Version == definition.Version && (definition.Definitions is not null || d.Definitions is null));
            if (!_all.Any(d => d.ProcessId == definition.ProcessId && d.Version == definition.Version)) _all.Add(definition);
        }
    }

    /// <summary>Forgets a deleted version.</summary>
    public void Remove(string processId, int version)
    {
        lock (_lock) _all.RemoveAll(d => d.ProcessId == processId && d.Version == version);
    }

    public IReadOnlyList<DeployedDefinition> All()
    {
        lock (_lock) return _all.OrderBy(d => d.ProcessId, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
    }

    public DeployedDefinition? Find(string processId, int version)
    {
        lock (_lock) return _all.Find(d => d.ProcessId == processId && d.Version == version);
    }

    public DeployedDefinition? Latest(string processId)
    {
        lock (_lock) return _all.Where(d => d.ProcessId == processId).MaxBy(d => d.Version);
    }
}

/// <summary>One deployed version of a process with the model it came from.</summary>
/// <remarks><see cref="Definitions"/> is null only for a restored version whose stored XML can no longer be read.</remarks>
/// <param name="DeployedBy">The caller who deployed it through the API; null for the processes folder.</param>
/// <param name="ChangeNote">What changed, in the deployer's words (the designer's "Bereitstellen"); null when none was given.</param>
public sealed record DeployedDefinition(string ProcessId, string? Name, int Version, string File, Definitions? Definitions, DateTimeOffset DeployedAt, string? DeployedBy = null, string? ChangeNote = null)
{
    public static DeployedDefinition From(DeployedProcess p, Definitions definitions, DateTimeOffset at, string? deployedBy = null, string? changeNote = null) =>
        new(p.ProcessId, p.Name, p.Version, p.File, definitions, at, deployedBy, changeNote);

    /// <summary>The element with this id inside this process (any depth), or null.</summary>
    public BpmnElement? Element(string elementId)
    {
        var process = Definitions?.Processes.FirstOrDefault(p => p.Id == ProcessId);
        if (process is null) return null;
        if (elementId == ProcessId) return process;
        return process.Descendants().FirstOrDefault(e => e.Id == elementId);
    }
}
