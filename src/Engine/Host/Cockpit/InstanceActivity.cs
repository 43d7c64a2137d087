using EGov.Workflows.Host.Migration;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Host.Cockpit;

/// <summary>
/// What the instance page's diagram shows, read from the instance documents and the element history: where tokens stand
/// (with multi-instance figures), the path taken, and the failures that are still being retried.
/// </summary>
public static class InstanceActivity
{
    public static InstanceActivityDto Of(TenantEngine t, string rootId, IReadOnlyList<string> tree)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(tree);
        var states = tree.Select(id => t.Engine.Store.Load(t.TenantId, id)).OfType<ProcessInstanceState>().ToList();
        var root = states.Find(s => s.Id == rootId) ?? throw Api.ApiProblemException.NotFound($"no process instance '{rootId}'");

        var tokens = new List<ActiveElementDto>();
        if (!root.IsEnded)
        {
            var incidentsAt = root.Incidents.GroupBy(i => MigrationValidator.Strip(i.ElementId), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var bodies = root.Scopes.Where(s => s.MultiInstance is not null)
                .ToDictionary(s => MigrationValidator.Strip(s.ElementId), s => s.MultiInstance!, StringComparer.Ordinal);
            foreach (var g in root.Tokens.Where(x => !x.IsMultiInstanceBody).GroupBy(x => MigrationValidator.Strip(x.ElementId), StringComparer.Ordinal)
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                MultiInstanceDto? mi = bodies.TryGetValue(g.Key, out var m) ? new MultiInstanceDto(m.NrOfInstances, m.NrOfActive, m.NrOfCompleted, m.Sequential) : null;
                tokens.Add(new ActiveElementDto(g.Key, g.Count(), incidentsAt.GetValueOrDefault(g.Key), mi));
            }
            // A multi-instance body whose inner tokens all wait elsewhere (inside a subprocess) still stands at its element.
            foreach (var (id, m) in bodies.Where(b => tokens.TrueForAll(x => x.ElementId != b.Key)))
                tokens.Add(new ActiveElementDto(id, m.NrOfActive, incidentsAt.GetValueOrDefault(id), new MultiInstanceDto(m.NrOfInstances, m.NrOfActive, m.NrOfCompleted, m.Sequential)));
        }

        var taken = t.Engine.History(rootId).Where(h => h.InstanceId == rootId && !h.ElementId.EndsWith("#multiInstanceBody", StringComparison.Ordinal))
            .GroupBy(h => h.ElementId, StringComparer.Ordinal).Select(g => new TakenElementDto(g.Key, g.Count()))
            .OrderBy(x => x.ElementId, StringComparer.Ordinal).ToList();

        // The sequence flows the root instance took, as the history recorded them (arrived_by, durable stores), and those its
        // waiting tokens arrived by: the path as it was, not inferred from the elements visited.
        var flows = t.Engine.History(rootId).Where(h => h.InstanceId == rootId).Select(h => h.ArrivedBy)
            .Concat(root.IsEnded ? [] : root.Tokens.Select(x => x.ArrivedBy))
            .OfType<string>().Where(f => !f.StartsWith('#'))
            .GroupBy(f => f, StringComparer.Ordinal).Select(g => new TakenElementDto(g.Key, g.Count()))
            .OrderBy(x => x.ElementId, StringComparer.Ordinal).ToList();

        var retrying = new List<RetryingDto>();
        foreach (var s in states.Where(s => !s.IsEnded))
        {
            foreach (var j in s.Jobs.Where(j => !j.Suspended && j.LastError is not null))
                retrying.Add(new RetryingDto(s.Id, MigrationValidator.Strip(j.ElementId), "job", j.Retries, j.LastError, j.DueAt.ToDateTimeOffset()));
            foreach (var x in s.Tokens.Where(x => x.RetriesLeft is not null && x.Status != TokenStatus.Incident))
                if (!retrying.Exists(r => r.InstanceId == s.Id && r.ElementId == MigrationValidator.Strip(x.ElementId)))
                    retrying.Add(new RetryingDto(s.Id, MigrationValidator.Strip(x.ElementId), "activity", x.RetriesLeft, null,
                        s.Jobs.Find(j => j.TokenId == x.Id)?.DueAt.ToDateTimeOffset()));
            foreach (var x in s.ExternalTasks.Where(x => !x.Suspended && x.ErrorMessage is not null))
                retrying.Add(new RetryingDto(s.Id, x.ElementId, "externalTask", x.Retries, x.ErrorMessage, x.AvailableAt.ToDateTimeOffset()));
        }

        var called = states.Where(s => s.Id != rootId)
            .Select(s => new CalledInstanceDto(s.Id, s.ProcessId, s.DefinitionVersion, InstanceFilter.StateName(s.Status))).ToList();
        var state = root.IsEnded ? InstanceFilter.StateName(root.Status) : states.Exists(s => !s.IsEnded && s.Incidents.Count > 0) ? "incident" : "running";
        return new InstanceActivityDto(rootId, root.ProcessId, root.DefinitionVersion, state, tokens, taken, retrying, called) { Flows = flows };
    }
}
