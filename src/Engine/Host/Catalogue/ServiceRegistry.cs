using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host.Deployment;

namespace EGov.Workflows.Host.Catalogue;

/// <summary>
/// The service descriptions (service.yaml) of a tenant's processes folder, read at start. Immutable lists swapped as a
/// whole, so readers never see half an update.
/// </summary>
public sealed class ServiceRegistry
{
    private volatile IReadOnlyList<ServiceDescription> _services = [];

    public IReadOnlyList<ServiceDescription> All => _services;

    public void Replace(IReadOnlyList<ServiceDescription> services) => _services = services.ToList();

    /// <summary>What activities learn of a process's service (Aktenplan, Aufbewahrungsfrist); null when none describes the process.</summary>
    public EGov.Workflows.Sdk.ServiceFacts? Facts(string processId) =>
        _services.Where(s => s.ProcessId == processId).MaxBy(s => s.ValidFrom ?? NodaTime.LocalDate.MinIsoValue) is { } s
            ? new EGov.Workflows.Sdk.ServiceFacts(processId) { AktenplanKennzeichen = s.Aktenplan?.Kennzeichen, AktenplanBetreff = s.Aktenplan?.Betreff, Aufbewahrungsfrist = s.Aufbewahrungsfrist?.ToString(), Behoerde = s.Contact?.Name ?? s.Responsible?.OrgUnit }
            : null;

    /// <summary>The Bearbeitungsfrist of the service a process implements (of its latest description), or null.</summary>
    public NodaTime.Period? Bearbeitungsfrist(string processId) =>
        _services.Where(s => s.ProcessId == processId && s.Bearbeitungsfrist is not null)
            .MaxBy(s => s.ValidFrom ?? NodaTime.LocalDate.MinIsoValue)?.Bearbeitungsfrist;

    /// <summary>The Leistungen imported for the tenant (<c>egov catalogue import</c>); none until a store provides them.</summary>
    public Func<IReadOnlyList<EGov.Workflows.Catalogue.Leistungen.Leistung>> Imported { get; set; } = () => [];

    /// <summary>The overview: every imported Leistung and every described service, with the deployed version of each process.</summary>
    public IReadOnlyList<EGov.Workflows.Catalogue.CatalogueEntry> Overview(DeploymentCatalog deployments)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        return EGov.Workflows.Catalogue.CatalogueOverview.Merge(Imported(), All, p => deployments.Latest(p)?.Version);
    }

    /// <summary>
    /// Reads every <c>service.yaml</c> under a folder and checks that each names a process deployed from it; throws
    /// <see cref="DeploymentException"/> with every problem as <c>file:line:column: error: message</c>.
    /// </summary>
    public static IReadOnlyList<ServiceDescription> Load(string directory, IReadOnlyList<DeployedDefinition> deployed, IReadOnlySet<string> decisionIds)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        ArgumentNullException.ThrowIfNull(decisionIds);
        var files = Directory.EnumerateFiles(directory, ServiceYamlReader.FileName, SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            .Order(StringComparer.Ordinal).ToList();
        // Read on every core (a processes folder of hundreds of services), checked in the files' order.
        var reads = files.AsParallel().AsOrdered().Select(f => (File: f, Read: ServiceYamlReader.ReadFile(f))).ToList();
        var byFolder = ByFolder(deployed);
        var problems = new List<string>();
        var services = new List<ServiceDescription>();
        foreach (var (file, read) in reads)
        {
            var inFolder = byFolder.GetValueOrDefault(FolderOf(file)) ?? [];
            var folderProcesses = inFolder.Select(d => d.ProcessId).ToHashSet(StringComparer.Ordinal);
            var validity = inFolder.Where(d => d.HasProcess)
                .GroupBy(d => d.ProcessId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g =>
                {
                    var p = g.MaxBy(d => d.Version)!; // the catalogue's outline: no model is read
                    return (p.ProcessAttribute(Model.Namespaces.Egov + "validFrom"), p.ProcessAttribute(Model.Namespaces.Egov + "validTo"));
                }, StringComparer.Ordinal);
            var errors = read.Diagnostics.Concat(ServiceChecks.References(read, folderProcesses, decisionIds, validity))
                .Where(d => d.Severity == Model.Diagnostics.Severity.Error).Select(d => d.ToString()).ToList();
            problems.AddRange(errors);
            if (read.Service is { } s && errors.Count == 0) services.Add(s);
        }
        foreach (var twice in services.GroupBy(s => (s.Key, s.ValidFrom)).Where(g => g.Count() > 1))
            problems.Add($"{twice.Last().File}:1:1: error: service '{twice.Key.Key}' is described twice (also in {twice.First().File})");
        if (problems.Count > 0) throw new Runtime.DeploymentException(problems);
        return services;
    }

    /// <summary>
    /// The deployed versions by the folder their file is in (<see cref="FolderOf"/>), in their order: grouped once, so a
    /// folder of hundreds of services costs one pass over the versions, not one per service.yaml.
    /// </summary>
    internal static Dictionary<string, List<DeployedDefinition>> ByFolder(IEnumerable<DeployedDefinition> deployed)
    {
        var byFolder = new Dictionary<string, List<DeployedDefinition>>(StringComparer.Ordinal);
        foreach (var d in deployed)
        {
            var folder = FolderOf(d.File);
            if (!byFolder.TryGetValue(folder, out var list)) byFolder[folder] = list = [];
            list.Add(d);
        }
        return byFolder;
    }

    /// <summary>The folder a file is in, as a full path (a file and a service.yaml belong together when these are equal).</summary>
    internal static string FolderOf(string file) => Path.GetDirectoryName(Path.GetFullPath(file)) ?? "";
}
