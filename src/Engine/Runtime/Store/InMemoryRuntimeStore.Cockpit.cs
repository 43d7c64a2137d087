using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Store;

// The operators' cockpit list: a scan over the documents the store holds (live or parked). Trees moved into the archive
// (every instance ended) are not listed here; a durable store lists them (the cockpit is for running cases first).
public sealed partial class InMemoryRuntimeStore
{
    public RowPage<InstanceSummaryRow> InstancesPage(string tenantId, InstanceQuery query, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            var incidents = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var s in _indexes.WithIncidents(tenantId))
                incidents[s.RootInstanceId] = incidents.GetValueOrDefault(s.RootInstanceId) + s.Incidents.Count;
            var rows = new List<(long Ordinal, InstanceSummaryRow Row)>();
            foreach (var e in _instances.Values)
            {
                var s = e.State;
                if (s.TenantId != tenantId || s.ParentInstanceId is not null) continue;
                if (query.ProcessId is { } p && s.ProcessId != p) continue;
                if (query.Version is { } v && s.DefinitionVersion != v) continue;
                if (query.Status is { } st && s.Status != st) continue;
                if (query.BusinessKey is { } bk && (s.BusinessKey is null || !s.BusinessKey.StartsWith(bk, StringComparison.Ordinal))) continue;
                if (query.StartedFrom is { } from && s.StartedAt < from) continue;
                if (query.StartedTo is { } to && s.StartedAt >= to) continue;
                var open = incidents.GetValueOrDefault(s.Id);
                if (query.WithIncident is { } wi && wi != open > 0) continue;
                rows.Add((e.Ordinal, new InstanceSummaryRow(s.Id, s.ProcessId, s.DefinitionVersion, s.BusinessKey, s.Status, s.StartedAt, s.EndedAt, open)));
            }
            var sorted = rows.OrderByDescending(r => r.Row.StartedAt).ThenByDescending(r => r.Ordinal).Select(r => r.Row).ToList();
            return RowPage<InstanceSummaryRow>.Of(sorted, offset, limit);
        }
    }
}
