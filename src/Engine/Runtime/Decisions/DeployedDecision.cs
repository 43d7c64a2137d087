using System.Text.Json.Nodes;
using NodaTime;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>One deployed version of a decision, with what a designer's properties panel offers: its inputs and outputs.</summary>
public sealed record DeployedDecision(string Key, string? Name, int Version, string File, string? VersionTag, string? HitPolicy,
    IReadOnlyList<DecisionInputInfo> Inputs, IReadOnlyList<DecisionOutputInfo> Outputs, Instant DeployedAt);

/// <summary>A decision's input: a table column (label, expression, type, allowed values) or, for other logic, a required input.</summary>
public sealed record DecisionInputInfo(string? Id, string Label, string Expression, string? TypeRef, string? AllowedValues);

/// <summary>A decision's output: a table column (name, type, allowed values) or the decision's variable.</summary>
public sealed record DecisionOutputInfo(string? Id, string Name, string? Label, string? TypeRef, string? AllowedValues);

/// <summary>
/// One evaluation of a decision, kept for audit ("why was this fee charged"): the variables it saw, every decision it
/// decided with the values its tables read and the rules that matched, the result, and why anything was null.
/// </summary>
public sealed record DecisionEvaluationRecord(string Id, string DecisionKey, int Version, Instant EvaluatedAt,
    string? ProcessInstanceId, string? ElementId, JsonObject Inputs, IReadOnlyList<string> MatchedRules, JsonNode? Result,
    JsonArray Decisions, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors)
{
    public bool Failed => Errors.Count > 0;
}
