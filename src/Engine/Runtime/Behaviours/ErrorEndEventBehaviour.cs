namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An error end event: completes, then throws its error code to the nearest matching handler.</summary>
internal sealed class ErrorEndEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        ctx.Runner.Record(ctx.Inst, ctx.Token, ctx.Node, completed: true);
        ctx.Token.Phase = State.TokenPhase.After;
        ctx.Runner.ThrowError(ctx.Inst, ctx.Token, ctx.Node.EventName ?? "", null, fromEndEvent: true);
    }
}
