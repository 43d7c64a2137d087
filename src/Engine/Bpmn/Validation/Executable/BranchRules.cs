using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>Where a token goes next must be decidable: every branch of an exclusive/inclusive split has a condition or is the default.</summary>
internal static class BranchRules
{
    public static void Check(BpmnElement e, DiagnosticBag bag)
    {
        switch (e)
        {
            case ExclusiveGateway or InclusiveGateway:
                CheckSplit((GatewayWithDefault)e, bag);
                break;
            case Activity activity:
                CheckActivityFlows(activity, bag);
                break;
            case SequenceFlow { ConditionExpression: { IsEmpty: true } } flow:
                bag.Error(flow.Position, $"{flow} has an empty conditionExpression");
                break;
        }
    }

    private static void CheckSplit(GatewayWithDefault gateway, DiagnosticBag bag)
    {
        var outgoing = gateway.Outgoing;
        if (outgoing.Count <= 1) return;
        foreach (var flow in outgoing)
        {
            if (flow.Id == gateway.Default || flow.ConditionExpression is { IsEmpty: false }) continue;
            var hint = gateway.Default is null ? " (and the gateway has no default flow)" : "";
            bag.Error(flow.Position, $"{flow} leaves {gateway} without a condition and is not its default{hint}: give it a conditionExpression or make it the default");
        }
    }

    /// <summary>
    /// Flows out of an activity that all carry conditions leave the token nowhere when none holds; one
    /// unconditional flow or a default flow makes the activity always continue.
    /// </summary>
    private static void CheckActivityFlows(Activity activity, DiagnosticBag bag)
    {
        var outgoing = activity.Outgoing;
        if (outgoing.Count == 0 || activity.Default is not null) return;
        if (outgoing.All(f => f.ConditionExpression is not null))
            bag.Error(activity.Position, $"{activity}: every outgoing flow is conditional and there is no default flow; when no condition holds the token stops here");
    }
}
