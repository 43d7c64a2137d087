namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A signal intermediate throw or end event: broadcasts the signal to every subscription, then continues.</summary>
internal sealed class SignalThrowBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        var name = ctx.Node.EventName!;
        var runner = ctx.Runner;
        ctx.Leave();
        runner.Schedule(() => runner.Broadcast(name, null));
    }
}
