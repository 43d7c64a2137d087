namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// An inclusive gateway: as a join it waits until no token of its scope can still reach it; as a split it takes
/// every flow whose condition holds (else the default flow, else an incident).
/// </summary>
internal sealed class InclusiveGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (ctx.Node.Incoming.Count <= 1) ctx.LeaveSelected();
        else ctx.Token.Status = State.TokenStatus.Joined;
    }
}
