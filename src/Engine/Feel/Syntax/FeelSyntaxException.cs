namespace EGov.Workflows.Feel.Syntax;

/// <summary>A FEEL expression that does not parse: the message names the position (1-based column) in the expression.</summary>
public sealed class FeelSyntaxException(string message, int offset, string expression)
    : Exception($"FEEL syntax error at column {offset + 1}: {message}")
{
    /// <summary>0-based offset into <see cref="Expression"/>.</summary>
    public int Offset { get; } = offset;
    public string Expression { get; } = expression;
    public string Reason { get; } = message;
}
