using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>Sequence flows, default flows and boundary attachments: the token paths. Broken ones are errors.</summary>
internal static class FlowChecks
{
    public static void Run(CheckContext c)
    {
        foreach (var e in c.ModelElements())
        {
            switch (e)
            {
                case SequenceFlow flow: CheckFlow(c, flow); break;
                case BoundaryEvent boundary: CheckBoundary(c, boundary); break;
            }
            var @default = e switch { GatewayWithDefault g => g.Default, Activity a => a.Default, _ => null };
            if (@default is not null) CheckDefault(c, (FlowNode)e, @default);
        }
    }

    private static void CheckFlow(CheckContext c, SequenceFlow flow)
    {
        // Signavio exports connectors of elements it did not export into an extra process with no flow
        // nodes at all (MIWG B.1.0, B.2.0, C.9.0). Such a flow connects nothing that runs: a warning.
        var orphaned = flow.Container is { } container && !container.FlowElements.OfType<FlowNode>().Any();
        var severity = orphaned ? Severity.Warning : Severity.Error;
        var note = orphaned ? " (its process holds no flow nodes; the exporter left a connector behind — ignored)" : "";
        if (flow.SourceRef is null || flow.TargetRef is null)
        {
            var missing = flow.SourceRef is null && flow.TargetRef is null ? "sourceRef and targetRef" : flow.SourceRef is null ? "sourceRef" : "targetRef";
            c.Report(severity, flow, $"{flow} has no {missing}{note}");
        }
        foreach (var (what, id) in new[] { ("sourceRef", flow.SourceRef), ("targetRef", flow.TargetRef) })
        {
            if (id is null) continue;
            var target = c.Definitions.FindById(id);
            if (target is null) { c.Report(severity, flow, $"{flow}: {what} '{id}' does not exist{note}"); continue; }
            if (target is not FlowNode node)
            {
                c.Report(Severity.Error, flow, $"{flow}: {what} '{id}' is a {target.Name.LocalName}, not a flow node (event, activity or gateway)");
                continue;
            }
            if (!ReferenceEquals(node.Container, flow.Container))
                c.Report(Severity.Error, flow, $"{flow}: {what} '{id}' lies in {Describe(node.Container)}, but the flow lies in {Describe(flow.Container)}; a sequence flow cannot cross a (sub)process boundary");
        }
    }

    private static void CheckDefault(CheckContext c, FlowNode owner, string defaultId)
    {
        var flow = c.Require<SequenceFlow>(owner, "default", defaultId, expected: "a sequenceFlow");
        if (flow is not null && flow.SourceRef != owner.Id)
            c.Bag.Error(owner.Position, $"{owner}: default flow '{defaultId}' is not one of its outgoing flows (it leaves '{flow.SourceRef}')");
    }

    private static void CheckBoundary(CheckContext c, BoundaryEvent boundary)
    {
        if (string.IsNullOrWhiteSpace(boundary.AttachedToRef))
        {
            c.Bag.Error(boundary.Position, $"{boundary} has no attachedToRef");
            return;
        }
        var host = c.Definitions.FindById(boundary.AttachedToRef);
        if (host is null) { c.Bag.Error(boundary.Position, $"{boundary}: attachedToRef '{boundary.AttachedToRef}' does not exist"); return; }
        if (host is not Activity activity)
        {
            c.Bag.Error(boundary.Position, $"{boundary} is attached to {host}, which is not an activity; boundary events attach to tasks, subprocesses and call activities only");
            return;
        }
        if (!ReferenceEquals(activity.Container, boundary.Container))
            c.Bag.Error(boundary.Position, $"{boundary} is attached to {activity}, which lies in {Describe(activity.Container)}; the boundary event must stand beside it in the same (sub)process");
    }

    private static string Describe(IFlowElementsContainer? container) => container switch
    {
        null => "no process",
        BpmnElement e => e.ToString(),
        _ => container.Id ?? "a container",
    };
}
