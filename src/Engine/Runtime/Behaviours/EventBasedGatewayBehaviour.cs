using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An event-based gateway: waits for the first of the events after it; the others are then withdrawn.</summary>
internal sealed class EventBasedGatewayBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        foreach (var flow in ctx.Node.Outgoing)
        {
            var target = flow.Target;
            if (target.Kind is NodeKind.IntermediateCatch or NodeKind.ReceiveTask)
            {
                if (target.Trigger == Trigger.Conditional && ctx.Runner.Evaluator.EvaluateCondition(target.Condition!, ctx.Variables))
                {
                    ctx.Runner.FireEventGateway(ctx.Inst, ctx.Token, target, null);
                    return;
                }
                ctx.Listen(target);
            }
        }
        ctx.Wait();
    }
}
