using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// Reads BPMN files (from disk or a request) and deploys them to a tenant's engine, all or nothing. A file that cannot
/// be read or a model that cannot run is refused with every problem as <c>file:line:column: error: message</c>.
/// </summary>
public static class ModelDeployer
{
    /// <summary>Every BPMN model under a folder (*.bpmn, *.bpmn20.xml), in a stable order; node_modules is skipped.</summary>
    public static IReadOnlyList<string> FindModels(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IReadOnlyList<DeployedDefinition> DeployFiles(TenantEngine tenant, IEnumerable<string> paths)
    {
        var reader = new BpmnReader();
        return Deploy(tenant, paths.Select(p => reader.ReadFile(p)).ToList());
    }

    /// <summary>Deploys files given as bytes (a request body or multipart files), named for the messages.</summary>
    public static IReadOnlyList<DeployedDefinition> DeployBytes(TenantEngine tenant, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        var reader = new BpmnReader();
        return Deploy(tenant, files.Select(f => reader.ReadBytes(f.Bytes, f.Name)).ToList());
    }

    private static List<DeployedDefinition> Deploy(TenantEngine tenant, List<BpmnReadResult> results)
    {
        var problems = results.SelectMany(r => r.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString())).ToList();
        problems.AddRange(results.Where(r => r.Definitions is null && !r.Diagnostics.Any(d => d.Severity == Severity.Error))
            .Select(r => $"{r.File}:1:1: error: not a BPMN 2.0 model"));
        if (problems.Count > 0) throw new DeploymentException(problems);
        var files = results.Select(r => (r.File, r.Definitions!)).ToList();
        if (!files.Any(f => f.Item2.Processes.Any()))
            throw new DeploymentException(results.Select(r => $"{r.File}:1:1: error: the file holds no process to deploy").ToList());
        lock (tenant.Catalog)
        {
            var deployed = tenant.Deploy(files);
            var at = DateTimeOffset.UtcNow;
            var byFile = files.GroupBy(f => f.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal);
            var list = deployed.Select(p => DeployedDefinition.From(p, byFile.TryGetValue(p.File, out var d) ? d : files.Find(f => f.Item2.Processes.Any(x => x.Id == p.ProcessId)).Item2, at)).ToList();
            foreach (var d in list) tenant.Catalog.Add(d);
            return list;
        }
    }

    /// <summary>For messages about a model: the process ids a definitions element holds.</summary>
    public static IEnumerable<string> ProcessIds(Definitions definitions) => definitions.Processes.Select(p => p.Id ?? "");
}
