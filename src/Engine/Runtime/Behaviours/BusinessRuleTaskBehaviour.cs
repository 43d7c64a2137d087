using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Decisions;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>
/// A business rule task bound to a deployed decision as in Camunda 7: <c>camunda:decisionRef</c> (an expression
/// allowed), <c>camunda:decisionRefBinding</c> (latest, version, versionTag; deployment is read as latest),
/// <c>camunda:decisionRefVersion</c>, <c>camunda:decisionRefVersionTag</c>, <c>camunda:decisionRefTenantId</c>; the result goes to
/// <c>camunda:resultVariable</c> shaped by <c>camunda:mapDecisionResult</c> (resultList by default, singleEntry,
/// singleResult, collectEntries). The decision sees every variable visible at the task. A decision error (two rules
/// under UNIQUE, an unknown decision, a result that does not fit the mapping) opens an incident at the task with the
/// message. Without decisionRef the task is bound like a service task (external, expression, activity).
/// </summary>
internal sealed class BusinessRuleTaskBehaviour : IBehaviour
{
    private readonly ServiceTaskBehaviour _service = new();

    public void Execute(ActivityExecution ctx)
    {
        var e = ctx.Node.Impl;
        if (e.CamundaAttribute("decisionRef") is not { Length: > 0 } reference)
        {
            _service.Execute(ctx);
            return;
        }
        var runner = ctx.Runner;
        var key = runner.EvaluateString(reference, ctx.Variables) ?? reference;
        var binding = (e.CamundaAttribute("decisionRefBinding") ?? "latest").Trim();
        int? version = null;
        string? tag = null;
        if (binding == "version")
        {
            var text = runner.EvaluateString(e.CamundaAttribute("decisionRefVersion"), ctx.Variables);
            if (!int.TryParse(text, out var v))
                throw new IncidentException(IncidentKind.FailedExpression, $"decisionRefBinding=\"version\" needs a decisionRefVersion number, not '{text}'");
            version = v;
        }
        else if (binding == "versionTag") tag = runner.EvaluateString(e.CamundaAttribute("decisionRefVersionTag"), ctx.Variables);
        if (runner.EvaluateString(e.CamundaAttribute("decisionRefTenantId"), ctx.Variables) is { Length: > 0 } tenant && tenant != ctx.Inst.S.TenantId)
            throw new IncidentException(IncidentKind.FailedExpression, $"decision '{key}' of tenant '{tenant}' is not visible to tenant '{ctx.Inst.S.TenantId}'");

        var variables = new JsonObject();
        foreach (var name in ctx.Variables.VariableNames.Distinct(StringComparer.Ordinal))
            if (ctx.Variables.TryGetVariable(name, out var value)) variables[name] = value?.DeepClone();
        var decisions = runner.Core.Decisions;
        var record = decisions.Evaluate(key, variables, version, tag, ctx.Inst.Id, ctx.Node.Id, ctx.Inst.S.RootInstanceId);
        // Kept with the command (in its transaction), whether the decision failed or not: the incident's why stays readable.
        runner.Changes.DecisionHistory.Add(record);
        if (record.Failed)
            throw new IncidentException(IncidentKind.FailedExpression, $"decision '{key}': {string.Join("; ", record.Errors)}");

        var mapping = (e.CamundaAttribute("mapDecisionResult") ?? "resultList").Trim();
        var mapped = Map(decisions.ResultList(record), mapping, key);
        if (e.CamundaAttribute("resultVariable") is { Length: > 0 } rv) ctx.Variables.SetVariable(rv, mapped);
        ctx.Leave();
    }

    public void Trigger(ActivityExecution ctx, JsonObject? variables) => _service.Trigger(ctx, variables);

    /// <summary>Camunda 7's decision result mappers.</summary>
    internal static JsonNode? Map(IReadOnlyList<JsonObject> results, string mapping, string key)
    {
        switch (mapping)
        {
            case "singleEntry":
                if (results.Count == 0) return null;
                if (results.Count > 1) throw Mapping(key, mapping, $"{results.Count} rules matched");
                if (results[0].Count != 1) throw Mapping(key, mapping, $"the result has {results[0].Count} entries");
                return results[0].First().Value?.DeepClone();
            case "singleResult":
                if (results.Count == 0) return null;
                if (results.Count > 1) throw Mapping(key, mapping, $"{results.Count} rules matched");
                return results[0].DeepClone();
            case "collectEntries":
                if (results.Any(r => r.Count != 1)) throw Mapping(key, mapping, "a result has more than one entry");
                return new JsonArray(results.Select(r => r.First().Value?.DeepClone()).ToArray());
            case "resultList":
                return new JsonArray(results.Select(r => (JsonNode?)r.DeepClone()).ToArray());
            default:
                throw new IncidentException(IncidentKind.FailedExpression, $"unknown mapDecisionResult '{mapping}' (singleEntry, singleResult, collectEntries or resultList)");
        }
    }

    private static IncidentException Mapping(string key, string mapping, string why) =>
        new(IncidentKind.FailedExpression, $"decision '{key}': the result cannot be mapped with mapDecisionResult=\"{mapping}\": {why}");
}
