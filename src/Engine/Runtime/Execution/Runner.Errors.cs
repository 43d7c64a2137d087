using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>Where an error or escalation is caught: a boundary event on a token's activity, or an event subprocess of a scope.</summary>
    private sealed record Handler(Inst Inst, Node Node, TokenState? Host, ScopeState? Scope);

    /// <summary>
    /// Searches upward from the thrower for a handler of <paramref name="trigger"/> with <paramref name="code"/>:
    /// the thrower's own boundary events, then the event subprocesses of its scope, then the boundary events of the
    /// scope's activity, and so on up to the process — and on into the calling instance, applying the call activity's
    /// camunda:out mappings as it passes (whether or not a handler is found further up, as Camunda's walk does).
    /// Within each group a handler for the specific code wins over a catch-all.
    /// </summary>
    private Handler? FindHandler(Inst i, TokenState thrower, Trigger trigger, string? code, bool includeOwnBoundaries)
    {
        var inst = i;
        TokenState? host = includeOwnBoundaries && !thrower.IsMultiInstanceInner ? thrower : null;
        var scope = i.Scope(thrower.ScopeId);
        while (true)
        {
            if (host is not null && Pick(inst.Node(host).Boundaries, trigger, code) is { } b) return new Handler(inst, b, host, null);
            if (scope is null) return null;
            if (scope.Kind != ScopeKind.MultiInstanceBody)
            {
                var def = scope.Kind == ScopeKind.Process ? inst.G.Root : inst.G.Scopes[scope.ElementId];
                if (Pick(def.EventSubProcesses, trigger, code) is { } esp) return new Handler(inst, esp, null, scope);
            }
            if (scope.Kind == ScopeKind.Process)
            {
                if (inst.S.ParentInstanceId is not { } pid || Load(pid) is not { } parent || parent.Token(inst.S.ParentTokenId) is not { } caller)
                    return null;
                // On its way out of a called instance the error or escalation passes the call activity: its camunda:out
                // mappings apply now, so the caller's handlers see the variables that explain it (Camunda 7).
                PassOutputVariables(parent, caller, parent.Node(caller), inst);
                inst = parent;
                host = caller.IsMultiInstanceInner ? null : caller;
                scope = parent.Scope(caller.ScopeId);
                continue;
            }
            var owner = inst.Owner(scope);
            host = owner is { IsMultiInstanceInner: false } ? owner : null;
            scope = inst.Scope(scope.ParentScopeId);
        }
    }

    private static Node? Pick(IEnumerable<Node> candidates, Trigger trigger, string? code)
    {
        Node? catchAll = null;
        foreach (var c in candidates)
        {
            if (c.Trigger != trigger) continue;
            if (c.EventName is null) catchAll ??= c;
            else if (c.EventName == code) return c;
        }
        return catchAll;
    }

    /// <summary>
    /// Throws a BPMN error from a token. At an error end event the token completes first; from an activity
    /// (external task, custom activity) the activity is cancelled by the catching handler.
    /// Unhandled, it behaves like a none end event (Camunda's default).
    /// </summary>
    public void ThrowError(Inst i, TokenState t, string code, string? message, bool fromEndEvent)
    {
        var h = FindHandler(i, t, Trigger.Error, code, includeOwnBoundaries: !fromEndEvent);
        if (h is null)
        {
            if (Core.ThrowOnUnhandledBpmnError)
                throw new IncidentException(IncidentKind.FailedActivity, $"no error handler for error code '{code}'{(message is null ? "" : $": {message}")}");
            if (!fromEndEvent)
            {
                // Camunda: no handler — the activity's execution ends (it does not leave by its flows).
                DetachBoundaryEvents(i, t);
                RemoveWaits(i, t);
                Record(i, t, i.Node(t), completed: true);
            }
            EndToken(i, t);
            return;
        }
        var errorVars = new JsonObject();
        var el = h.Node.Kind == NodeKind.EventSubProcess ? h.Node.Inner!.Nodes.First(n => n.Kind == NodeKind.StartEvent).Element : h.Node.Element;
        var def = (el as Model.Event)?.Definition;
        if (def?.CamundaAttribute("errorCodeVariable") is { Length: > 0 } cv) errorVars[cv] = code;
        if (def?.CamundaAttribute("errorMessageVariable") is { Length: > 0 } mv) errorVars[mv] = message;
        if (fromEndEvent)
        {
            RemoveWaits(i, t);
            i.S.Tokens.Remove(t);
        }
        Catch(h, errorVars);
    }

    private void Catch(Handler h, JsonObject? variables)
    {
        if (h.Host is { } host) FireBoundary(h.Inst, host, h.Node, variables);
        else if (h.Scope is { } scope) FireEventSubProcess(h.Inst, scope, h.Node, variables, keepListening: !h.Node.Interrupting);
    }

    /// <summary>Throws an escalation; the thrower continues unless an interrupting handler cancelled it. Unhandled, nothing happens.</summary>
    public void ThrowEscalation(Inst i, TokenState t, string? code, bool isEnd)
    {
        var h = FindHandler(i, t, Trigger.Escalation, code, includeOwnBoundaries: false);
        if (h is not null)
        {
            var el = h.Node.Kind == NodeKind.EventSubProcess ? h.Node.Inner!.Nodes.First(n => n.Kind == NodeKind.StartEvent).Element : h.Node.Element;
            var vars = (el as Model.Event)?.Definition?.CamundaAttribute("escalationCodeVariable") is { Length: > 0 } ev
                ? new JsonObject { [ev] = code } : null;
            Catch(h, vars);
        }
        if (!i.Alive(t)) return;
        if (isEnd) EndToken(i, t);
        else Leave(i, t);
    }

    /// <summary>A terminate end event ends every token of its scope; the scope then completes.</summary>
    public void TerminateScope(Inst i, TokenState t)
    {
        var scope = i.Scope(t.ScopeId);
        var n = i.Node(t);
        RemoveWaits(i, t);
        Record(i, t, n, completed: true);
        i.S.Tokens.Remove(t);
        if (scope is null) return;
        CancelTokensIn(i, scope);
        if (scope.Kind == ScopeKind.MultiInstanceBody) return;
        CompleteScope(i, scope);
    }
}
