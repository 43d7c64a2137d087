namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A parallel gateway: joins one token from every incoming flow, then forks to every outgoing flow.</summary>
internal sealed class ParallelGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (ctx.Node.Incoming.Count <= 1) ctx.LeaveAll();
        else ctx.Runner.ArriveAtParallelJoin(ctx.Inst, ctx.Token, ctx.Node);
    }
}
