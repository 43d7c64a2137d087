namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A complex gateway (BPMN 2.0 §10.5.5). As a join with an activationCondition it fires the first time the
/// condition holds when a token arrives (<c>activationCount</c> = tokens that arrived so far), continuing with one
/// token; later arrivals are consumed until every token that could still arrive has arrived, then it resets.
/// Without an activationCondition it joins like an inclusive gateway. As a split it takes every flow whose
/// condition holds (else the default flow).
/// </summary>
internal sealed class ComplexGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (ctx.Node.Incoming.Count <= 1) ctx.LeaveSelected();
        else ctx.Runner.ArriveAtComplexJoin(ctx.Inst, ctx.Token, ctx.Node);
    }
}
