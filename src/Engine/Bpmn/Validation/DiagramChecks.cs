using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagram;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// BPMN DI references. A drawing that points at a missing element does not change what the model means
/// (ADONIS exports keep shapes of elements they dropped), so every problem here is a warning.
/// </summary>
internal static class DiagramChecks
{
    public static void Run(CheckContext c)
    {
        foreach (var diagram in c.Definitions.Diagrams)
        {
            foreach (var e in diagram.Descendants())
            {
                switch (e)
                {
                    case BpmnPlane p: c.Require<BpmnElement>(p, "bpmnElement", p.Attribute("bpmnElement"), Severity.Warning); break;
                    case BpmnShape s: c.Require<BpmnElement>(s, "bpmnElement", s.Attribute("bpmnElement"), Severity.Warning); break;
                    case BpmnEdge edge:
                        c.Require<BpmnElement>(edge, "bpmnElement", edge.Attribute("bpmnElement"), Severity.Warning);
                        c.Require<BpmnElement>(edge, "sourceElement", edge.Attribute("sourceElement"), Severity.Warning);
                        c.Require<BpmnElement>(edge, "targetElement", edge.Attribute("targetElement"), Severity.Warning);
                        break;
                    case BpmnLabel l:
                        c.Require<BpmnLabelStyle>(l, "labelStyle", l.Attribute("labelStyle"), Severity.Warning, "a BPMNLabelStyle");
                        break;
                }
            }
        }
    }
}
