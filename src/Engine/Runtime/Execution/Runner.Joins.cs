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

    /// <summary>Marks a complex join that fired by its activationCondition and now consumes late arrivals.</summary>
    internal const string ActivatedMarker = "#activated";

    /// <summary>
    /// A token arrives at a complex join. Once the join has fired by its activationCondition, the token is consumed;
    /// else, with an activationCondition, the join fires when it holds (with <c>activationCount</c> in scope);
    /// without one, the token waits like at an inclusive join.
    /// </summary>
    public void ArriveAtComplexJoin(Inst i, TokenState t, Node gw)
    {
        t.Status = TokenStatus.Joined;
        var here = i.S.Tokens.Where(x => x.ScopeId == t.ScopeId && x.ElementId == gw.Id && x.Status == TokenStatus.Joined).ToList();
        if (here.Any(x => x.ArrivedBy == ActivatedMarker))
        {
            EndToken(i, t);
            return;
        }
        if ((gw.Element as Model.ComplexGateway)?.ActivationCondition is not { IsEmpty: false } condition) return;
        var fire = false;
        if (!Guard(i, t, gw, () =>
        {
            var scope = new VariableScope(i, t);
            var vars = new ActivationScope(scope, here.Count);
            fire = Evaluator.EvaluateCondition(condition.Body, vars);
        })) return;
        if (!fire) return;
        var marker = NewToken(i, t.ScopeId, gw.Id);
        marker.Status = TokenStatus.Joined;
        marker.ArrivedBy = ActivatedMarker;
        FireJoin(i, t, gw, here);
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
                if (merged.Any(x => x.ArrivedBy == ActivatedMarker))
                {
                    // Every token that could arrive has arrived: the complex join resets.
                    foreach (var m in merged) i.S.Tokens.Remove(m);
                    if (i.Scope(g.Key.ScopeId) is { } scope) CheckScope(i, scope);
                    return true;
                }
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

/// <summary>The variables of a complex gateway's activationCondition: the token's scope plus <c>activationCount</c>.</summary>
internal sealed class ActivationScope(Expressions.IVariableScope inner, int activationCount) : Expressions.IVariableScope
{
    public bool TryGetVariable(string name, out System.Text.Json.Nodes.JsonNode? value)
    {
        if (name == "activationCount")
        {
            value = activationCount;
            return true;
        }
        return inner.TryGetVariable(name, out value);
    }

    public IEnumerable<string> VariableNames => inner.VariableNames.Append("activationCount").Distinct(StringComparer.Ordinal);
}
