using EGov.Workflows.Persistence.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace EGov.Workflows.Persistence;

// History retention (DSGVO): an ended root instance whose process version sets camunda:historyTimeToLive is deleted
// whole — documents (variables), history rows (element instances, variable changes, task and incident events, decision evaluations) and any index rows of its instance tree — once that time has passed.
public sealed partial class EfRuntimeStore
{
    private const long TicksPerDay = 24L * 60 * 60 * 10_000_000;

    /// <summary>
    /// Deletes up to <paramref name="max"/> ended root instances (of every tenant) whose retention ended before
    /// <paramref name="now"/>, each instance tree in its own transaction. Returns the root instance ids it deleted.
    /// </summary>
    public IReadOnlyList<(string TenantId, string RootInstanceId)> DeleteExpiredHistory(Instant now, int max = 500)
    {
        var n = Ticks.Of(now);
        List<(string, string)> expired;
        using (var db = _db.Create())
        {
            expired = (from i in db.Instances
                       join d in db.Deployments on new { i.TenantId, i.ProcessId, Version = i.DefinitionVersion }
                           equals new { d.TenantId, d.ProcessId, d.Version }
                       where i.Id == i.RootInstanceId && i.EndedAt != null && d.HistoryTtlDays != null
                             && i.EndedAt + d.HistoryTtlDays * TicksPerDay <= n
                       orderby i.EndedAt
                       select new { i.TenantId, i.Id }).Take(max).ToList().Select(x => (x.TenantId, x.Id)).ToList();
        }
        var deleted = new List<(string, string)>();
        foreach (var (tenant, root) in expired)
        {
            using var db = _db.Create();
            using var tx = db.Database.BeginTransaction();
            // Only when the whole tree has ended (a called instance still running keeps it).
            if (db.Instances.Any(i => i.TenantId == tenant && i.RootInstanceId == root && i.EndedAt == null)) continue;
            var tree = db.Instances.Where(i => i.TenantId == tenant && i.RootInstanceId == root).Select(i => i.Id).ToList();
            DeleteTree(db.History, tenant, root);
            DeleteTree(db.HistoryVariables, tenant, root);
            DeleteTree(db.HistoryTasks, tenant, root);
            DeleteTree(db.HistoryIncidents, tenant, root);
            DeleteTree(db.HistoryActivityPacks, tenant, root);
            db.HistoryDecisions.Where(h => h.TenantId == tenant && h.RootInstanceId == root).ExecuteDelete();
            db.Subscriptions.Where(r => r.TenantId == tenant && tree.Contains(r.InstanceId)).ExecuteDelete();
            db.Jobs.Where(r => r.TenantId == tenant && tree.Contains(r.InstanceId)).ExecuteDelete();
            db.UserTasks.Where(r => r.TenantId == tenant && tree.Contains(r.InstanceId)).ExecuteDelete();
            db.ExternalTasks.Where(r => r.TenantId == tenant && tree.Contains(r.InstanceId)).ExecuteDelete();
            db.Incidents.Where(r => r.TenantId == tenant && tree.Contains(r.InstanceId)).ExecuteDelete();
            db.Instances.Where(i => i.TenantId == tenant && i.RootInstanceId == root).ExecuteDelete();
            tx.Commit();
            deleted.Add((tenant, root));
        }
        return deleted;
    }

    private static void DeleteTree<TRow>(IQueryable<TRow> rows, string tenant, string root) where TRow : HistoryRow =>
        rows.Where(h => h.TenantId == tenant && h.RootInstanceId == root).ExecuteDelete();
}
