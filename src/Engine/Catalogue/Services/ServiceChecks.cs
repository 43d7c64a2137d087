using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>
/// What a service.yaml says about its folder, checked against the folder: the process it names is in one of the
/// folder's BPMN models, and a fee decision is in one of its DMN models. The caller reads the models and passes the ids.
/// </summary>
public static class ServiceChecks
{
    public static IReadOnlyList<Diagnostic> References(ServiceReadResult read, IReadOnlyCollection<string> processIds, IReadOnlyCollection<string> decisionIds)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(processIds);
        ArgumentNullException.ThrowIfNull(decisionIds);
        if (read.Service is not { } service || read.Yaml is not { } yaml) return [];
        var bag = new DiagnosticBag(read.File);
        if (!processIds.Contains(service.ProcessId))
            bag.Error(yaml.ValueAt("/process"), processIds.Count == 0
                ? $"process '{service.ProcessId}': the folder holds no BPMN model"
                : $"process '{service.ProcessId}' is not in a BPMN model of this folder (found: {string.Join(", ", processIds.Order(StringComparer.Ordinal))})");
        if (service.Fees?.Decision is { } decision && !decisionIds.Contains(decision))
            bag.Error(yaml.ValueAt("/fees/decision"), decisionIds.Count == 0
                ? $"fees.decision '{decision}': the folder holds no DMN model"
                : $"fees.decision '{decision}' is not a decision of this folder's DMN models (found: {string.Join(", ", decisionIds.Order(StringComparer.Ordinal))})");
        return bag.Items;
    }
}
