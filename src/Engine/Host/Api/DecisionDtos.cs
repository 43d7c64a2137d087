using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Decisions;

namespace EGov.Workflows.Host.Api;

/// <summary>A deployed version of a decision, with its inputs and outputs (what a designer's properties panel offers).</summary>
public sealed record DecisionDefinitionDto(string Key, string? Name, int Version, string File, string? VersionTag, string? HitPolicy, bool Latest,
    IReadOnlyList<DecisionInputInfo> Inputs, IReadOnlyList<DecisionOutputInfo> Outputs, DateTimeOffset DeployedAt)
{
    public static DecisionDefinitionDto From(DeployedDecision d, bool latest) =>
        new(d.Key, d.Name, d.Version, d.File, d.VersionTag, d.HitPolicy, latest, d.Inputs, d.Outputs, d.DeployedAt.ToDateTimeOffset());
}

/// <summary>Body of POST /api/decision-definitions/{key}/evaluate: the variables, optionally a version.</summary>
public sealed record EvaluateDecisionRequest(JsonObject? Variables, int? Version);

/// <summary>
/// One evaluation: the result (the decision's value), the Camunda-style result list (one entry per matched rule), the
/// rules that matched, every decision decided on the way with the values its table read, and why anything was null.
/// </summary>
public sealed record DecisionEvaluationDto(string Id, string DecisionKey, int Version, DateTimeOffset EvaluatedAt, string? ProcessInstanceId,
    string? ElementId, JsonObject Inputs, JsonNode? Result, IReadOnlyList<JsonObject> ResultList, IReadOnlyList<string> MatchedRules,
    JsonArray Decisions, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors)
{
    public static DecisionEvaluationDto From(DecisionEvaluationRecord r, DecisionRepository decisions) => new(r.Id, r.DecisionKey, r.Version,
        r.EvaluatedAt.ToDateTimeOffset(), r.ProcessInstanceId, r.ElementId, r.Inputs, r.Result, r.Failed ? [] : decisions.ResultList(r),
        r.MatchedRules, r.Decisions, r.Warnings, r.Errors);
}
