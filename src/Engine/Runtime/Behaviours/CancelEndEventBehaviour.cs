namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A cancel end event in a transaction: compensate what completed, then take the cancel boundary event.</summary>
internal sealed class CancelEndEventBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx) => ctx.Runner.CancelTransaction(ctx.Inst, ctx.Token);
}
