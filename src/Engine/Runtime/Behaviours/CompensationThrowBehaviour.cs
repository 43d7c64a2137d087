using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A compensation throw (intermediate or end): runs the handlers of the completed activities of its scope (or of
/// activityRef only), newest first, once per completed instance; waits until they finished.
/// </summary>
internal sealed class CompensationThrowBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        var i = ctx.Inst;
        var scope = i.Scope(ctx.Token.ScopeId)!;
        if (scope.Kind == ScopeKind.EventSubProcess && i.Scope(scope.ParentScopeId) is { } parent) scope = parent;
        // Nothing to compensate: an end event ends and an intermediate throw moves on at once (Leave does both).
        if (!ctx.Runner.Compensate(i, ctx.Token, scope.Id, ctx.Node.CompensateActivityRef)) ctx.Leave();
    }

    public void Trigger(ActivityExecution ctx, System.Text.Json.Nodes.JsonObject? variables) => ctx.Leave();
}
