namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An intermediate timer catch event: waits as a timer job until its due time.</summary>
internal sealed class TimerCatchBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        ctx.Listen(ctx.Node);
        if (!ctx.Inst.S.Jobs.Any(j => j.TokenId == ctx.Token.Id)) { ctx.Leave(); return; }
        ctx.Wait();
    }
}
