using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions;

/// <summary>What an expression sees: process variables by name, nearest scope first.</summary>
public interface IVariableScope
{
    /// <summary>Looks a variable up through the scope chain. False when no scope holds it.</summary>
    bool TryGetVariable(string name, out JsonNode? value);

    /// <summary>Every variable name visible from here (all scopes of the chain).</summary>
    IEnumerable<string> VariableNames { get; }
}

/// <summary>What a script sees as <c>execution</c>.</summary>
public interface IScriptExecution : IVariableScope
{
    /// <summary>Camunda semantics: updates the variable in the nearest scope that has it, else sets it on the process instance.</summary>
    void SetVariable(string name, JsonNode? value);

    /// <summary>Sets the variable on the current execution's own scope.</summary>
    void SetVariableLocal(string name, JsonNode? value);

    /// <summary>Id of the process instance the script runs in.</summary>
    string ProcessInstanceId { get; }

    /// <summary>Business key of the process instance, if any.</summary>
    string? BusinessKey { get; }

    /// <summary>Id of the BPMN element the script belongs to.</summary>
    string ActivityId { get; }

    /// <summary>
    /// Looks a variable up on the current execution's own scope only (<c>execution.getVariableLocal</c>).
    /// The default falls back to the whole scope chain; implementations with real local scopes should override it.
    /// </summary>
    bool TryGetVariableLocal(string name, out JsonNode? value) => TryGetVariable(name, out value);
}
