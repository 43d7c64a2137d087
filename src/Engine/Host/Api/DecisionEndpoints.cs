using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// Decisions (DMN): the deployed definitions with their inputs and outputs, direct evaluation with variables, and the
/// evaluation history for audit (every evaluation, by a business rule task or through this API).
/// </summary>
internal static class DecisionEndpoints
{
    public static void MapDecisionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/decision-definitions", (HttpContext http, int? offset, int? limit) =>
            {
                var decisions = http.Tenant().Engine.Decisions;
                var latest = decisions.Latest().ToDictionary(d => d.Key, d => d.Version, StringComparer.Ordinal);
                var all = decisions.All().Select(d => DecisionDefinitionDto.From(d, latest[d.Key] == d.Version)).ToList();
                return Results.Ok(Page<DecisionDefinitionDto>.Of(all, PageRequest.From(offset, limit)));
            })
            .WithName("ListDecisionDefinitions").RequirePermission(Permission.DecisionRead)
            .WithSummary("Every deployed version of every decision of the tenant, with inputs and outputs (?offset=&limit=)")
            .Produces<Page<DecisionDefinitionDto>>();

        api.MapGet("/decision-definitions/{key}", (HttpContext http, string key, int? version) =>
            {
                var decisions = http.Tenant().Engine.Decisions;
                var d = decisions.Find(key, version) ?? throw ApiProblemException.NotFound(
                    $"decision '{key}'{(version is { } v ? $" version {v}" : "")} is not deployed for tenant '{http.Tenant().TenantId}'");
                return Results.Ok(DecisionDefinitionDto.From(d, decisions.Find(key)?.Version == d.Version));
            })
            .WithName("GetDecisionDefinition").RequirePermission(Permission.DecisionRead)
            .WithSummary("A decision (latest, or ?version=) with its inputs (label, expression, type, allowed values) and outputs")
            .Produces<DecisionDefinitionDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/decision-definitions/{key}/evaluate", (HttpContext http, string key, EvaluateDecisionRequest? body) =>
            {
                var engine = http.Tenant().Engine;
                if (engine.Decisions.Find(key, body?.Version) is null)
                    throw ApiProblemException.NotFound($"decision '{key}'{(body?.Version is { } v ? $" version {v}" : "")} is not deployed for tenant '{http.Tenant().TenantId}'");
                var record = engine.EvaluateDecision(key, body?.Variables, body?.Version);
                if (record.Failed)
                    throw new ApiProblemException(422, "Decision failed", $"decision '{key}': {string.Join("; ", record.Errors)} (evaluation {record.Id})");
                return Results.Ok(DecisionEvaluationDto.From(record, engine.Decisions));
            })
            .WithName("EvaluateDecision").RequirePermission(Permission.DecisionEvaluate)
            .WithSummary("Evaluate a decision with variables: the result, the matched rules and the audit of every decision decided")
            .WithDescription("Body: {\"variables\": {\"name\": value, …}, \"version\": n?}. A DMN error (two rules under UNIQUE, an input outside its allowed values) answers 422; the evaluation is kept in the history either way.")
            .Produces<DecisionEvaluationDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody("{\"variables\": {…}, \"version\": n?}"));

        api.MapGet("/decision-evaluations", (HttpContext http, string? decisionKey, string? processInstanceId, int? offset, int? limit) =>
            {
                var decisions = http.Tenant().Engine.Decisions;
                var page = PageRequest.From(offset, limit);
                // Paged in the store (the history grows without bound): no total.
                var items = decisions.History(decisionKey, processInstanceId, page.Offset, page.Limit).Select(r => DecisionEvaluationDto.From(r, decisions)).ToList();
                return Results.Ok(new Page<DecisionEvaluationDto>(items, page.Offset, page.Limit, null));
            })
            .WithName("ListDecisionEvaluations").RequirePermission(Permission.HistoryRead)
            .WithSummary("Evaluation history for audit, oldest first: inputs, matched rules, outputs (?decisionKey=&processInstanceId=&offset=&limit=)")
            .Produces<Page<DecisionEvaluationDto>>();

        api.MapGet("/decision-evaluations/{id}", (HttpContext http, string id) =>
            {
                var decisions = http.Tenant().Engine.Decisions;
                var record = decisions.FindEvaluation(id) ?? throw ApiProblemException.NotFound($"no decision evaluation '{id}' for tenant '{http.Tenant().TenantId}'");
                return Results.Ok(DecisionEvaluationDto.From(record, decisions));
            })
            .WithName("GetDecisionEvaluation").RequirePermission(Permission.HistoryRead)
            .WithSummary("One decision evaluation: inputs, matched rules, outputs, warnings and errors")
            .Produces<DecisionEvaluationDto>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
