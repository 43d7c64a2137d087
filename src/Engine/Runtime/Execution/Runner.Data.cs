using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>
    /// camunda:inputParameter, as Camunda 7 maps them: each value is read from outside the activity (its outer scope),
    /// so an input parameter does not see another one, not even one declared before it; then all become the activity
    /// instance's local variables.
    /// </summary>
    private void ApplyInputs(Inst i, TokenState t, Node n)
    {
        var inputs = n.Ext.Inputs;
        if (inputs.Count == 0) return;
        var vars = new VariableScope(i, t);
        var values = new JsonNode?[inputs.Count];
        for (var k = 0; k < inputs.Count; k++) values[k] = Evaluate(inputs[k].Value, vars, i, t);
        for (var k = 0; k < inputs.Count; k++) vars.SetVariableLocal(inputs[k].Name, values[k]);
    }

    /// <summary>
    /// camunda:outputParameter, one after another as Camunda 7 maps them: each is evaluated inside the activity (its
    /// local variables first) and set outside it (Camunda's setVariable: where the variable exists, else on the process),
    /// so a later output parameter sees what an earlier one set. If one fails, those set before it are put back.
    /// </summary>
    private void ApplyOutputs(Inst i, TokenState t, Node n)
    {
        var outputs = n.Ext.Outputs;
        if (outputs.Count == 0) return;
        var inner = new VariableScope(i, t);
        var outer = new VariableScope(i, null, t.ScopeId);
        var undo = new List<Action>(outputs.Count);
        try
        {
            foreach (var p in outputs) undo.Add(outer.SetVariableUndoable(p.Name, Evaluate(p.Value, inner, i, t)));
        }
        catch
        {
            for (var k = undo.Count - 1; k >= 0; k--) undo[k]();
            throw;
        }
    }

    /// <summary>
    /// A parameter's value: an empty body is null, text is a constant or an expression, lists and maps are built
    /// item by item (a map entry's key may be an expression too), a script's value is its last expression's.
    /// </summary>
    public JsonNode? Evaluate(ParamValue value, VariableScope vars, Inst i, TokenState t) => value switch
    {
        ParamValue.Null => null,
        ParamValue.Text x => EvaluateAttribute(x.Value, vars),
        ParamValue.List l => new JsonArray(l.Items.Select(e => Evaluate(e, vars, i, t)).ToArray()),
        ParamValue.Map m => EvaluateMap(m, vars, i, t),
        ParamValue.Script s => RunScriptValue(s, i, t),
        _ => null,
    };

    private JsonObject EvaluateMap(ParamValue.Map m, VariableScope vars, Inst i, TokenState t)
    {
        var map = new JsonObject();
        foreach (var (key, value) in m.Entries)
            map[EvaluateString(key, vars) ?? "null"] = Evaluate(value, vars, i, t);
        return map;
    }

    private JsonNode? RunScriptValue(ParamValue.Script s, Inst i, TokenState t)
    {
        CheckScriptFormat(s.Format);
        var vars = new VariableScope(i, t).Buffered();
        var result = Evaluator.RunScript(s.Source, vars);
        vars.Flush();
        return result;
    }

    public static void CheckScriptFormat(string? format)
    {
        var f = format?.Trim().ToLowerInvariant();
        if (f is not ("javascript" or "js" or "ecmascript" or "text/javascript" or "application/javascript"))
            throw new IncidentException(IncidentKind.FailedScript, $"script format '{format}' is not supported (javascript only)");
    }

    /// <summary>Camunda JUEL properties that are methods in our JavaScript <c>execution</c> object.</summary>
    public static string Juel(string expression) => expression
        .Replace("execution.processBusinessKey", "execution.getProcessBusinessKey()", StringComparison.Ordinal)
        .Replace("execution.businessKey", "execution.getBusinessKey()", StringComparison.Ordinal)
        .Replace("execution.processInstanceId", "execution.getProcessInstanceId()", StringComparison.Ordinal)
        .Replace("execution.activityId", "execution.getActivityId()", StringComparison.Ordinal)
        .Replace("execution.currentActivityId", "execution.getCurrentActivityId()", StringComparison.Ordinal);

    /// <summary>Evaluates a Camunda attribute that may be an expression; plain text stays text.</summary>
    public JsonNode? EvaluateAttribute(string text, VariableScope vars) =>
        text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal)
            ? Evaluator.Evaluate(Juel(text), vars) : JsonValue.Create(text);

    public string? EvaluateString(string? text, VariableScope vars)
    {
        if (text is null) return null;
        var v = EvaluateAttribute(text, vars);
        return v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString();
    }

    /// <summary>camunda:taskListener scripts (create, complete, …): <c>task</c> is the execution, as far as variables go.</summary>
    public void RunTaskListeners(Inst i, TokenState t, Node n, string ev)
    {
        foreach (var l in n.Ext.TaskListeners)
        {
            if (l.Event != ev) continue;
            var vars = new VariableScope(i, t, elementId: n.Id).Buffered();
            if (l.Script is { } script) Evaluator.RunScript("var task = execution;\n" + script, vars);
            else if (l.Expression is { } expr) Evaluator.Evaluate(Juel(expr), vars);
            vars.Flush();
        }
    }

    private void RunListeners(Inst i, TokenState t, Node n, string ev)
    {
        foreach (var l in n.Ext.Listeners)
            if (l.Event == ev) RunListener(i, t, n, l);
    }

    private void RunListener(Inst i, TokenState t, Node n, Listener l)
    {
        var vars = new VariableScope(i, t, elementId: n.Id).Buffered();
        if (l.Script is { } script) Evaluator.RunScript(script, vars);
        else if (l.Expression is { } expr) Evaluator.Evaluate(Juel(expr), vars);
        vars.Flush();
    }

    // ---------- call activities ----------

    /// <summary>
    /// Starts the called process with the camunda:in variables and business key; the caller token waits.
    /// As in Camunda 7: a source that is not set passes null; <c>local="true"</c> reads only the call activity's own
    /// local variables (its input parameters), for <c>variables="all"</c>, a source and a sourceExpression alike.
    /// </summary>
    public void CallProcess(Inst i, TokenState t, Node n)
    {
        var ca = (Model.CallActivity)n.Element;
        var vars = new VariableScope(i, t);
        var processId = EvaluateString(ca.CalledElement, vars) ?? "";
        var g = Core.Latest(processId) ?? throw new IncidentException(IncidentKind.FailedActivity, $"called process '{processId}' is not deployed");
        var input = new JsonObject();
        string? businessKey = null;
        foreach (var m in n.Ext.In)
        {
            if (m.BusinessKey is { } bk) { businessKey = EvaluateString(Juel(bk), vars); continue; }
            var source = m.Local ? new VariableScope(i, t).LocalOnly() : vars;
            if (m.All) { foreach (var kv in source.Snapshot()) input[kv.Key] = kv.Value?.DeepClone(); continue; }
            if (Mapped(m, source) is { } mapped) input[mapped.Target] = mapped.Value;
        }
        t.Status = TokenStatus.Waiting;
        var child = StartInstance(g, input, businessKey, null, i, t);
        t.CalledInstanceId = child.Id;
        i.S.CalledInstanceIds.Add(child.Id);
    }

    /// <summary>The value one camunda:in or camunda:out with a source or sourceExpression maps: null when the source is not set.</summary>
    private (string Target, JsonNode? Value)? Mapped(VariableMapping m, VariableScope source)
    {
        var target = m.Target ?? m.Source;
        if (target is null) return null;
        if (m.SourceExpression is { } se) return (target, Evaluator.Evaluate(Juel(se), source)?.DeepClone());
        if (m.Source is { } src) return (target, source.GetOrNull(src)?.DeepClone());
        return null;
    }

    /// <summary>The called instance completed: camunda:out variables go back and the call activity completes.</summary>
    private void ResumeCaller(Inst child, string parentId)
    {
        var parent = Load(parentId);
        if (parent is null || parent.S.IsEnded) return;
        var t = parent.Token(child.S.ParentTokenId);
        if (t is null || t.CalledInstanceId != child.Id) return;
        var n = parent.Node(t);
        if (!Guard(parent, t, n, () => PassOutputVariables(parent, t, n, child))) return;
        t.CalledInstanceId = null;
        t.Status = TokenStatus.Active;
        Leave(parent, t);
    }

    /// <summary>
    /// camunda:out: the called instance's process variables named by the mappings are written into the calling token's
    /// scopes — when the called instance completes, and also when a BPMN error or an escalation from it passes the
    /// call activity on its way to a handler (Camunda 7: "Variable Output on BPMN Error Event"; escalation events:
    /// "the defined output variables of the call activity are passed to the upper scope"). A source that is not set
    /// maps null. Every value is read before any is written; as in Camunda, the mappings without <c>local</c> are set
    /// first (where the variable exists, else on the process), then those with <c>local="true"</c> on the call activity.
    /// </summary>
    private void PassOutputVariables(Inst parent, TokenState t, Node n, Inst child)
    {
        if (n.Ext.Out.Count == 0) return;
        var childVars = new VariableScope(child, null, child.S.Scopes.Find(s => s.Kind == ScopeKind.Process)?.Id);
        var values = new List<(string Name, JsonNode? Value, bool Local)>();
        foreach (var m in n.Ext.Out)
        {
            if (m.All) { foreach (var kv in childVars.Snapshot()) values.Add((kv.Key, kv.Value?.DeepClone(), m.Local)); continue; }
            if (Mapped(m, childVars) is { } mapped) values.Add((mapped.Target, mapped.Value, m.Local));
        }
        var target = new VariableScope(parent, t);
        foreach (var (name, value, _) in values.Where(v => !v.Local)) target.SetVariable(name, value);
        foreach (var (name, value, _) in values.Where(v => v.Local)) target.SetVariableLocal(name, value);
    }

    // ---------- ad-hoc subprocess ----------

    /// <summary>An ad-hoc subprocess starts every inner activity that has no incoming flow.</summary>
    public void StartAdHoc(Inst i, ScopeState scope, ScopeDef def)
    {
        foreach (var n in def.Nodes)
        {
            if (n.Incoming.Count > 0 || n.Kind is NodeKind.BoundaryEvent or NodeKind.StartEvent or NodeKind.EventSubProcess || n.IsForCompensation) continue;
            var t = NewToken(i, scope.Id, n.Id);
            Enter(i, t, n, null);
        }
    }

    /// <summary>After an inner activity of an ad-hoc subprocess ended: its completionCondition may end it early. True when it completed.</summary>
    private bool AdHocDone(Inst i, ScopeState scope)
    {
        scope.CompletedActivities++;
        var owner = i.Owner(scope);
        if (owner is null) return false;
        var adhoc = (Model.AdHocSubProcess)i.Node(owner).Element;
        if (adhoc.CompletionCondition is not { IsEmpty: false } cc) return false;
        var done = false;
        if (!Guard(i, owner, i.Node(owner), () => done = Evaluator.EvaluateCondition(cc.Body, new VariableScope(i, null, scope.Id)))) return true;
        if (!done) return false;
        if (adhoc.CancelRemainingInstances) CancelTokensIn(i, scope);
        if (i.S.Tokens.Any(x => x.ScopeId == scope.Id)) return true;
        CompleteScope(i, scope);
        return true;
    }
}
