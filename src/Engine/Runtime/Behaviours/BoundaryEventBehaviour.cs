namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A boundary event that fired: the token created for it leaves by the boundary's outgoing flows.</summary>
internal sealed class BoundaryEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Leave();
}
