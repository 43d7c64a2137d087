using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>
/// What a service.yaml says about its folder, checked against the folder: the process it names is in one of the
/// folder's BPMN models, and a fee decision is in one of its DMN models. The caller reads the models and passes the ids.
/// </summary>
public static class ServiceChecks
{
    /// <param name="validity">The <c>egov:validFrom</c>/<c>egov:validTo</c> texts of the folder's processes (null: not known);
    /// service.yaml must state the same dates as the process it names, which carries them into each deployed version.</param>
    public static IReadOnlyList<Diagnostic> References(ServiceReadResult read, IReadOnlyCollection<string> processIds, IReadOnlyCollection<string> decisionIds,
        IReadOnlyDictionary<string, (string? From, string? To)>? validity = null)
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
        if (validity is not null && validity.TryGetValue(service.ProcessId, out var v))
        {
            Same(bag, yaml, "validFrom", service.ValidFrom, v.From, service.ProcessId);
            Same(bag, yaml, "validTo", service.ValidTo, v.To, service.ProcessId);
        }
        return bag.Items;
    }

    private static void Same(DiagnosticBag bag, Yaml.PositionedYaml yaml, string field, NodaTime.LocalDate? stated, string? inModel, string processId)
    {
        var text = stated is { } d ? NodaTime.Text.LocalDatePattern.Iso.Format(d) : null;
        if (text == inModel?.Trim()) return;
        var at = text is null ? yaml.ValueAt("/process") : yaml.ValueAt("/" + field);
        bag.Error(at, $"{field} {text ?? "(none)"} differs from egov:{field} {(inModel is null ? "(none)" : $"'{inModel}'")} of process '{processId}': " +
                      "the BPMN process carries the validity into its deployed version; state the same date in both");
    }
}
