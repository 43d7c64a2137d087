using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>
    /// The token becomes the multi-instance body: a scope holding nrOfInstances, nrOfActiveInstances and
    /// nrOfCompletedInstances, with inner instances (each with loopCounter and the element variable) all at once
    /// (parallel) or one after another (sequential).
    /// </summary>
    private void StartMultiInstance(Inst i, TokenState t, Node n)
    {
        var mi = n.MultiInstance!;
        var vars = new VariableScope(i, t);
        JsonArray? items = null;
        int count;
        if (mi.CamundaCollection is { } coll)
            items = ToArray(coll.Contains("${", StringComparison.Ordinal) || coll.Contains("#{", StringComparison.Ordinal)
                ? Evaluator.Evaluate(coll, vars) : vars.TryGetVariable(coll, out var v) ? v : Evaluator.Evaluate(coll, vars), coll);
        else if (mi.LoopDataInputRef is { } dataRef)
            items = ToArray(vars.TryGetVariable(dataRef, out var v) ? v : Evaluator.Evaluate(dataRef, vars), dataRef);
        if (items is not null) count = items.Count;
        else
        {
            var c = Evaluator.Evaluate(mi.LoopCardinality!.Body, vars);
            count = Expressions.JsonVariables.TryGetDecimal(c, out var dv) ? (dv > int.MaxValue ? int.MaxValue : dv < 0 ? 0 : (int)dv)
                : c is JsonValue sv && int.TryParse(sv.ToString(), out var p) ? p
                : throw new IncidentException(IncidentKind.FailedExpression, $"loopCardinality of '{n.Id}' is not a number: {c?.ToJsonString() ?? "null"}");
        }
        if (count > Core.CommandLimits.MaxMultiInstance)
            throw new IncidentException(IncidentKind.FailedExpression,
                $"multi-instance '{n.Id}' would create {count} instances; at most {Core.CommandLimits.MaxMultiInstance} are allowed (split the work into batches)");
        var elementVar = mi.CamundaElementVariable ?? mi.InputDataItem?.ElementName ?? mi.InputDataItem?.Id;
        var body = new ScopeState
        {
            Id = i.NextId("s"), ParentScopeId = t.ScopeId, ElementId = n.Id + "#multiInstanceBody", Kind = ScopeKind.MultiInstanceBody,
            OwnerTokenId = t.Id, StartedAt = Now,
            MultiInstance = new MultiInstanceState { Sequential = mi.IsSequential, NrOfInstances = count, Items = items, ElementVariable = elementVar },
        };
        i.S.Scopes.Add(body);
        t.IsMultiInstanceBody = true;
        t.ChildScopeId = body.Id;
        t.Status = TokenStatus.Waiting;
        UpdateCounters(body);
        AttachBoundaryEvents(i, t, n);
        if (count <= 0) { CompleteBody(i, t, body); return; }
        if (mi.IsSequential) StartInner(i, body, n);
        else for (var k = 0; k < count; k++) StartInner(i, body, n);
    }

    private static JsonArray ToArray(JsonNode? value, string what) => value switch
    {
        JsonArray a => a,
        JsonObject o => new JsonArray(o.Select(kv => (JsonNode?)kv.Value?.DeepClone()).ToArray()),
        _ => throw new IncidentException(IncidentKind.FailedExpression, $"multi-instance collection '{what}' is not a list: {value?.ToJsonString() ?? "null"}"),
    };

    private static void UpdateCounters(ScopeState body)
    {
        var m = body.MultiInstance!;
        body.Variables["nrOfInstances"] = m.NrOfInstances;
        body.Variables["nrOfActiveInstances"] = m.NrOfActive;
        body.Variables["nrOfCompletedInstances"] = m.NrOfCompleted;
    }

    private void StartInner(Inst i, ScopeState body, Node n)
    {
        var m = body.MultiInstance!;
        var index = m.NextIndex++;
        m.NrOfActive++;
        UpdateCounters(body);
        var u = NewToken(i, body.Id, n.Id);
        u.IsMultiInstanceInner = true;
        i.SetTokenLocal(u, "loopCounter", index);
        if (m.ElementVariable is { } ev && m.Items is { } items && index < items.Count) i.SetTokenLocal(u, ev, items[index]?.DeepClone());
        ScheduleExecute(i, u);
    }

    /// <summary>An inner instance completed: count it, check the completion condition, start the next or complete the body.</summary>
    private void InnerInstanceDone(Inst i, TokenState u)
    {
        var body = i.Scope(u.ScopeId);
        if (body?.MultiInstance is not { } m) { i.S.Tokens.Remove(u); return; }
        var owner = i.Owner(body)!;
        var n = i.Node(owner);
        m.NrOfActive--;
        m.NrOfCompleted++;
        UpdateCounters(body);
        var done = false;
        if (n.MultiInstance!.CompletionCondition is { IsEmpty: false } cc)
        {
            var vars = new VariableScope(i, u);
            if (!Guard(i, owner, n, () => done = Evaluator.EvaluateCondition(cc.Body, vars))) { i.S.Tokens.Remove(u); return; }
        }
        i.S.Tokens.Remove(u);
        if (done)
        {
            foreach (var other in i.S.Tokens.Where(x => x.ScopeId == body.Id).ToList()) CancelToken(i, other);
            CompleteBody(i, owner, body);
            return;
        }
        if (m.Sequential && m.NextIndex < m.NrOfInstances) { StartInner(i, body, n); return; }
        if (m.NrOfActive <= 0 && !i.S.Tokens.Any(x => x.ScopeId == body.Id)) CompleteBody(i, owner, body);
    }

    private void CompleteBody(Inst i, TokenState owner, ScopeState body)
    {
        RemoveScopeListeners(i, body);
        i.S.Scopes.Remove(body);
        owner.Status = TokenStatus.Active;
        Leave(i, owner);
    }
}
