namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A complex gateway: joins like an inclusive gateway (waits for every token that can still arrive) and splits by
/// its conditions. An activationCondition is not evaluated (deployment refuses models that set one).
/// </summary>
internal sealed class ComplexGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (ctx.Node.Incoming.Count <= 1) ctx.LeaveSelected();
        else ctx.Token.Status = State.TokenStatus.Joined;
    }
}
