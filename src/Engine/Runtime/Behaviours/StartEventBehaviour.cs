namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A start event (none, message, timer, signal, conditional): the instance or scope has started; move on.</summary>
internal sealed class StartEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Leave();
}
