using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Values;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Model.Xml;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>
/// The decisions an engine has deployed, versioned like processes: a decision (by id, its key) whose file is unchanged
/// keeps its version, a changed one becomes n+1. Each version keeps its compiled model; models import each other by
/// namespace among the files deployed together and the latest deployed. With a store that keeps decision versions
/// (<see cref="IDecisionVersionStore"/>: SQLite, PostgreSQL) every version is written there before it is used and read
/// back after a restart, so versions and the models behind old evaluations survive. Evaluations are kept in the
/// engine's store (<see cref="IRuntimeStore.DecisionHistory"/>). Thread-safe.
/// </summary>
public sealed class DecisionRepository(IClock clock, DateTimeZone zone, IRuntimeStore store, string tenantId)
{
    private sealed record Version(DeployedDecision Info, DmnDefinitions Definitions, DecisionModel Model, string Hash);

    /// <summary>
    /// The Frist functions (<c>frist</c>, <c>bekanntgabe</c>, <c>genehmigungsfiktion</c>, <c>naechsterWerktag</c>,
    /// <c>istWerktag</c>) the decision tables' FEEL can call, counting with the tenant's Land; null: none. A variable, input
    /// data or decision of the same name wins.
    /// </summary>
    public Time.FristFunctions? Fristen { get; init; }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Version>> _versions = new(StringComparer.Ordinal);
    private readonly IDecisionVersionStore? _durable = store as IDecisionVersionStore;
    private bool _restored;

    /// <summary>Deploys every decision of the files, all or nothing; a model that does not compile is refused with positions.</summary>
    public IReadOnlyList<DeployedDecision> Deploy(IEnumerable<(string File, DmnDefinitions Definitions)> files)
    {
        var list = files.ToList();
        // Nodes that deploy the same decisions at once: the one whose insert loses reads the winner's versions and tries again.
        for (var attempt = 1; ; attempt++)
        {
            try { return DeployOnce(list); }
            catch (ConcurrencyConflictException) when (attempt < 3) { }
        }
    }

    /// <summary>
    /// Compiles the files as <see cref="Deploy"/> would and throws its <see cref="DeploymentException"/> when one is broken,
    /// deploying nothing: a caller that deploys processes with them checks first, so nothing is half-deployed.
    /// </summary>
    public void Check(IEnumerable<(string File, DmnDefinitions Definitions)> files)
    {
        var list = files.ToList();
        lock (_lock)
        {
            EnsureRestored();
            Compile(list);
        }
    }

    private List<(string File, DmnDefinitions Definitions, DecisionModel Model, string Xml, string Hash)> Compile(List<(string File, DmnDefinitions Definitions)> list)
    {
        var library = list.Select(f => f.Definitions).Concat(_versions.Values.Select(v => v[^1].Definitions)).ToList();
        var problems = new List<string>();
        var compiled = new List<(string File, DmnDefinitions Definitions, DecisionModel Model, string Xml, string Hash)>();
        foreach (var (file, defs) in list)
        {
            var model = DecisionModel.Compile(defs, library);
            foreach (var e in model.Errors)
            {
                var at = e.Element?.Position is { IsKnown: true } p ? p : new SourcePosition(1, 1);
                problems.Add($"{file}:{at.Line}:{at.Column}: error: {e.Message}{(e.Element?.Id is { } id ? $" in '{id}'" : "")}");
            }
            var xml = XmlTreeWriter.WriteString(defs.Source);
            compiled.Add((file, defs, model, xml, Hash(xml)));
        }
        if (problems.Count > 0) throw new DeploymentException(problems);
        return compiled;
    }

    private List<DeployedDecision> DeployOnce(List<(string File, DmnDefinitions Definitions)> list)
    {
        lock (_lock)
        {
            Refresh();
            var compiled = Compile(list);
            var result = new List<DeployedDecision>();
            var added = new List<(string Key, Version Version, string Xml)>();
            var planned = new Dictionary<string, int>(StringComparer.Ordinal);
            var now = clock.GetCurrentInstant();
            foreach (var (file, defs, model, xml, hash) in compiled)
            {
                foreach (var d in defs.Decisions)
                {
                    var key = d.Id ?? d.Name;
                    var versions = _versions.GetValueOrDefault(key);
                    if (!planned.ContainsKey(key) && versions is { Count: > 0 } && versions[^1].Hash == hash) { result.Add(versions[^1].Info); continue; }
                    var number = (planned.TryGetValue(key, out var n) ? n : versions?.Count ?? 0) + 1;
                    planned[key] = number;
                    var info = Describe(defs, d, key, number, file, now);
                    added.Add((key, new Version(info, defs, model, hash), xml));
                    result.Add(info);
                }
            }
            // Stored first (all or nothing): what is not stored is not deployed.
            _durable?.AddDecisionVersions(tenantId, added.Select(a => new StoredDecisionVersion(a.Key, a.Version.Info.Version, a.Version.Info.File,
                a.Version.Hash, a.Xml, a.Version.Info.DeployedAt)).ToList());
            foreach (var (key, version, _) in added)
            {
                if (!_versions.TryGetValue(key, out var versions)) _versions[key] = versions = [];
                versions.Add(version);
            }
            return result;
        }
    }

    /// <summary>Reads the versions the durable store has and this engine has not (after a restart, or another node's deployment).</summary>
    private void Refresh()
    {
        if (_durable is null) return;
        var missing = _durable.DecisionVersions(tenantId)
            .Where(r => !_versions.TryGetValue(r.Key, out var v) || !v.Exists(x => x.Info.Version == r.Version))
            .OrderBy(r => r.Version).ToList();
        _restored = true;
        if (missing.Count == 0) return;
        var read = new Dictionary<string, DmnDefinitions>(StringComparer.Ordinal);
        foreach (var r in missing)
        {
            if (read.ContainsKey(r.ContentHash)) continue;
            var result = new DmnReader().ReadString(r.Xml, r.File);
            read[r.ContentHash] = result.Definitions
                ?? throw new DeploymentException($"{r.File}: the stored model of decision '{r.Key}' version {r.Version} cannot be read");
        }
        var library = read.Values.Concat(_versions.Values.Select(v => v[^1].Definitions)).ToList();
        var models = read.ToDictionary(kv => kv.Key, kv => DecisionModel.Compile(kv.Value, library), StringComparer.Ordinal);
        foreach (var r in missing)
        {
            var defs = read[r.ContentHash];
            var d = defs.Decisions.FirstOrDefault(x => (x.Id ?? x.Name) == r.Key);
            if (d is null) continue;
            if (!_versions.TryGetValue(r.Key, out var versions)) _versions[r.Key] = versions = [];
            versions.Add(new Version(Describe(defs, d, r.Key, r.Version, r.File, r.DeployedAt), defs, models[r.ContentHash], r.ContentHash));
            versions.Sort((a, b) => a.Info.Version.CompareTo(b.Info.Version));
        }
    }

    private void EnsureRestored()
    {
        if (!_restored) Refresh();
    }

    /// <summary>The latest version of every decision.</summary>
    public IReadOnlyList<DeployedDecision> Latest()
    {
        lock (_lock)
        {
            EnsureRestored();
            return _versions.Values.Select(v => v[^1].Info).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Every version of every decision.</summary>
    public IReadOnlyList<DeployedDecision> All()
    {
        lock (_lock)
        {
            EnsureRestored();
            return _versions.Values.SelectMany(v => v.Select(x => x.Info)).OrderBy(d => d.Key, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
        }
    }

    /// <summary>A decision by key: the latest, a version number, or the version whose camunda:versionTag matches.</summary>
    public DeployedDecision? Find(string key, int? version = null, string? versionTag = null) => FindVersion(key, version, versionTag)?.Info;

    private Version? FindVersion(string key, int? version, string? versionTag)
    {
        lock (_lock)
        {
            EnsureRestored();
            var found = Lookup();
            if (found is null && _durable is not null)
            {
                // Perhaps deployed by another node since.
                Refresh();
                found = Lookup();
            }
            return found;
        }

        Version? Lookup()
        {
            if (!_versions.TryGetValue(key, out var versions)) return null;
            if (version is { } n) return versions.Find(v => v.Info.Version == n);
            if (versionTag is { } tag) return versions.LastOrDefault(v => v.Info.VersionTag == tag);
            return versions[^1];
        }
    }

    /// <summary>
    /// Evaluates a decision with the given variables; the record is not kept yet (see <see cref="EvaluateAndLog"/>; a
    /// business rule task adds it to its command's history). Never throws for a decision's own errors: they are in the
    /// record's <see cref="DecisionEvaluationRecord.Errors"/>; an unknown decision is an error too.
    /// </summary>
    public DecisionEvaluationRecord Evaluate(string key, JsonObject? variables, int? version = null, string? versionTag = null,
        string? processInstanceId = null, string? elementId = null, string? rootInstanceId = null)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = clock.GetCurrentInstant();
        var inputs = (JsonObject?)variables?.DeepClone() ?? [];
        var found = FindVersion(key, version, versionTag);
        DecisionEvaluationRecord record;
        if (found is null)
        {
            var what = version is { } v ? $" version {v}" : versionTag is { } t ? $" with version tag '{t}'" : "";
            record = new DecisionEvaluationRecord(id, key, version ?? 0, now, processInstanceId, elementId, inputs, [], null, [], [], [$"no decision '{key}'{what} is deployed"], rootInstanceId);
        }
        else
        {
            var evaluation = new FeelEvaluation(clock, zone);
            var result = found.Model.Evaluate(found.Info.Key, WithFristen(FeelJson.FromJson(variables), found.Model), evaluation);
            var decisions = new JsonArray(result.Decisions.Select(a => (JsonNode?)new JsonObject
            {
                ["decisionId"] = a.DecisionId,
                ["decisionName"] = a.DecisionName,
                ["inputs"] = new JsonObject(a.Inputs.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, FeelJson.ToJson(kv.Value)))),
                ["matchedRules"] = new JsonArray(a.MatchedRules.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
                ["output"] = FeelJson.ToJson(a.Output),
                ["warnings"] = new JsonArray(a.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            }).ToArray());
            record = new DecisionEvaluationRecord(id, found.Info.Key, found.Info.Version, now, processInstanceId, elementId, inputs,
                result.MatchedRules, FeelJson.ToJson(result.Value), decisions, result.Warnings, result.Errors, rootInstanceId);
        }
        return record;
    }

    /// <summary>The inputs with the Frist functions added under their names, where no input, input data or decision has the name.</summary>
    private IReadOnlyDictionary<string, object?> WithFristen(IReadOnlyDictionary<string, object?> inputs, DecisionModel model)
    {
        if (Fristen is not { } fristen) return inputs;
        Dictionary<string, object?>? with = null;
        foreach (var name in Time.FristFunctions.Names)
        {
            if (inputs.ContainsKey(name) || model.FindDecisionInfo(name) is not null || model.Definitions.InputData.Any(i => i.Name == name)) continue;
            if (FristExpressionFunctions.ForFeel(fristen, name) is not { } function) continue;
            with ??= new Dictionary<string, object?>(inputs, StringComparer.Ordinal);
            with[name] = function;
        }
        return with ?? inputs;
    }

    /// <summary>Evaluates (see <see cref="Evaluate"/>) and keeps the record in the engine's store, as its own transaction.</summary>
    public DecisionEvaluationRecord EvaluateAndLog(string key, JsonObject? variables, int? version = null, string? versionTag = null)
    {
        var record = Evaluate(key, variables, version, versionTag);
        var changes = new RuntimeChangeSet { TenantId = tenantId };
        changes.DecisionHistory.Add(record);
        store.Commit(changes);
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

    /// <summary>Kept evaluations, oldest first; filtered by decision key and/or process instance, paged.</summary>
    public IReadOnlyList<DecisionEvaluationRecord> History(string? decisionKey = null, string? processInstanceId = null, int offset = 0, int limit = int.MaxValue) =>
        store.DecisionHistory(tenantId, new DecisionHistoryQuery(decisionKey, processInstanceId, Offset: offset, Limit: limit));

    /// <summary>Kept evaluations of a root instance tree (the instance and those it called), oldest first.</summary>
    public IReadOnlyList<DecisionEvaluationRecord> HistoryOfTree(string rootInstanceId) =>
        store.DecisionHistory(tenantId, new DecisionHistoryQuery(RootInstanceId: rootInstanceId));

    public DecisionEvaluationRecord? FindEvaluation(string id) =>
        store.DecisionHistory(tenantId, new DecisionHistoryQuery(Id: id)).FirstOrDefault();

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
