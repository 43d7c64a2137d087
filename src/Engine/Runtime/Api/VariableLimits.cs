using System.Text.Json.Nodes;

namespace EGov.Workflows.Runtime;

/// <summary>
/// How large variables may be. Every variable is kept in the instance document, copied into history on each change and
/// loaded with the instance, so one 29 MB value or 200,000 variables make every later command of that case slow and
/// the node's memory unpredictable. Checked before any work: a command's input over a limit is refused (400, nothing
/// changed); a script, mapping or worker result over a limit is an incident at its element.
/// </summary>
public sealed record VariableLimits
{
    /// <summary>Characters of a variable name.</summary>
    public int MaxNameLength { get; init; } = 256;

    /// <summary>Characters of one value: a string's length, or an object's or array's JSON text.</summary>
    public int MaxValueLength { get; init; } = 1024 * 1024;

    /// <summary>Variables one command may set at once (a start, a completion, a message).</summary>
    public int MaxVariablesPerCommand { get; init; } = 1_000;

    /// <summary>The defaults above.</summary>
    public static VariableLimits Default { get; } = new();

    /// <summary>Why a command's variables are refused, or null when they are within the limits.</summary>
    public string? CheckAll(JsonObject? variables)
    {
        if (variables is null) return null;
        if (variables.Count > MaxVariablesPerCommand)
            return $"{variables.Count} variables in one command; at most {MaxVariablesPerCommand} are accepted";
        foreach (var (name, value) in variables)
            if (Check(name, value) is { } problem) return problem;
        return null;
    }

    /// <summary>Why one variable is refused, or null when it is within the limits.</summary>
    public string? Check(string name, JsonNode? value)
    {
        if (name.Length > MaxNameLength)
            return $"a variable name of {name.Length} characters ('{name[..20]}…'); at most {MaxNameLength} are accepted";
        var length = Length(value);
        return length > MaxValueLength
            ? $"variable '{name}' holds {length} characters; at most {MaxValueLength} are accepted per variable (keep documents as attachments, not variables)"
            : null;
    }

    private long Length(JsonNode? value) => value switch
    {
        null => 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length,
        JsonValue => 0, // numbers and booleans are small
        _ => value.ToJsonString().Length,
    };
}

/// <summary>A command's variables exceed <see cref="VariableLimits"/>: refused before anything changed (an API answers 400).</summary>
public sealed class VariableLimitException : WorkflowCommandException
{
    public VariableLimitException() { }
    public VariableLimitException(string message) : base(message) { }
    public VariableLimitException(string message, Exception inner) : base(message, inner) { }
}
