using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Values;
using EGov.Workflows.Model.Xml;
using NodaTime;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>
/// The decisions an engine has deployed, versioned like processes: a decision (by id, its key) whose file is unchanged
/// keeps its version, a changed one becomes n+1. Each version keeps its compiled model; models import each other by
/// namespace among the files deployed together and the latest deployed. Every evaluation is logged for audit.
/// Thread-safe.
/// </summary>
public sealed class DecisionRepository(IClock clock, DateTimeZone zone)
{
    private sealed record Version(DeployedDecision Info, DmnDefinitions Definitions, DecisionModel Model, string Hash);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Version>> _versions = new(StringComparer.Ordinal);
    private readonly List<DecisionEvaluationRecord> _log = [];
    private long _sequence;

    /// <summary>Deploys every decision of the files, all or nothing; a model that does not compile is refused with positions.</summary>
    public IReadOnlyList<DeployedDecision> Deploy(IEnumerable<(string File, DmnDefinitions Definitions)> files)
    {
        var list = files.ToList();
        lock (_lock)
        {
            var library = list.Select(f => f.Definitions).Concat(_versions.Values.Select(v => v[^1].Definitions)).ToList();
            var problems = new List<string>();
            var compiled = new List<(string File, DmnDefinitions Definitions, DecisionModel Model, string Hash)>();
            foreach (var (file, defs) in list)
            {
                var model = DecisionModel.Compile(defs, library);
                foreach (var e in model.Errors)
                {
                    var at = e.Element?.Position is { IsKnown: true } p ? p : new SourcePosition(1, 1);
                    problems.Add($"{file}:{at.Line}:{at.Column}: error: {e.Message}{(e.Element?.Id is { } id ? $" in '{id}'" : "")}");
                }
                compiled.Add((file, defs, model, Hash(XmlTreeWriter.WriteString(defs.Source))));
            }
            if (problems.Count > 0) throw new DeploymentException(problems);
            var result = new List<DeployedDecision>();
            var now = clock.GetCurrentInstant();
            foreach (var (file, defs, model, hash) in compiled)
            {
                foreach (var d in defs.Decisions)
                {
                    var key = d.Id ?? d.Name;
                    if (!_versions.TryGetValue(key, out var versions)) _versions[key] = versions = [];
                    if (versions.Count > 0 && versions[^1].Hash == hash) { result.Add(versions[^1].Info); continue; }
                    var info = Describe(defs, d, key, versions.Count + 1, file, now);
                    versions.Add(new Version(info, defs, model, hash));
                    result.Add(info);
                }
            }
            return result;
        }
    }

    /// <summary>The latest version of every decision.</summary>
    public IReadOnlyList<DeployedDecision> Latest()
    {
        lock (_lock) return _versions.Values.Select(v => v[^1].Info).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every version of every decision.</summary>
    public IReadOnlyList<DeployedDecision> All()
    {
        lock (_lock) return _versions.Values.SelectMany(v => v.Select(x => x.Info)).OrderBy(d => d.Key, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
    }

    /// <summary>A decision by key: the latest, a version number, or the version whose camunda:versionTag matches.</summary>
    public DeployedDecision? Find(string key, int? version = null, string? versionTag = null) => FindVersion(key, version, versionTag)?.Info;

    private Version? FindVersion(string key, int? version, string? versionTag)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue(key, out var versions)) return null;
            if (version is { } n) return versions.Find(v => v.Info.Version == n);
            if (versionTag is { } tag) return versions.LastOrDefault(v => v.Info.VersionTag == tag);
            return versions[^1];
        }
    }

    /// <summary>
    /// Evaluates a decision with the given variables and logs the evaluation. Never throws for a decision's own errors:
    /// they are in the record's <see cref="DecisionEvaluationRecord.Errors"/>; an unknown decision is an error too.
    /// </summary>
    public DecisionEvaluationRecord Evaluate(string key, JsonObject? variables, int? version = null, string? versionTag = null,
        string? processInstanceId = null, string? elementId = null)
    {
        var id = "d" + Interlocked.Increment(ref _sequence);
        var now = clock.GetCurrentInstant();
        var inputs = (JsonObject?)variables?.DeepClone() ?? [];
        var found = FindVersion(key, version, versionTag);
        DecisionEvaluationRecord record;
        if (found is null)
        {
            var what = version is { } v ? $" version {v}" : versionTag is { } t ? $" with version tag '{t}'" : "";
            record = new DecisionEvaluationRecord(id, key, version ?? 0, now, processInstanceId, elementId, inputs, [], null, [], [], [$"no decision '{key}'{what} is deployed"]);
        }
        else
        {
            var evaluation = new FeelEvaluation(clock, zone);
            var result = found.Model.Evaluate(found.Info.Key, FeelJson.FromJson(variables), evaluation);
            var decisions = new JsonArray(result.Decisions.Select(a => (JsonNode?)new JsonObject
            {
                ["decisionId"] = a.DecisionId,
                ["decisionName"] = a.DecisionName,
                ["inputs"] = new JsonObject(a.Inputs.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, FeelJson.ToJson(kv.Value)))),
                ["matchedRules"] = new JsonArray(a.MatchedRules.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
                ["output"] = FeelJson.ToJson(a.Output),
            }).ToArray());
            record = new DecisionEvaluationRecord(id, found.Info.Key, found.Info.Version, now, processInstanceId, elementId, inputs,
                result.MatchedRules, FeelJson.ToJson(result.Value), decisions, result.Warnings, result.Errors);
            if (result.Value is null && result.Errors.Count == 0 && result.Decisions.Count > 0 && result.Decisions[^1].Warnings.Count > 0)
                record = record with { Warnings = result.Warnings };
        }
        lock (_lock) _log.Add(record);
        return record;
    }

    /// <summary>The decision's value as Camunda 7 hands it to a process: one entry (output name → value) per matched rule.</summary>
    public IReadOnlyList<JsonObject> ResultList(DecisionEvaluationRecord record)
    {
        var found = FindVersion(record.DecisionKey, record.Version, null);
        var decision = found?.Definitions.Decisions.FirstOrDefault(d => (d.Id ?? d.Name) == record.DecisionKey);
        if (decision is null || record.Result is null) return [];
        if (decision.Logic is DecisionTable table)
        {
            var single = table.Outputs.Count == 1;
            var name = table.Outputs.Count == 1 ? table.Outputs[0].Name ?? decision.Variable.Name : "";
            var multiHit = table.HitPolicy is HitPolicy.RuleOrder or HitPolicy.OutputOrder || table.HitPolicy == HitPolicy.Collect && table.Aggregation == Aggregation.None;
            var items = multiHit && record.Result is JsonArray arr ? arr.ToList() : [record.Result];
            return items.Select(item => single ? new JsonObject { [name] = item?.DeepClone() } : item as JsonObject is { } o ? (JsonObject)o.DeepClone() : new JsonObject { [decision.Variable.Name] = item?.DeepClone() }).ToList();
        }
        return [new JsonObject { [decision.Variable.Name] = record.Result.DeepClone() }];
    }

    /// <summary>Logged evaluations, oldest first; filtered by decision key and/or process instance.</summary>
    public IReadOnlyList<DecisionEvaluationRecord> History(string? decisionKey = null, string? processInstanceId = null)
    {
        lock (_lock)
            return _log.Where(r => (decisionKey is null || r.DecisionKey == decisionKey) && (processInstanceId is null || r.ProcessInstanceId == processInstanceId)).ToList();
    }

    public DecisionEvaluationRecord? FindEvaluation(string id)
    {
        lock (_lock) return _log.Find(r => r.Id == id);
    }

    private static DeployedDecision Describe(DmnDefinitions defs, Decision d, string key, int version, string file, Instant at)
    {
        var tag = d.Source.Attribute(DmnNamespaces.Camunda + "versionTag");
        if (d.Logic is DecisionTable t)
        {
            var inputs = t.Inputs.Select(i => new DecisionInputInfo(i.Id, i.Label ?? i.Expression.Text.Trim(), i.Expression.Text.Trim(), i.Expression.TypeRef, i.InputValues?.Trim())).ToList();
            var outputs = t.Outputs.Select(o => new DecisionOutputInfo(o.Id, o.Name ?? d.Variable.Name, o.Label, o.TypeRef, o.OutputValues?.Trim())).ToList();
            var policy = t.HitPolicy.ToString() + (t.Aggregation != Aggregation.None ? " " + t.Aggregation : "");
            return new DeployedDecision(key, d.Name, version, file, tag, policy, inputs, outputs, at);
        }
        var required = d.RequiredInputs.Select(r => defs.FindById(r.Id) is InputData i
            ? new DecisionInputInfo(i.Id, i.Name, i.Name, i.Variable.TypeRef, null)
            : new DecisionInputInfo(r.Id, r.Id, r.Id, null, null)).ToList();
        return new DeployedDecision(key, d.Name, version, file, tag, null, required,
            [new DecisionOutputInfo(d.Id, d.Variable.Name, d.Name, d.Variable.TypeRef, null)], at);
    }

    private static string Hash(string xml) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(xml)));
}
