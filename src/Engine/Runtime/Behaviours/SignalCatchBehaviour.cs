namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An intermediate signal catch event: waits for its signal (broadcast to every subscription).</summary>
internal sealed class SignalCatchBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        ctx.Listen(ctx.Node);
        ctx.Wait();
    }
}
