using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence;

// The operators' cockpit list (issue 11): root instances filtered and paged in SQL (indexes of migration 0022), newest first.
public sealed partial class EfRuntimeStore
{
    public RowPage<InstanceSummaryRow> InstancesPage(string tenantId, InstanceQuery query, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var db = _db.Create();
        var rows = db.Instances.Where(i => i.TenantId == tenantId && i.ParentInstanceId == null);
        if (query.ProcessId is { } p) rows = rows.Where(i => i.ProcessId == p);
        if (query.Version is { } v) rows = rows.Where(i => i.DefinitionVersion == v);
        if (query.Status is { } st)
        {
            var status = st.ToString();
            rows = rows.Where(i => i.Status == status);
        }
        if (query.BusinessKey is { Length: > 0 } bk)
        {
            // The start of the Aktenzeichen (EF escapes % and _ of the text: no wildcards from the user).
            rows = rows.Where(i => i.BusinessKey != null && i.BusinessKey.StartsWith(bk));
        }
        if (query.StartedFrom is { } from)
        {
            var f = Ticks.Of(from);
            rows = rows.Where(i => i.StartedAt >= f);
        }
        if (query.StartedTo is { } to)
        {
            var t = Ticks.Of(to);
            rows = rows.Where(i => i.StartedAt < t);
        }
        if (query.WithIncident is { } wi)
            rows = wi ? rows.Where(i => db.Incidents.Any(x => x.TenantId == tenantId && x.RootInstanceId == i.Id))
                      : rows.Where(i => !db.Incidents.Any(x => x.TenantId == tenantId && x.RootInstanceId == i.Id));
        var total = rows.LongCount();
        if (total <= offset) return new([], total);
        var page = rows.OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Seq).Skip(offset).Take(limit)
            .Select(i => new
            {
                i.Id, i.ProcessId, i.DefinitionVersion, i.BusinessKey, i.Status, i.StartedAt, i.EndedAt,
                Incidents = db.Incidents.Count(x => x.TenantId == tenantId && x.RootInstanceId == i.Id),
            }).ToList();
        return new(page.Select(r => new InstanceSummaryRow(r.Id, r.ProcessId, r.DefinitionVersion, r.BusinessKey, Enum.Parse<InstanceStatus>(r.Status),
            Ticks.At(r.StartedAt), r.EndedAt is { } e ? Ticks.At(e) : null, r.Incidents)).ToList(), total);
    }
}
