using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.Decisions;
using EGov.Workflows.Runtime.Store;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence;

// Decisions (Schema/*/0005_decisions.sql): deployed versions with their DMN files, read back at start, and the
// evaluation history (written with the commit that evaluated: see ChangeSetWriter), queried here.
public sealed partial class EfRuntimeStore : IDecisionVersionStore
{
    public IReadOnlyList<StoredDecisionVersion> DecisionVersions(string tenantId)
    {
        using var db = _db.Create();
        return db.DecisionDeployments.Where(d => d.TenantId == tenantId).OrderBy(d => d.DecisionKey).ThenBy(d => d.Version).AsEnumerable()
            .Select(d => new StoredDecisionVersion(d.DecisionKey, d.Version, d.File, d.ContentHash, d.DmnXml, Ticks.At(d.DeployedAt)))
            .ToList();
    }

    public void AddDecisionVersions(string tenantId, IReadOnlyList<StoredDecisionVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0) return;
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        db.DecisionDeployments.AddRange(versions.Select(v => new DecisionDeploymentRow
        {
            TenantId = tenantId, DecisionKey = v.Key, Version = v.Version, ContentHash = v.ContentHash, File = v.File, DmnXml = v.Xml,
            DeployedAt = Ticks.Of(v.DeployedAt),
        }));
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException e) when (Data.Sql.Conflicts.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException("another node deployed a version of the same decision at the same time; deploy again", e);
        }
        tx.Commit();
    }

    public IReadOnlyList<DecisionEvaluationRecord> DecisionHistory(string tenantId, DecisionHistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var db = _db.Create();
        var rows = db.HistoryDecisions.Where(h => h.TenantId == tenantId);
        if (query.DecisionKey is { } key) rows = rows.Where(h => h.DecisionKey == key);
        if (query.ProcessInstanceId is { } instance) rows = rows.Where(h => h.ProcessInstanceId == instance);
        if (query.RootInstanceId is { } root) rows = rows.Where(h => h.RootInstanceId == root);
        if (query.Id is { } id) rows = rows.Where(h => h.Id == id);
        rows = rows.OrderBy(h => h.Seq);
        if (query.Offset > 0) rows = rows.Skip(query.Offset);
        if (query.Limit < int.MaxValue) rows = rows.Take(query.Limit);
        return rows.AsEnumerable().Select(h => new DecisionEvaluationRecord(h.Id, h.DecisionKey, h.Version, Ticks.At(h.EvaluatedAt),
            h.ProcessInstanceId, h.ElementId, JsonNode.Parse(h.Inputs) as JsonObject ?? [], DecisionJson.ReadStrings(h.MatchedRules),
            h.Result is null ? null : JsonNode.Parse(h.Result), JsonNode.Parse(h.Decisions) as JsonArray ?? [], DecisionJson.ReadStrings(h.Warnings),
            DecisionJson.ReadStrings(h.Errors), h.RootInstanceId)).ToList();
    }
}

/// <summary>Lists of strings in the decision history's JSON columns.</summary>
internal static class DecisionJson
{
    public static string Strings(IReadOnlyList<string> values) => new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()).ToJsonString();

    public static IReadOnlyList<string> ReadStrings(string json) =>
        JsonNode.Parse(json) is JsonArray a ? a.Select(n => n?.GetValue<string>() ?? "").ToArray() : [];
}
