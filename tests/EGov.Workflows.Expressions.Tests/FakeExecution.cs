using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;

namespace EGov.Workflows.Expressions.Tests;

/// <summary>A two-level scope chain: a local scope over the process instance scope.</summary>
internal sealed class FakeExecution : IScriptExecution
{
    public Dictionary<string, JsonNode?> Local { get; } = new();
    public Dictionary<string, JsonNode?> Instance { get; } = new();

    public FakeExecution(params (string Name, JsonNode? Value)[] instanceVariables)
    {
        foreach (var (name, value) in instanceVariables)
            Instance[name] = value;
    }

    public static FakeExecution With(string json)
    {
        var execution = new FakeExecution();
        foreach (var (key, value) in JsonNode.Parse(json)!.AsObject())
            execution.Instance[key] = value?.DeepClone();
        return execution;
    }

    public string ProcessInstanceId { get; init; } = "pi-1";
    public string? BusinessKey { get; init; } = "AZ-2026-0042";
    public string ActivityId { get; init; } = "Task_Pruefen";

    public IEnumerable<string> VariableNames => Local.Keys.Union(Instance.Keys);

    public bool TryGetVariable(string name, out JsonNode? value) =>
        Local.TryGetValue(name, out value) || Instance.TryGetValue(name, out value);

    public bool TryGetVariableLocal(string name, out JsonNode? value) => Local.TryGetValue(name, out value);

    public void SetVariable(string name, JsonNode? value)
    {
        if (Local.ContainsKey(name)) Local[name] = value;
        else Instance[name] = value;
    }

    public void SetVariableLocal(string name, JsonNode? value) => Local[name] = value;
}

/// <summary>A read-only scope, as a sequence flow condition sees it.</summary>
internal sealed class Scope(Dictionary<string, JsonNode?> variables) : IVariableScope
{
    public static Scope Of(string json) =>
        new(JsonNode.Parse(json)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone()));

    public IEnumerable<string> VariableNames => variables.Keys;

    public bool TryGetVariable(string name, out JsonNode? value) => variables.TryGetValue(name, out value);
}
