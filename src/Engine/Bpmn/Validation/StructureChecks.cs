using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// Elements standing where the model does not expect them. They are kept verbatim and written back, so they
/// are warnings: vendor XML that falls into the BPMN namespace, or flow nodes outside any process.
/// </summary>
internal static class StructureChecks
{
    public static void Run(CheckContext c) => Visit(c, c.Definitions);

    private static void Visit(CheckContext c, BpmnElement element)
    {
        foreach (var child in element.Elements())
        {
            // Whatever sits inside a foreign element belongs to its vendor, even in our namespace (W4 in MIWG C.1.0).
            if (child.IsForeign) continue;
            if (child is UnknownElement)
                c.Bag.Warning(child.Position, $"unknown element <{child.Name.LocalName}> in the {NamespaceLabel(child)} namespace; kept verbatim, not interpreted");
            else if (child is FlowElement and not SequenceFlow && element is not IFlowElementsContainer && element is not UnknownElement)
                c.Bag.Warning(child.Position, $"{child} stands inside {element.Name.LocalName}, not inside a process or subprocess; kept, not interpreted");
            Visit(c, child);
        }
    }

    private static string NamespaceLabel(BpmnElement e) => e.Name.Namespace == Namespaces.Bpmn ? "BPMN" : "BPMN DI";
}
