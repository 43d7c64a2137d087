using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>An escalation intermediate throw or end event: raises the escalation, then continues or ends.</summary>
internal sealed class EscalationThrowBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        var isEnd = ctx.Node.Kind == NodeKind.EndEvent;
        if (isEnd) { ctx.Runner.Record(ctx.Inst, ctx.Token, ctx.Node, completed: true); ctx.Token.Phase = State.TokenPhase.After; }
        ctx.Runner.ThrowEscalation(ctx.Inst, ctx.Token, ctx.Node.EventName, isEnd);
    }
}
