namespace EGov.Workflows.Expressions;

/// <summary>
/// An expression or script failed: it threw, hit a sandbox limit, reached for something outside
/// the sandbox, or did not parse. The message is fit for an incident, e.g.
/// "ReferenceError: foo is not defined" or "script exceeded its time limit of 2s".
/// </summary>
public sealed class ScriptException(string message) : Exception(message);
