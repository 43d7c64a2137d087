namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A terminate end event: every other token of the scope ends; the scope (or the process) completes.</summary>
internal sealed class TerminateEndEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Runner.TerminateScope(ctx.Inst, ctx.Token);
}
