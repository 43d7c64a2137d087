namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An intermediate conditional catch event: passes when its condition holds, else waits until it turns true.</summary>
internal sealed class ConditionalCatchBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        if (ctx.Runner.Evaluator.EvaluateCondition(ctx.Node.Condition!, ctx.Variables)) { ctx.Leave(); return; }
        ctx.Listen(ctx.Node);
        ctx.Wait();
    }
}
