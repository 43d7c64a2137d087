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
/// <remarks>
/// Kept by the engine's store like the rest of the history: an evaluation by a business rule task is written in the
/// command's transaction (with the root instance tree it belongs to, and deleted with it by retention); a direct
/// evaluation (the API, <c>egov decide</c> against a server) on its own.
/// </remarks>
public sealed record DecisionEvaluationRecord(string Id, string DecisionKey, int Version, Instant EvaluatedAt,
    string? ProcessInstanceId, string? ElementId, JsonObject Inputs, IReadOnlyList<string> MatchedRules, JsonNode? Result,
    JsonArray Decisions, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors, string? RootInstanceId = null)
{
    public bool Failed => Errors.Count > 0;
}

/// <summary>
/// Which decision evaluations to read (every given filter applies), oldest first, from <paramref name="Offset"/>, at most
/// <paramref name="Limit"/>.
/// </summary>
public sealed record DecisionHistoryQuery(string? DecisionKey = null, string? ProcessInstanceId = null, string? RootInstanceId = null,
    string? Id = null, int Offset = 0, int Limit = int.MaxValue);
