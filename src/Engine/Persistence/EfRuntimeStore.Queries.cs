using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence;

// The index queries of IRuntimeStore. Ties are broken as the in-memory store breaks them (instance creation order,
// then position in the document), so a scenario sees the same order on every store.
public sealed partial class EfRuntimeStore
{
    private static readonly string JobKind = nameof(DueWorkKind.Job);

    public IReadOnlyList<SubscriptionRow> FindSubscriptions(string tenantId, SubscriptionKind kind, string eventName)
    {
        using var db = _db.Create();
        var k = kind.ToString();
        var rows = (from s in db.Subscriptions
                    join i in db.Instances on new { s.TenantId, Id = s.InstanceId } equals new { i.TenantId, i.Id }
                    where s.TenantId == tenantId && s.Kind == k && s.EventName == eventName
                    orderby i.Seq, s.Ordinal
                    select new { s.InstanceId, s.RootInstanceId, s.BusinessKey, s.Payload }).ToList();
        return rows.Select(r => new SubscriptionRow(tenantId, r.InstanceId, r.RootInstanceId, r.BusinessKey,
            RuntimeJson.Deserialize<SubscriptionState>(r.Payload))).ToList();
    }

    public IReadOnlyList<string> InstancesWithConditions(string tenantId)
    {
        using var db = _db.Create();
        var k = nameof(SubscriptionKind.Conditional);
        return (from i in db.Instances
                where i.TenantId == tenantId && db.Subscriptions.Any(s => s.TenantId == tenantId && s.InstanceId == i.Id && s.Kind == k)
                orderby i.Seq
                select i.Id).ToList();
    }

    public IReadOnlyList<DueWork> FindDueWork(string tenantId, Instant until, int max)
    {
        if (max <= 0) return [];
        using var db = _db.Create();
        var u = Ticks.Of(until);
        var jobs = (from j in db.Jobs
                    join i in db.Instances on new { j.TenantId, Id = j.InstanceId } equals new { i.TenantId, i.Id }
                    where j.TenantId == tenantId && j.Kind == JobKind && j.DueAt <= u
                    orderby j.DueAt, i.Seq, j.Ordinal
                    select new { j.DueAt, j.InstanceId, j.JobId }).Take(max).ToList();
        var timers = db.StartTimers.Where(t => t.TenantId == tenantId && t.DueAt <= u)
            .OrderBy(t => t.DueAt).ThenBy(t => t.Seq).Select(t => new { t.DueAt, t.Id }).Take(max).ToList();
        // Merge: earliest first; at the same instant jobs before start timers (as the in-memory store orders them).
        return jobs.Select(j => (j.DueAt, Rank: 0, Work: new DueWork(DueWorkKind.Job, Ticks.At(j.DueAt), j.InstanceId, j.JobId)))
            .Concat(timers.Select(t => (t.DueAt, Rank: 1, Work: new DueWork(DueWorkKind.StartTimer, Ticks.At(t.DueAt), null, t.Id))))
            .OrderBy(x => x.DueAt).ThenBy(x => x.Rank).Take(max).Select(x => x.Work).ToList();
    }

    /// <summary>Grouped counts for the metrics: open user tasks and incidents per tenant, due work nobody holds (the backlog).</summary>
    public OperationalFigures Figures(Instant now)
    {
        using var db = _db.Create();
        var n = Ticks.Of(now);
        var tasks = db.UserTasks.GroupBy(t => t.TenantId).Select(g => new { Tenant = g.Key, Count = g.LongCount() }).ToList();
        var incidents = db.Incidents.GroupBy(t => t.TenantId).Select(g => new { Tenant = g.Key, Count = g.LongCount() }).ToList();
        var jobs = db.Jobs.Where(j => j.Kind == JobKind && j.DueAt <= n && (j.LockOwner == null || j.LockExpiresAt < n));
        var timers = db.StartTimers.Where(t => t.DueAt <= n && (t.LockOwner == null || t.LockExpiresAt < n));
        var due = jobs.LongCount() + timers.LongCount();
        var oldestJob = jobs.Min(j => (long?)j.DueAt);
        var oldestTimer = timers.Min(t => (long?)t.DueAt);
        long? oldest = oldestJob is null ? oldestTimer : oldestTimer is null ? oldestJob : Math.Min(oldestJob.Value, oldestTimer.Value);
        var byTenant = tasks.Select(t => t.Tenant).Concat(incidents.Select(i => i.Tenant)).Distinct(StringComparer.Ordinal)
            .Select(t => new TenantFigures(t, tasks.FirstOrDefault(x => x.Tenant == t)?.Count ?? 0, incidents.FirstOrDefault(x => x.Tenant == t)?.Count ?? 0))
            .ToList();
        return new OperationalFigures(byTenant, due, oldest is { } o ? Ticks.At(o) : null);
    }

    public Instant? NextDue(string tenantId, Instant now)
    {
        using var db = _db.Create();
        var n = Ticks.Of(now);
        var job = db.Jobs.Where(j => j.TenantId == tenantId && (j.Kind == JobKind || j.DueAt > n)).Min(j => (long?)j.DueAt);
        var timer = db.StartTimers.Where(t => t.TenantId == tenantId).Min(t => (long?)t.DueAt);
        long? min = job is null ? timer : timer is null ? job : Math.Min(job.Value, timer.Value);
        return min is { } m ? Ticks.At(m) : null;
    }

    // The open-task and incident lists are hot (a worklist polls them, a clerk's command starts with one): prepared SQL on
    // the store's own connections, no query pipeline. Two texts each, so neither asks the planner for "@root IS NULL OR …".
    private static readonly (SqlText All, SqlText OfTree) UserTaskSql = OpenRowsSql("user_tasks", "t.business_key, t.payload", "t.created_at, t.task_order");
    private static readonly (SqlText All, SqlText OfTree) ExternalTaskSql = OpenRowsSql("external_tasks", "t.business_key, t.payload", "t.created_at, t.task_order");
    private static readonly (SqlText All, SqlText OfTree) IncidentSql = OpenRowsSql("incidents", "NULL, t.payload", "t.created_at");

    private static (SqlText All, SqlText OfTree) OpenRowsSql(string table, string columns, string order)
    {
        var select = $"SELECT t.instance_id, t.root_instance_id, t.process_id, {columns} FROM {table} t JOIN instances i ON i.tenant_id = t.tenant_id AND i.id = t.instance_id WHERE t.tenant_id = @p0";
        var orderBy = $" ORDER BY {order}, i.seq, t.ordinal";
        return (new SqlText(select + orderBy), new SqlText(select + " AND t.root_instance_id = @p1" + orderBy));
    }

    private List<T> OpenRows<T>((SqlText All, SqlText OfTree) sql, string tenantId, string? rootInstanceId, Func<System.Data.Common.DbDataReader, T> read) =>
        rootInstanceId is null
            ? _reader.Query(sql.All, p => p.Text(tenantId), read)
            : _reader.Query(sql.OfTree, p => p.Text(tenantId).Text(rootInstanceId), read);

    private static string? TextOrNull(System.Data.Common.DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public IReadOnlyList<UserTaskRow> OpenUserTasks(string tenantId, string? rootInstanceId = null) =>
        OpenRows(UserTaskSql, tenantId, rootInstanceId, r => new UserTaskRow(tenantId, r.GetString(0), r.GetString(1), r.GetString(2), TextOrNull(r, 3),
            RuntimeJson.Deserialize<UserTaskState>(r.GetString(4))));

    public IReadOnlyList<ExternalTaskRow> OpenExternalTasks(string tenantId, string? rootInstanceId = null) =>
        OpenRows(ExternalTaskSql, tenantId, rootInstanceId, r => new ExternalTaskRow(tenantId, r.GetString(0), r.GetString(1), r.GetString(2), TextOrNull(r, 3),
            RuntimeJson.Deserialize<ExternalTaskState>(r.GetString(4))));

    public IReadOnlyList<IncidentRow> OpenIncidents(string tenantId, string? rootInstanceId = null) =>
        OpenRows(IncidentSql, tenantId, rootInstanceId, r => new IncidentRow(tenantId, r.GetString(0), r.GetString(1), r.GetString(2),
            RuntimeJson.Deserialize<IncidentState>(r.GetString(4))));

    private static readonly SqlText IncidentCountSql = new("SELECT COUNT(*) FROM incidents t WHERE t.tenant_id = @p0");
    private static readonly SqlText IncidentCountOfTreeSql = new("SELECT COUNT(*) FROM incidents t WHERE t.tenant_id = @p0 AND t.root_instance_id = @p1");
    private static readonly SqlText IncidentPageSql = new(IncidentSql.All.Sqlite + " LIMIT @p1 OFFSET @p2");
    private static readonly SqlText IncidentPageOfTreeSql = new(IncidentSql.OfTree.Sqlite + " LIMIT @p2 OFFSET @p3");

    public RowPage<IncidentRow> OpenIncidentsPage(string tenantId, string? rootInstanceId, int offset, int limit)
    {
        IncidentRow Read(System.Data.Common.DbDataReader r) => new(tenantId, r.GetString(0), r.GetString(1), r.GetString(2), RuntimeJson.Deserialize<IncidentState>(r.GetString(4)));
        var total = rootInstanceId is null
            ? _reader.Query(IncidentCountSql, p => p.Text(tenantId), r => r.GetInt64(0))[0]
            : _reader.Query(IncidentCountOfTreeSql, p => p.Text(tenantId).Text(rootInstanceId), r => r.GetInt64(0))[0];
        if (total <= offset) return new([], total);
        var items = rootInstanceId is null
            ? _reader.Query(IncidentPageSql, p => p.Text(tenantId).Int(limit).Int(offset), Read)
            : _reader.Query(IncidentPageOfTreeSql, p => p.Text(tenantId).Text(rootInstanceId).Int(limit).Int(offset), Read);
        return new(items, total);
    }

    public RowPage<ExternalTaskRow> OpenExternalTasksPage(string tenantId, string? topic, string? instanceId, int offset, int limit)
    {
        using var db = _db.Create();
        var rows = from t in db.ExternalTasks
                   join i in db.Instances on new { t.TenantId, Id = t.InstanceId } equals new { i.TenantId, i.Id }
                   where t.TenantId == tenantId && (topic == null || t.Topic == topic) && (instanceId == null || t.InstanceId == instanceId)
                   select new { t, i.Seq };
        var total = rows.LongCount();
        if (total <= offset) return new([], total);
        var page = rows.OrderBy(x => x.t.CreatedAt).ThenBy(x => x.t.TaskOrder).ThenBy(x => x.Seq).ThenBy(x => x.t.Ordinal)
            .Skip(offset).Take(limit).Select(x => new { x.t.InstanceId, x.t.RootInstanceId, x.t.ProcessId, x.t.BusinessKey, x.t.Payload }).ToList();
        return new(page.Select(r => new ExternalTaskRow(tenantId, r.InstanceId, r.RootInstanceId, r.ProcessId, r.BusinessKey,
            RuntimeJson.Deserialize<ExternalTaskState>(r.Payload))).ToList(), total);
    }

    public RowPage<ExternalTaskRow> OpenExternalTasksPage(string tenantId, string? topic, string? instanceId, string? workerId, bool? locked, Instant now, int offset, int limit)
    {
        using var db = _db.Create();
        var at = Ticks.Of(now);
        var rows = from t in db.ExternalTasks
                   join i in db.Instances on new { t.TenantId, Id = t.InstanceId } equals new { i.TenantId, i.Id }
                   where t.TenantId == tenantId && (topic == null || t.Topic == topic) && (instanceId == null || t.InstanceId == instanceId)
                       && (workerId == null || t.LockOwner == workerId)
                   select new { t, i.Seq };
        if (locked == true) rows = rows.Where(x => x.t.LockExpiresAt != null && x.t.LockExpiresAt > at);
        else if (locked == false) rows = rows.Where(x => x.t.LockExpiresAt == null || x.t.LockExpiresAt <= at);
        var total = rows.LongCount();
        if (total <= offset) return new([], total);
        var page = rows.OrderBy(x => x.t.CreatedAt).ThenBy(x => x.t.TaskOrder).ThenBy(x => x.Seq).ThenBy(x => x.t.Ordinal)
            .Skip(offset).Take(limit).Select(x => new { x.t.InstanceId, x.t.RootInstanceId, x.t.ProcessId, x.t.BusinessKey, x.t.Payload }).ToList();
        return new(page.Select(r => new ExternalTaskRow(tenantId, r.InstanceId, r.RootInstanceId, r.ProcessId, r.BusinessKey,
            RuntimeJson.Deserialize<ExternalTaskState>(r.Payload))).ToList(), total);
    }

    public RowPage<ElementInstanceRecord> HistoryPage(string tenantId, string rootInstanceId, int offset, int limit)
    {
        using var db = _db.Create();
        var tree = db.History.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId);
        // The page with the activity pack of each row in one statement (a left join), and the count only where the page
        // does not tell it (RowPaging): a short case's history page is one round trip.
        var packs = db.HistoryActivityPacks.Where(p => p.TenantId == tenantId && p.RootInstanceId == rootInstanceId);
        var joined = (from h in tree.OrderBy(h => h.Seq).Skip(offset).Take(limit)
                      join p in packs on h.Id equals p.Id into ps
                      from p in ps.DefaultIfEmpty()
                      orderby h.Seq
                      select new { Row = h, Pack = p == null ? null : p.ActivityPack }).ToList().DistinctBy(x => x.Row.Seq).ToList();
        var page = joined.Select(x => x.Row).ToList();
        var packOf = joined.Where(x => x.Pack is not null).DistinctBy(x => x.Row.Id).ToDictionary(x => x.Row.Id, x => x.Pack, StringComparer.Ordinal);
        var total = RowPaging.Total(page.Count, offset, limit, tree.LongCount);
        return new(page.Select(h => new ElementInstanceRecord
        {
            Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
            ElementId = h.ElementId, ElementType = h.ElementType, ElementName = h.ElementName, StartedAt = Ticks.At(h.StartedAt),
            EndedAt = Ticks.At(h.EndedAt), Completed = h.Completed, Sequence = h.Sequence, ArrivedBy = h.ArrivedBy,
            ActivityPack = packOf.GetValueOrDefault(h.Id),
        }).ToList(), total);
    }

    public IReadOnlyList<string> RunningInstances(string tenantId, string processId, int version)
    {
        using var db = _db.Create();
        var running = nameof(InstanceStatus.Running);
        return db.Instances.Where(i => i.TenantId == tenantId && i.ProcessId == processId && i.DefinitionVersion == version && i.Status == running)
            .OrderBy(i => i.Seq).Select(i => i.Id).ToList();
    }

    public IReadOnlyList<InstanceCount> InstanceCounts(string tenantId)
    {
        using var db = _db.Create();
        var running = nameof(InstanceStatus.Running);
        // One grouped scan of ix_instances_definition (tenant, process, version, status).
        return db.Instances.Where(i => i.TenantId == tenantId)
            .GroupBy(i => new { i.ProcessId, i.DefinitionVersion, Running = i.Status == running })
            .Select(g => new { g.Key.ProcessId, g.Key.DefinitionVersion, g.Key.Running, Count = g.LongCount() })
            .ToList()
            .GroupBy(r => (r.ProcessId, r.DefinitionVersion))
            .Select(g => new InstanceCount(g.Key.ProcessId, g.Key.DefinitionVersion, g.Where(r => r.Running).Sum(r => r.Count), g.Where(r => !r.Running).Sum(r => r.Count)))
            .ToList();
    }

    public IReadOnlyList<string> InstanceTree(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return db.Instances.Where(i => i.TenantId == tenantId && i.RootInstanceId == rootInstanceId)
            .OrderBy(i => i.Id == rootInstanceId ? 0 : 1).ThenBy(i => i.StartedAt).ThenBy(i => i.Seq)
            .Select(i => i.Id).ToList();
    }

    public IReadOnlyList<ElementInstanceRecord> History(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        var packs = db.HistoryActivityPacks.Where(p => p.TenantId == tenantId && p.RootInstanceId == rootInstanceId)
            .Select(p => new { p.Id, p.ActivityPack }).ToList().ToDictionary(p => p.Id, p => p.ActivityPack, StringComparer.Ordinal);
        return OfTree(db.History, tenantId, rootInstanceId)
            .Select(h => new ElementInstanceRecord
            {
                Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
                ElementId = h.ElementId, ElementType = h.ElementType, ElementName = h.ElementName, StartedAt = Ticks.At(h.StartedAt),
                EndedAt = Ticks.At(h.EndedAt), Completed = h.Completed, Sequence = h.Sequence, ArrivedBy = h.ArrivedBy,
                ActivityPack = packs.Count == 0 ? null : packs.GetValueOrDefault(h.Id),
            }).ToList();
    }

    public IReadOnlyList<StartTimerState> StartTimers(string tenantId)
    {
        using var db = _db.Create();
        return db.StartTimers.Where(t => t.TenantId == tenantId).OrderBy(t => t.Seq).Select(t => t.Document).ToList()
            .Select(RuntimeJson.Deserialize<StartTimerState>).ToList();
    }
}
