namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A call activity: starts the called process (camunda:in variables and business key) and waits for it;
/// its end brings camunda:out variables back. Errors and escalations of the callee reach the caller's handlers;
/// cancelling the caller cancels the callee.
/// </summary>
internal sealed class CallActivityBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Runner.CallProcess(ctx.Inst, ctx.Token, ctx.Node);
}
