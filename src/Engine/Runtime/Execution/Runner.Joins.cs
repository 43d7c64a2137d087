using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>A parallel join fires once a token waits on every incoming flow; the others merge into one.</summary>
    public void ArriveAtParallelJoin(Inst i, TokenState t, Node gw)
    {
        t.Status = TokenStatus.Joined;
        var joined = i.S.Tokens.Where(x => x.ScopeId == t.ScopeId && x.ElementId == gw.Id && x.Status == TokenStatus.Joined).ToList();
        var pick = new List<TokenState>();
        foreach (var flow in gw.Incoming)
        {
            var k = joined.Find(x => x.ArrivedBy == flow.Id && !pick.Contains(x)) ?? joined.Find(x => x.ArrivedBy is null && !pick.Contains(x));
            if (k is null) return;
            pick.Add(k);
        }
        FireJoin(i, t, gw, pick);
    }

    private void FireJoin(Inst i, TokenState survivor, Node gw, List<TokenState> merged)
    {
        var first = merged.Min(x => x.StartedAt);
        foreach (var m in merged) if (m != survivor) i.S.Tokens.Remove(m);
        survivor.Status = TokenStatus.Active;
        survivor.StartedAt = first;
        var ctx = new Behaviours.ActivityExecution(this, i, survivor, gw);
        if (gw.Kind == NodeKind.ParallelGateway) ctx.LeaveAll();
        else Guard(i, survivor, gw, ctx.LeaveSelected);
    }

    /// <summary>
    /// Inclusive (and complex) joins fire when no token elsewhere in their scope can still reach them — found by
    /// searching the graph forward from every other token (Camunda searches backwards; the answer is the same).
    /// Runs when the agenda is empty. True when a join fired.
    /// </summary>
    private bool FireInclusiveJoins()
    {
        foreach (var i in _loaded.Values)
        {
            if (i.S.IsEnded) continue;
            var waiting = i.S.Tokens.Where(t => t.Status == TokenStatus.Joined && i.Node(t).Kind is NodeKind.InclusiveGateway or NodeKind.ComplexGateway)
                .GroupBy(t => (t.ScopeId, t.ElementId)).ToList();
            foreach (var g in waiting)
            {
                var gw = i.G.Node(g.Key.ElementId);
                if (CanStillArrive(i, g.Key.ScopeId, gw)) continue;
                var merged = g.ToList();
                FireJoin(i, merged[^1], gw, merged);
                return true;
            }
        }
        return false;
    }

    private static bool CanStillArrive(Inst i, string scopeId, Node gw)
    {
        foreach (var t in i.S.Tokens)
        {
            if (t.ScopeId == scopeId && t.ElementId == gw.Id && t.Status == TokenStatus.Joined) continue;
            var inScope = AncestorIn(i, t, scopeId);
            if (inScope is null) continue;
            if (inScope.ElementId == gw.Id && inScope.Status == TokenStatus.Joined) continue;
            if (Reaches(i.Node(inScope), gw)) return true;
        }
        return false;
    }

    /// <summary>The token itself if it is in the scope, else the ancestor token in the scope that owns its scope chain.</summary>
    private static TokenState? AncestorIn(Inst i, TokenState t, string scopeId)
    {
        var cur = t;
        for (var guard = 0; cur is not null && guard < 1000; guard++)
        {
            if (cur.ScopeId == scopeId) return cur;
            var s = i.Scope(cur.ScopeId);
            cur = s is null ? null : i.Owner(s);
        }
        return null;
    }

    private static bool Reaches(Node from, Node target)
    {
        var seen = new HashSet<Node>();
        var stack = new Stack<Node>();
        void Push(Node n)
        {
            foreach (var o in n.Outgoing) if (seen.Add(o.Target)) stack.Push(o.Target);
            foreach (var b in n.Boundaries) if (seen.Add(b)) stack.Push(b);
        }
        Push(from);
        while (stack.TryPop(out var n))
        {
            if (n == target) return true;
            Push(n);
        }
        return false;
    }
}
