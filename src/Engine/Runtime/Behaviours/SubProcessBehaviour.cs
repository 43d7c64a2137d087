using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// Embedded, transaction and ad-hoc subprocesses: a child scope with its own variables and event subprocesses;
/// the token waits until the child scope completes. (Event subprocesses are started by their events, not by flows.)
/// </summary>
internal sealed class SubProcessBehaviour : IBehaviour
{
    public void Execute(ActivityExecution ctx)
    {
        var i = ctx.Inst;
        var t = ctx.Token;
        var def = ctx.Node.Inner!;
        var kind = ScopeKindOf(ctx.Node);
        var scope = new ScopeState { Id = i.NextId("s"), ParentScopeId = t.ScopeId, ElementId = ctx.Node.Id, Kind = kind, OwnerTokenId = t.Id, StartedAt = ctx.Now };
        i.S.Scopes.Add(scope);
        t.ChildScopeId = scope.Id;
        ctx.Wait();
        ctx.Runner.StartScope(i, scope, def);
        if (kind == ScopeKind.AdHocSubProcess) ctx.Runner.StartAdHoc(i, scope, def);
        else
            foreach (var start in def.StartEvents)
            {
                var inner = ctx.Runner.NewToken(i, scope.Id, start.Id);
                ctx.Runner.ScheduleExecute(i, inner);
            }
        if (def.StartEvents.Count == 0 && kind != ScopeKind.AdHocSubProcess || kind == ScopeKind.AdHocSubProcess && !i.S.Tokens.Any(x => x.ScopeId == scope.Id))
            ctx.Runner.Schedule(() => ctx.Runner.CheckScope(i, scope));
    }

    /// <summary>The kind of scope instance a subprocess node runs in.</summary>
    public static ScopeKind ScopeKindOf(Node node) => node.Kind switch
    {
        NodeKind.Transaction => ScopeKind.Transaction,
        NodeKind.AdHocSubProcess => ScopeKind.AdHocSubProcess,
        NodeKind.EventSubProcess => ScopeKind.EventSubProcess,
        _ => ScopeKind.SubProcess,
    };
}
