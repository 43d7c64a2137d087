using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// Checks one service.yaml: against docs/service.schema.json (positioned messages), then against its folder — the
/// process it names must be in one of the folder's BPMN models, a fee decision in one of its DMN models.
/// </summary>
internal static class ServiceFile
{
    public static IReadOnlyList<Diagnostic> Check(string path)
    {
        var read = ServiceYamlReader.ReadFile(path);
        if (read.Service is null) return read.Diagnostics;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var processIds = new HashSet<string>(StringComparer.Ordinal);
        var decisionIds = new HashSet<string>(StringComparer.Ordinal);
        var validity = new Dictionary<string, (string? From, string? To)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (ModelFiles.IsBpmnFile(file) && new BpmnReader().ReadFile(file).Definitions is { } bpmn)
                foreach (var p in bpmn.Processes)
                    if (p.Id is { } id)
                    {
                        processIds.Add(id);
                        validity[id] = (p.Attribute(Model.Namespaces.Egov + "validFrom"), p.Attribute(Model.Namespaces.Egov + "validTo"));
                    }
            if (ModelFiles.IsDmnFile(file) && new DmnReader().ReadFile(file).Definitions is { } dmn)
                foreach (var d in dmn.Decisions) if (d.Id is { } did) decisionIds.Add(did);
        }
        return [.. read.Diagnostics, .. ServiceChecks.References(read, processIds, decisionIds, validity)];
    }
}
