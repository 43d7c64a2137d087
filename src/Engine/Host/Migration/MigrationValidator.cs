using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.Migration;

/// <summary>
/// Checks a migration plan before anything runs: both versions deployed, every mapping entry names an element of the
/// source and one of the same kind in the target, and every element where a selected instance is active (tokens,
/// scopes, tasks, subscriptions, timers, incidents) maps to an element of the same kind in the same (mapped) scope.
/// </summary>
public static class MigrationValidator
{
    public static MigrationValidation Validate(TenantEngine tenant, MigrationPlan plan)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(plan.ProcessId)) errors.Add("processId is missing");
        if (plan.FromVersion is null) errors.Add("fromVersion is missing");
        if (plan.ToVersion is null) errors.Add("toVersion is missing");
        if (plan.BatchSize is <= 0) errors.Add($"batchSize must be at least 1 (got {plan.BatchSize})");
        if (errors.Count > 0) return new MigrationValidation(false, errors, 0, []);
        var processId = plan.ProcessId!;
        var source = tenant.Catalog.Find(processId, plan.FromVersion!.Value);
        var target = tenant.Catalog.Find(processId, plan.ToVersion!.Value);
        if (source is null) errors.Add($"process '{processId}' version {plan.FromVersion} is not deployed");
        if (target is null) errors.Add($"process '{processId}' version {plan.ToVersion} is not deployed");
        if (plan.FromVersion == plan.ToVersion) errors.Add("fromVersion and toVersion are the same");
        foreach (var d in new[] { source, target })
            if (d is { Definitions: null })
                errors.Add($"the model of '{processId}' version {d.Version} was deployed before this server started and is not loaded here: deploy that file again (unchanged, it keeps its version)");
        if (source is null || target is null || errors.Count > 0) return new MigrationValidation(false, errors, 0, []);

        var mapping = plan.Mapping ?? [];
        foreach (var (from, to) in mapping.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var a = source.Element(from);
            var b = target.Element(to);
            if (a is null) errors.Add($"mapping: '{from}' is no element of {processId} version {source.Version}");
            if (b is null) errors.Add($"mapping: '{to}' (for '{from}') is no element of {processId} version {target.Version}");
            if (a is not null && b is not null && Kind(a) != Kind(b))
                errors.Add($"mapping: '{from}' ({Kind(a)}) cannot move to '{to}' ({Kind(b)}): an element only moves to one of the same kind");
        }

        var instances = new List<ProcessInstanceState>();
        if (plan.InstanceIds is { } ids)
        {
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                var s = tenant.Engine.Store.Load(tenant.TenantId, id);
                if (s is null) errors.Add($"instance '{id}': no such process instance");
                else if (s.ProcessId != processId || s.DefinitionVersion != source.Version)
                    errors.Add($"instance '{id}': runs {s.ProcessId} version {s.DefinitionVersion}, not {processId} version {source.Version}");
                else if (s.IsEnded) errors.Add($"instance '{id}': has ended ({s.Status.ToString().ToLowerInvariant()})");
                else instances.Add(s);
            }
        }
        else instances.AddRange(RunningInstances(tenant, source));

        var active = new Dictionary<string, (string Kind, string? To, bool Explicit, HashSet<string> Instances)>(StringComparer.Ordinal);
        foreach (var s in instances)
            foreach (var elementId in ActiveElements(s).Distinct(StringComparer.Ordinal))
            {
                if (!active.TryGetValue(elementId, out var entry))
                {
                    var a = source.Element(elementId);
                    var kind = a is null ? "unknown" : Kind(a);
                    var explicitly = mapping.TryGetValue(elementId, out var to);
                    to ??= elementId;
                    var b = target.Element(to);
                    if (a is null) errors.Add($"'{elementId}' is active but is not an element of version {source.Version}");
                    else if (b is null)
                        errors.Add(explicitly ? $"'{elementId}' is mapped to '{to}', which version {target.Version} does not have"
                            : $"'{elementId}' ({kind}) is active and not mapped, and version {target.Version} has no element '{elementId}': add it to the mapping");
                    else if (Kind(b) != kind)
                        errors.Add($"'{elementId}' ({kind}) cannot move to '{to}' ({Kind(b)}): map it to an element of kind {kind}");
                    else if (ScopeOf(a) is { } sa && ScopeOf(b) is { } sb && Map(mapping, sa, processId) != sb)
                        errors.Add($"'{elementId}' lies in '{sa}' but '{to}' lies in '{sb}': a token cannot change its scope");
                    entry = (kind, b is null ? null : to, explicitly, []);
                    active[elementId] = entry;
                }
                entry.Instances.Add(s.Id);
            }

        var list = active.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ActiveElementMapping(kv.Key, kv.Value.Kind, kv.Value.To, kv.Value.Explicit, kv.Value.Instances.Count)).ToList();
        return new MigrationValidation(errors.Count == 0, errors, instances.Count, list) { InstanceIds = instances.Select(s => s.Id).ToList() };
    }

    private static string Map(Dictionary<string, string> mapping, string id, string processId) =>
        id == processId ? id : mapping.TryGetValue(id, out var to) ? to : id;

    /// <summary>Kind of an element: its BPMN element name, with the event definitions of an event (timer, message, …).</summary>
    public static string Kind(BpmnElement e)
    {
        var name = e.Name.LocalName;
        var defs = e.Elements().Where(c => c.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal))
            .Select(c => c.Name.LocalName.Replace("EventDefinition", "", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return defs.Count == 0 ? name : $"{name}({string.Join(",", defs)})";
    }

    /// <summary>The id of the subprocess or process an element lies in.</summary>
    private static string? ScopeOf(BpmnElement e) =>
        e.Ancestors().FirstOrDefault(a => a.Name.LocalName is "subProcess" or "transaction" or "adHocSubProcess" or "process")?.Id;

    /// <summary>Every element an instance document stands at: tokens, subprocess scopes, tasks, subscriptions, timers, incidents.</summary>
    public static IEnumerable<string> ActiveElements(ProcessInstanceState s)
    {
        foreach (var t in s.Tokens) yield return Strip(t.ElementId);
        foreach (var sc in s.Scopes.Where(x => x.Kind != ScopeKind.Process)) yield return Strip(sc.ElementId);
        foreach (var x in s.Subscriptions) yield return x.ElementId;
        foreach (var j in s.Jobs) yield return Strip(j.ElementId);
        foreach (var u in s.UserTasks) yield return u.ElementId;
        foreach (var x in s.ExternalTasks) yield return x.ElementId;
        foreach (var i in s.Incidents) yield return Strip(i.ElementId);
    }

    internal static string Strip(string elementId)
    {
        var hash = elementId.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? elementId : elementId[..hash];
    }

    /// <summary>Running instances of a version (roots and called ones), oldest first.</summary>
    public static IEnumerable<ProcessInstanceState> RunningInstances(TenantEngine tenant, DeployedDefinition source)
    {
        foreach (var id in tenant.Engine.Store.RunningInstances(tenant.TenantId, source.ProcessId, source.Version))
            if (tenant.Engine.Store.Load(tenant.TenantId, id) is { IsEnded: false } s) yield return s; // may have ended since
    }
}
