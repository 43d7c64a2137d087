namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A receive task: waits for its message (or for a trigger by element id when it names none).</summary>
internal sealed class ReceiveTaskBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (((Model.ReceiveTask)ctx.Node.Element).MessageRef is not null) ctx.Listen(ctx.Node);
        ctx.Wait();
    }
}
