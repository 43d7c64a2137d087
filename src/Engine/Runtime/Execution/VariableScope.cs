using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// Variables as a token sees them: its own locals, then its scope, then the owner token's locals and the parent scope,
/// up to the process. Writes follow Camunda: update where the variable exists, else create it on the process scope.
/// With <see cref="Buffered"/>, writes are held back until <see cref="Flush"/> (a script that throws changes nothing).
/// </summary>
internal sealed class VariableScope : IScriptExecution
{
    private readonly Inst _inst;
    private readonly TokenState? _token;
    private readonly string _scopeId;
    private readonly string _elementId;
    private List<(string Name, JsonNode? Value, bool Local)>? _pending;
    private bool _localOnly;

    public VariableScope(Inst inst, TokenState? token, string? scopeId = null, string? elementId = null)
    {
        _inst = inst;
        _token = token;
        _scopeId = scopeId ?? token?.ScopeId ?? inst.RootScope.Id;
        _elementId = elementId ?? token?.ElementId ?? inst.S.ProcessId;
    }

    public VariableScope Buffered()
    {
        _pending = [];
        return this;
    }

    /// <summary>
    /// For reading only: the token's own local variables (an activity's input parameters), or the scope's own when
    /// there is no token — what Camunda's <c>local="true"</c> on camunda:in reads. Nothing of the enclosing scopes.
    /// </summary>
    public VariableScope LocalOnly()
    {
        _localOnly = true;
        return this;
    }

    /// <summary>
    /// <c>setVariableLocal</c> writes to the enclosing scope (the subprocess, or the process), not to the token: what Camunda 7
    /// does for an activity that is no scope of its own (no input/output mapping, no boundary event, not a multi-instance
    /// inner activity), whose execution is its enclosing scope's.
    /// </summary>
    public VariableScope LocalsOnScope()
    {
        _localsOnScope = true;
        return this;
    }

    private bool _localsOnScope;

    public string ProcessInstanceId => _inst.S.Id;
    /// <summary>The id of the process (definition) the instance runs.</summary>
    public string ProcessId => _inst.G.ProcessId;
    public string? BusinessKey => _inst.S.BusinessKey;
    public string ActivityId => _elementId;

    private IEnumerable<JsonObject> Chain()
    {
        if (_localOnly)
        {
            if (_token is not null) { if (_token.Locals is { } own) yield return own; }
            else if (_inst.Scope(_scopeId) is { } scope) yield return scope.Variables;
            yield break;
        }
        if (_token?.Locals is { } l) yield return l;
        for (var s = _inst.Scope(_scopeId); s is not null; s = _inst.Scope(s.ParentScopeId))
        {
            yield return s.Variables;
            if (_inst.Owner(s)?.Locals is { } ol) yield return ol;
        }
    }

    /// <summary>The variable's value, or null when it is not set.</summary>
    public JsonNode? GetOrNull(string name) => TryGetVariable(name, out var value) ? value : null;

    public bool TryGetVariable(string name, out JsonNode? value)
    {
        if (_pending is not null)
            for (var i = _pending.Count - 1; i >= 0; i--)
                if (_pending[i].Name == name) { value = _pending[i].Value; return true; }
        foreach (var vars in Chain())
            if (vars.TryGetPropertyValue(name, out value)) return true;
        value = null;
        return false;
    }

    public bool TryGetVariableLocal(string name, out JsonNode? value)
    {
        var local = _token?.Locals ?? _inst.Scope(_scopeId)?.Variables;
        value = null;
        return local is not null && local.TryGetPropertyValue(name, out value);
    }

    public IEnumerable<string> VariableNames
    {
        get
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vars in Chain()) foreach (var kv in vars) names.Add(kv.Key);
            if (_pending is not null) foreach (var p in _pending) names.Add(p.Name);
            return names;
        }
    }

    /// <summary>All visible variables, nearest scope winning (what camunda:in variables="all" passes on).</summary>
    public JsonObject Snapshot()
    {
        var result = new JsonObject();
        foreach (var vars in Chain().Reverse())
            foreach (var kv in vars) result[kv.Key] = kv.Value?.DeepClone();
        return result;
    }

    public void SetVariable(string name, JsonNode? value)
    {
        if (_pending is not null) { _pending.Add((name, value?.DeepClone(), false)); return; }
        Set(name, value);
    }

    /// <summary>Sets at once, as <see cref="SetVariable"/> unbuffered does, and returns what puts the previous state back.</summary>
    public Action SetVariableUndoable(string name, JsonNode? value)
    {
        Check(name, value);
        value = value?.Parent is null ? value : value.DeepClone();
        var target = _inst.RootScope.Variables;
        foreach (var vars in Chain())
            if (vars.ContainsKey(name)) { target = vars; break; }
        var existed = target.TryGetPropertyValue(name, out var previous);
        target[name] = value;
        return () =>
        {
            if (existed) target[name] = previous;
            else target.Remove(name);
        };
    }

    public void SetVariableLocal(string name, JsonNode? value)
    {
        if (_pending is not null) { _pending.Add((name, value?.DeepClone(), true)); return; }
        SetLocal(name, value);
    }

    public void Flush()
    {
        if (_pending is null) return;
        var p = _pending;
        _pending = null;
        foreach (var (n, v, local) in p) { if (local) SetLocal(n, v); else Set(n, v); }
    }

    /// <summary>A value a script, mapping or worker produced over the limits: an incident at the element, nothing stored.</summary>
    private void Check(string name, JsonNode? value)
    {
        if (_inst.VariableLimits.Check(name, value) is { } problem)
            throw new IncidentException(IncidentKind.FailedExpression, $"{_elementId}: {problem}");
    }

    private void Set(string name, JsonNode? value)
    {
        Check(name, value);
        value = value?.Parent is null ? value : value.DeepClone();
        foreach (var vars in Chain())
            if (vars.ContainsKey(name)) { vars[name] = value; return; }
        _inst.RootScope.Variables[name] = value;
    }

    private void SetLocal(string name, JsonNode? value)
    {
        Check(name, value);
        value = value?.Parent is null ? value : value.DeepClone();
        if (_token is not null && !_localsOnScope) _inst.SetTokenLocal(_token, name, value);
        else (_inst.Scope(_scopeId) ?? _inst.RootScope).Variables[name] = value;
    }

    public void SetAll(JsonObject? variables)
    {
        if (variables is null || variables.Count == 0) return;
        foreach (var kv in variables) SetVariable(kv.Key, kv.Value?.DeepClone());
    }
}
