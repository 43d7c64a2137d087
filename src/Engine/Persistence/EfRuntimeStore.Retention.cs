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
    /// <paramref name="now"/>, their instance trees in transactions of a few cases each. Returns the root instance ids it deleted.
    /// </summary>
    public IReadOnlyList<(string TenantId, string RootInstanceId)> DeleteExpiredHistory(Instant now, int max = 500)
    {
        var n = Ticks.Of(now);
        var expired = new List<(string, string)>();
        using (var db = _db.Create())
        {
            // One range of ix_instances_analytics_ended (tenant, process, version, ended_at) per version that sets a time
            // to live — not a join that computes every ended instance's expiry (a scan of all of them, each batch).
            var versions = db.Deployments.Where(d => d.HistoryTtlDays != null)
                .Select(d => new { d.TenantId, d.ProcessId, d.Version, Days = d.HistoryTtlDays!.Value }).ToList();
            foreach (var v in versions)
            {
                if (expired.Count >= max) break;
                var cutoff = n - v.Days * TicksPerDay;
                expired.AddRange(db.Instances
                    .Where(i => i.TenantId == v.TenantId && i.ProcessId == v.ProcessId && i.DefinitionVersion == v.Version
                                && i.EndedAt != null && i.EndedAt <= cutoff && i.Id == i.RootInstanceId)
                    .OrderBy(i => i.EndedAt).Take(max - expired.Count).Select(i => new { i.TenantId, i.Id }).ToList()
                    .Select(x => (x.TenantId, x.Id)));
            }
        }
        var deleted = new List<(string, string)>();
        foreach (var group in expired.GroupBy(e => e.Item1))
            foreach (var chunk in group.Select(e => e.Item2).Chunk(DeleteChunk))
                deleted.AddRange(DeleteEndedTrees(group.Key, chunk).Select(root => (group.Key, root)));
        return deleted;
    }

    /// <summary>Cases deleted in one transaction by <see cref="DeleteExpiredHistory"/>.</summary>
    private const int DeleteChunk = 25;

    private static readonly string[] HistoryTables =
        ["history_element_instances", "history_variables", "history_tasks", "history_incidents", "history_activity_packs", "history_decisions"];

    private static readonly string[] IndexTables = ["subscriptions", "jobs", "user_tasks", "external_tasks", "incidents"];

    /// <summary>
    /// Deletes the instance trees of ended roots in one short transaction: one prepared DELETE per table for all of them
    /// (a few statements, not a dozen per case, so the writer lock is held briefly — W9 of ./egov bench measures it). The
    /// trees are read first, outside the transaction: a tree whose instances have all ended never changes again, and a tree
    /// with a running (called) instance is left for a later run. Returns the roots deleted.
    /// </summary>
    private IReadOnlyList<string> DeleteEndedTrees(string tenant, IReadOnlyList<string> roots)
    {
        using var db = _db.Create();
        var rows = db.Instances.Where(i => i.TenantId == tenant && roots.Contains(i.RootInstanceId))
            .Select(i => new { i.Id, i.RootInstanceId, Running = i.EndedAt == null }).ToList();
        var running = rows.Where(r => r.Running).Select(r => r.RootInstanceId).ToHashSet(StringComparer.Ordinal);
        var ended = roots.Where(r => !running.Contains(r)).ToList();
        if (ended.Count == 0) return [];
        var tree = rows.Where(r => !running.Contains(r.RootInstanceId)).Select(r => r.Id).ToList();

        // Raw SQL through EF, so its diagnostics time every statement as they time the queries.
        var sqlite = Options.Provider == StoreProvider.Sqlite;
        System.Data.Common.DbParameter Parameter(string name, string value) => sqlite
            ? new Microsoft.Data.Sqlite.SqliteParameter(name, value)
            : new Npgsql.NpgsqlParameter(name, value);
        using var tx = db.Database.BeginTransaction();
        void Delete(string table, string column, IReadOnlyList<string> ids)
        {
            var args = new List<object>(ids.Count + 1);
            var names = new string[ids.Count];
            for (var k = 0; k < ids.Count; k++)
            {
                names[k] = "@i" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
                args.Add(Parameter(names[k], ids[k]));
            }
            args.Add(Parameter("@t", tenant));
#pragma warning disable EF1002 // the table and column names are constants of this class; the values are parameters
            db.Database.ExecuteSqlRaw($"DELETE FROM {table} WHERE tenant_id = @t AND {column} IN ({string.Join(", ", names)})", args);
#pragma warning restore EF1002
        }
        foreach (var table in HistoryTables) Delete(table, "root_instance_id", ended);
        foreach (var table in IndexTables) Delete(table, "instance_id", tree);
        Delete("instances", "root_instance_id", ended);
        tx.Commit();
        return ended;
    }
}
