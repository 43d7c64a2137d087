using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Persistence;

// The history behind the citizens' expected completion date: one query over the instances of a version and their history
// rows (indexes ix_instances_analytics_ended and ix_history_root), on SQLite and PostgreSQL alike.
public sealed partial class EfRuntimeStore
{
    public IReadOnlyList<Duration> RemainingDurations(string tenantId, string processId, int version, IReadOnlyCollection<string> elementIds, int max)
    {
        ArgumentNullException.ThrowIfNull(elementIds);
        if (elementIds.Count == 0 || max <= 0) return [];
        var ids = elementIds.Distinct(StringComparer.Ordinal).ToList();
        var completed = nameof(InstanceStatus.Completed);
        using var db = _db.Create();
        var rows = db.Instances
            .Where(i => i.TenantId == tenantId && i.ParentInstanceId == null && i.ProcessId == processId && i.DefinitionVersion == version
                && i.Status == completed && i.EndedAt != null)
            .Select(i => new
            {
                i.EndedAt,
                Reached = db.History.Where(h => h.TenantId == tenantId && h.RootInstanceId == i.Id && ids.Contains(h.ElementId)).Min(h => (long?)h.StartedAt),
            })
            .Where(x => x.Reached != null)
            .OrderByDescending(x => x.EndedAt).Take(max).ToList();
        return rows.Select(r => Ticks.At(r.EndedAt!.Value) - Ticks.At(r.Reached!.Value)).ToList();
    }
}
