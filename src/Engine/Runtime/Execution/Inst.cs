using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>An instance document loaded into a command, with the graph of its process definition.</summary>
internal sealed class Inst(ProcessInstanceState state, ProcessGraph graph)
{
    public ProcessInstanceState S { get; } = state;
    public ProcessGraph G { get; } = graph;
    public string Id => S.Id;

    /// <summary>How large variables written into this instance may be (the engine's limits).</summary>
    public VariableLimits VariableLimits { get; init; } = VariableLimits.Default;

    /// <summary>The command's history (null outside a command): local variables are recorded as they are written.</summary>
    public HistoryRecorder? History { get; init; }

    /// <summary>
    /// Sets a token's local variable (an input mapping, a loop counter, <c>setVariableLocal</c>) and records the change in the
    /// variable history — as it happens, since a token's locals are gone when it moves on, often within the same command.
    /// </summary>
    public void SetTokenLocal(TokenState t, string name, System.Text.Json.Nodes.JsonNode? value)
    {
        var locals = t.Locals ??= [];
        var existed = locals.TryGetPropertyValue(name, out var was);
        if (History is { Enabled: true } history && (!existed || !System.Text.Json.Nodes.JsonNode.DeepEquals(was, value)))
            history.LocalChanged(this, t, name, existed, was, value);
        locals[name] = value;
    }

    public TokenState? Token(string? id) => id is null ? null : S.Tokens.Find(t => t.Id == id);
    public ScopeState? Scope(string? id) => id is null ? null : S.Scopes.Find(s => s.Id == id);
    public ScopeState RootScope => S.Scopes.Find(s => s.Kind == ScopeKind.Process) ?? throw new InvalidOperationException($"instance {S.Id} has no process scope");
    public Node Node(TokenState t) => G.Node(t.ElementId);
    public string NextId(string prefix) => $"{S.Id}.{prefix}{++S.Sequence}";
    public bool Alive(TokenState t) => !S.IsEnded && S.Tokens.Contains(t);

    /// <summary>The token that owns the scope (null for the process scope).</summary>
    public TokenState? Owner(ScopeState scope) => Token(scope.OwnerTokenId);

    /// <summary>Is <paramref name="scopeId"/> the scope <paramref name="ancestorId"/> or nested in it?</summary>
    public bool IsWithin(string scopeId, string ancestorId)
    {
        for (var s = Scope(scopeId); s is not null; s = Scope(s.ParentScopeId))
            if (s.Id == ancestorId) return true;
        return false;
    }
}
