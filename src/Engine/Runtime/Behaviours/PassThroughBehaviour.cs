namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>Plain and manual tasks, none intermediate throw events: complete at once.</summary>
internal sealed class PassThroughBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Leave();
}
