using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagram;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// Ids of BPMN and DI elements share one space: a reference must name exactly one element. Foreign elements
/// (adonis:target, signavio:…) keep their own ids and never clash — ADONIS reuses participant ids inside them.
/// </summary>
internal static class IdChecks
{
    public static void Run(CheckContext c)
    {
        var seen = new Dictionary<string, BpmnElement>(StringComparer.Ordinal);
        foreach (var e in c.Definitions.IdentifiedElements())
        {
            if (!seen.TryAdd(e.Id!, e))
            {
                var first = seen[e.Id!];
                var between = IsDiagram(first) != IsDiagram(e) ? " (a diagram element and a model element share it)" : "";
                c.Bag.Error(e.Position, $"duplicate id '{e.Id}' on {e.Name.LocalName}; first used by {first.Name.LocalName} at line {first.Position.Line}{between}");
            }
        }
    }

    private static bool IsDiagram(BpmnElement e) => e is BpmnDiagram or BpmnPlane or BpmnShape or BpmnEdge or BpmnLabel or BpmnLabelStyle
        || e.Name.Namespace == Namespaces.BpmnDi || e.Name.Namespace == Namespaces.Dc || e.Name.Namespace == Namespaces.Di;
}
