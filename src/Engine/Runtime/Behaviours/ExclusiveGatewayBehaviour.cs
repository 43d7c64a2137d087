namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An exclusive gateway: the first outgoing flow whose condition holds, else the default flow, else an incident.</summary>
internal sealed class ExclusiveGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.LeaveSelected();
}
