using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>Pools, message flows, lanes and artifacts. Message flows may point into any pool of the file.</summary>
internal static class CollaborationChecks
{
    public static void Run(CheckContext c)
    {
        foreach (var e in c.ModelElements())
        {
            switch (e)
            {
                case Participant p:
                    c.Require<Process>(p, "processRef", p.Attribute("processRef"), expected: "a process");
                    break;
                case MessageFlow f:
                    CheckMessageFlowEnd(c, f, "sourceRef", f.Attribute("sourceRef"));
                    CheckMessageFlowEnd(c, f, "targetRef", f.Attribute("targetRef"));
                    c.Require<Message>(f, "messageRef", f.Attribute("messageRef"), expected: "a message");
                    break;
                case Lane lane:
                    foreach (var r in lane.Elements(Namespaces.Bpmn + "flowNodeRef"))
                        c.Require<FlowNode>(r, $"lane '{lane.Id}' flowNodeRef", r.Text, expected: "a flow node");
                    break;
                case Association a:
                    c.Require<BaseElement>(a, "sourceRef", a.Attribute("sourceRef"), expected: "a BPMN element");
                    c.Require<BaseElement>(a, "targetRef", a.Attribute("targetRef"), expected: "a BPMN element");
                    break;
                case Group g:
                    // A group is only drawn; a missing category value loses its label, not meaning.
                    c.Require<CategoryValue>(g, "categoryValueRef", g.Attribute("categoryValueRef"), Severity.Warning, "a categoryValue");
                    break;
            }
        }
    }

    /// <summary>A message flow connects pools or the interaction nodes (events, tasks) inside them.</summary>
    private static void CheckMessageFlowEnd(CheckContext c, MessageFlow flow, string what, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference)) { c.Bag.Error(flow.Position, $"{flow} has no {what}"); return; }
        var target = c.Require<BaseElement>(flow, what, reference, expected: "a participant or flow node");
        if (target is not null and not Participant and not FlowNode)
            c.Bag.Error(flow.Position, $"{flow}: {what} '{target.Id}' is a {target.Name.LocalName}, expected a participant (pool) or a flow node");
    }
}
