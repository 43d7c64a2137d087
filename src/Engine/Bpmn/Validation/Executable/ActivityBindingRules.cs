using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>
/// A task bound with <c>egov:activity="name"</c> needs an activity of that name where it runs: deployment refuses the
/// model otherwise (the runtime's graph builder), and so does <c>egov validate --executable --activities</c>, both with
/// the names that are known. An external task (<c>camunda:type="external"</c>) with no in-process activity for its topic
/// is a task for workers and stays allowed.
/// </summary>
public static class ActivityBindingRules
{
    /// <summary>The one message for an unknown activity name, at deployment and in validation.</summary>
    public static string UnknownActivity(BpmnElement element, string name, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(known);
        var list = known.Count == 0 ? "none is registered" : $"known: {string.Join(", ", known.Order(StringComparer.Ordinal))}";
        return $"{element}: no activity named '{name}' is registered ({list}); load the pack that has it with --activities";
    }

    /// <summary>Reports every <c>egov:activity</c> of the executable processes whose name is not in <paramref name="known"/>.</summary>
    public static void Check(Definitions definitions, IReadOnlyCollection<string> known, DiagnosticBag bag)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(bag);
        var names = known as IReadOnlySet<string> ?? known.ToHashSet(StringComparer.Ordinal);
        foreach (var process in definitions.Processes.Where(p => p.IsExecutable))
            foreach (var e in process.Descendants())
                if (e.Attribute(Namespaces.Egov + "activity") is { Length: > 0 } name && !names.Contains(name))
                    bag.Error(e.Position, UnknownActivity(e, name, known));
    }
}
