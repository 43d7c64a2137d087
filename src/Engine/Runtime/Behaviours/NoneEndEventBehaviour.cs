namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A none end event: the token ends; the scope completes when it was the last.</summary>
internal sealed class NoneEndEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Leave();
}
