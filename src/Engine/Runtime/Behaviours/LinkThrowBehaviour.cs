using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>A link throw event jumps to the link catch event of the same name in the same scope (neither is recorded).</summary>
internal sealed class LinkThrowBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        var target = ctx.Node.Scope.Nodes.First(n => n.Kind == NodeKind.IntermediateCatch && n.Trigger == Trigger.Link && n.EventName == ctx.Node.EventName);
        ctx.Token.ElementId = target.Id;
        ctx.Runner.TakeOutgoing(ctx.Inst, ctx.Token, target);
    }
}
