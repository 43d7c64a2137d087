namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// What one decision's evaluation did, for audit ("why was this fee charged"): the values its table read, the rules
/// that matched, what it decided, and why anything was null.
/// </summary>
public sealed record DecisionAudit(string? DecisionId, string DecisionName, IReadOnlyList<KeyValuePair<string, object?>> Inputs,
    IReadOnlyList<string> MatchedRules, object? Output, IReadOnlyList<string> Warnings);

/// <summary>
/// The result of evaluating a decision (and the decisions it requires): the value, and an audit entry per decision in
/// the order they were decided. <see cref="Errors"/> are the DMN errors that made a value null (two rules matched a
/// UNIQUE table, an input outside its allowed values, a missing decision); <see cref="Warnings"/> FEEL's nulls.
/// </summary>
public sealed record DecisionResult(object? Value, IReadOnlyList<DecisionAudit> Decisions, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public bool HasErrors => Errors.Count > 0;

    /// <summary>The rules matched by the decision asked for (its audit entry is the last).</summary>
    public IReadOnlyList<string> MatchedRules => Decisions.Count == 0 ? [] : Decisions[^1].MatchedRules;
}

/// <summary>A problem found while compiling a model (a FEEL syntax error, an unknown reference), with the element it is in.</summary>
public sealed record DmnCompileError(Model.DmnElement? Element, string Message, string? Expression = null, int? ExpressionOffset = null);
