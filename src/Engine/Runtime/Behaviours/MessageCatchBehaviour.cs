namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An intermediate message catch event: waits for its message (correlated by name and key).</summary>
internal sealed class MessageCatchBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        ctx.Listen(ctx.Node);
        ctx.Wait();
    }
}
