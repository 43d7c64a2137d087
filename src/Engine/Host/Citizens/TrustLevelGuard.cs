using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Model;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// The trust level a process needs before a citizen may start it: <c>egov:trustLevel</c> on the process or on its none
/// start event (both: the higher counts); values as in <see cref="TrustLevels.Parse"/> (niedrig, substanziell, hoch,
/// low/substantial/high, STORK-QAA-Level-N). Declaring it is also what offers a process to citizens at all: a process
/// without it (an internal one, a Urlaubsantrag) cannot be started from the citizen side (deny by default). An unreadable
/// value counts as <see cref="TrustLevel.High"/>, so a typo never lowers the bar.
/// </summary>
public static class TrustLevelGuard
{
    public static readonly System.Xml.Linq.XName Attribute = Namespaces.Egov + "trustLevel";

    /// <summary>The level a version needs; null: not offered to citizens.</summary>
    public static TrustLevel? Required(DeployedDefinition? definition)
    {
        if (definition?.Outline is { } outline) // the catalogue's outline: the citizens' service list reads no model
        {
            TrustLevel? level = null;
            foreach (var text in outline.StartTrustLevels.Prepend(outline.ProcessAttribute(Attribute)).OfType<string>())
            {
                var l = TrustLevels.Parse(text) ?? TrustLevel.High;
                if (level is null || l > level) level = l;
            }
            return level;
        }
        var process = definition?.Definitions?.Processes.FirstOrDefault(p => p.Id == definition.ProcessId);
        if (process is null) return null;
        TrustLevel? required = null;
        void Take(string? text)
        {
            if (text is null) return;
            var level = TrustLevels.Parse(text) ?? TrustLevel.High;
            if (required is null || level > required) required = level;
        }
        Take(process.Attribute(Attribute));
        foreach (var start in process.FlowElements.OfType<StartEvent>().Where(s => s.EventDefinitions.Count == 0))
            Take(start.Attribute(Attribute));
        return required;
    }

    /// <summary>The start form's key (<c>camunda:formKey</c> of the none start event), if the process has one.</summary>
    public static string? StartFormKey(DeployedDefinition? definition)
    {
        if (definition?.Outline is { } outline) return outline.StartFormKey;
        var process = definition?.Definitions?.Processes.FirstOrDefault(p => p.Id == definition.ProcessId);
        return process?.FlowElements.OfType<StartEvent>().Where(s => s.EventDefinitions.Count == 0)
            .Select(s => s.Attribute(Namespaces.Camunda + "formKey")).FirstOrDefault(k => !string.IsNullOrWhiteSpace(k));
    }
}
