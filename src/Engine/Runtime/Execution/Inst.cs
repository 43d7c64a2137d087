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
