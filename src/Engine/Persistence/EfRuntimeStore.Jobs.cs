using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Jobs;
using EGov.Workflows.Runtime.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;

namespace EGov.Workflows.Persistence;

// Job leases: lock owner and expiry on the job and start-timer rows. PostgreSQL selects with FOR UPDATE SKIP LOCKED, so
// nodes acquiring at once skip each other's rows instead of waiting; SQLite has one writer (BEGIN IMMEDIATE) anyway.
public sealed partial class EfRuntimeStore : IJobLeaseStore
{
    public IReadOnlyList<LeasedJob> AcquireDueJobs(string? tenantId, string owner, Duration lease, int max, Instant now)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0) return [];
        CheckFile();
        var expires = now + lease;
        using var db = _db.Create();
        using var tx = db.Database.BeginTransaction();
        var conn = db.Database.GetDbConnection();
        var dbTx = tx.GetDbTransaction();
        var found = new List<LeasedJob>();

        // Start timers first, but at most half the batch, so neither a flood of jobs nor one of start timers shuts out the other.
        using (var cmd = Command(conn, dbTx, _db.IsSqlite ? SqliteAcquireTimers(tenantId) : PostgresAcquireTimers(tenantId), tenantId, owner, now, expires, max - max / 2))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                found.Add(new LeasedJob(r.GetString(0), new DueWork(DueWorkKind.StartTimer, Ticks.At(r.GetInt64(2)), null, r.GetString(1)), owner, expires, r.GetInt32(3)));

        using (var cmd = Command(conn, dbTx, _db.IsSqlite ? SqliteAcquireJobs(tenantId) : PostgresAcquireJobs(tenantId), tenantId, owner, now, expires, max - found.Count))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                found.Add(new LeasedJob(r.GetString(0), new DueWork(DueWorkKind.Job, Ticks.At(r.GetInt64(3)), r.GetString(1), r.GetString(2)), owner, expires, r.GetInt32(4)));

        tx.Commit();
        return InTurns(found);
    }

    /// <summary>
    /// The batch in the order it runs: every tenant's earliest job first, then every tenant's second, and so on (earliest
    /// first within a turn), so a tenant with one due timer waits for at most one job of each other tenant.
    /// </summary>
    internal static List<LeasedJob> InTurns(IEnumerable<LeasedJob> jobs) =>
        jobs.GroupBy(j => j.TenantId, StringComparer.Ordinal)
            .SelectMany(g => g.OrderBy(j => j.Work.DueAt).Select((j, turn) => (Job: j, Turn: turn)))
            .OrderBy(x => x.Turn).ThenBy(x => x.Job.Work.DueAt).Select(x => x.Job).ToList();

    public void Release(LeasedJob job, Instant? retryAt = null, LeaseEnd end = LeaseEnd.Finished)
    {
        ArgumentNullException.ThrowIfNull(job);
        CheckFile();
        using var db = _db.Create();
        var owner = job.Owner;
        var until = Ticks.Of(retryAt);
        if (job.Work.Kind == DueWorkKind.StartTimer)
        {
            var row = db.StartTimers.Where(t => t.TenantId == job.TenantId && t.Id == job.Work.Id && t.LockOwner == owner);
            _ = end switch
            {
                LeaseEnd.Finished => row.ExecuteUpdate(u => u.SetProperty(t => t.LockOwner, (string?)null).SetProperty(t => t.LockExpiresAt, until).SetProperty(t => t.Attempts, 0)),
                LeaseEnd.Untouched => row.ExecuteUpdate(u => u.SetProperty(t => t.LockOwner, (string?)null).SetProperty(t => t.LockExpiresAt, until).SetProperty(t => t.Attempts, t => t.Attempts > 0 ? t.Attempts - 1 : 0)),
                _ => row.ExecuteUpdate(u => u.SetProperty(t => t.LockOwner, (string?)null).SetProperty(t => t.LockExpiresAt, until)),
            };
        }
        else
        {
            var row = db.Jobs.Where(j => j.TenantId == job.TenantId && j.InstanceId == job.Work.InstanceId && j.JobId == job.Work.Id && j.Kind == JobKind && j.LockOwner == owner);
            _ = end switch
            {
                LeaseEnd.Finished => row.ExecuteUpdate(u => u.SetProperty(j => j.LockOwner, (string?)null).SetProperty(j => j.LockExpiresAt, until).SetProperty(j => j.Attempts, 0)),
                LeaseEnd.Untouched => row.ExecuteUpdate(u => u.SetProperty(j => j.LockOwner, (string?)null).SetProperty(j => j.LockExpiresAt, until).SetProperty(j => j.Attempts, j => j.Attempts > 0 ? j.Attempts - 1 : 0)),
                _ => row.ExecuteUpdate(u => u.SetProperty(j => j.LockOwner, (string?)null).SetProperty(j => j.LockExpiresAt, until)),
            };
        }
    }

    public int ReleaseAll(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        CheckFile();
        using var db = _db.Create();
        return db.Jobs.Where(j => j.LockOwner == owner).ExecuteUpdate(u => u.SetProperty(j => j.LockOwner, (string?)null).SetProperty(j => j.LockExpiresAt, (long?)null))
             + db.StartTimers.Where(t => t.LockOwner == owner).ExecuteUpdate(u => u.SetProperty(t => t.LockOwner, (string?)null).SetProperty(t => t.LockExpiresAt, (long?)null));
    }

    public int ExtendLeases(string owner, Instant until)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        CheckFile();
        var ticks = Ticks.Of(until);
        using var db = _db.Create();
        return db.Jobs.Where(j => j.LockOwner == owner).ExecuteUpdate(u => u.SetProperty(j => j.LockExpiresAt, (long?)ticks))
             + db.StartTimers.Where(t => t.LockOwner == owner).ExecuteUpdate(u => u.SetProperty(t => t.LockExpiresAt, (long?)ticks));
    }

    /// <summary>Who holds a job now, and until when (for tests and operators).</summary>
    public (string? Owner, Instant? ExpiresAt) LeaseOf(string tenantId, DueWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var db = _db.Create();
        var row = work.Kind == DueWorkKind.StartTimer
            ? db.StartTimers.Where(t => t.TenantId == tenantId && t.Id == work.Id).Select(t => new { t.LockOwner, t.LockExpiresAt }).FirstOrDefault()
            : db.Jobs.Where(j => j.TenantId == tenantId && j.InstanceId == work.InstanceId && j.JobId == work.Id && j.Kind == JobKind)
                .Select(j => new { j.LockOwner, j.LockExpiresAt }).FirstOrDefault();
        return row is null ? (null, null) : (row.LockOwner, row.LockExpiresAt is { } e ? Ticks.At(e) : null);
    }

    private static string TenantFilter(string? tenantId, string alias) => tenantId is null ? "" : $" AND {alias}tenant_id = @tenant";

    private static string FreeAndDue(string? tenantId, string alias = "") =>
        $"{alias}due_at <= @now AND ({alias}lock_expires_at IS NULL OR {alias}lock_expires_at <= @now){TenantFilter(tenantId, alias)}";

    // Fair between tenants: each free, due row gets its turn within its tenant (1 for the tenant's earliest), and the batch
    // takes the rows with the lowest turns. The attempt counter goes up with every lease (see LeasedJob.Attempts).
    private static string SqliteAcquireJobs(string? tenantId) => $"""
        UPDATE jobs SET lock_owner = @owner, lock_expires_at = @expires, attempts = attempts + 1
        WHERE rowid IN (
            SELECT rowid FROM (
                SELECT rowid, due_at, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY due_at) AS turn
                FROM jobs WHERE kind = 'Job' AND {FreeAndDue(tenantId)})
            ORDER BY turn, due_at LIMIT @max)
        RETURNING tenant_id, instance_id, job_id, due_at, attempts;
        """;

    private static string SqliteAcquireTimers(string? tenantId) => $"""
        UPDATE start_timers SET lock_owner = @owner, lock_expires_at = @expires, attempts = attempts + 1
        WHERE seq IN (
            SELECT seq FROM (
                SELECT seq, due_at, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY due_at) AS turn
                FROM start_timers WHERE {FreeAndDue(tenantId)})
            ORDER BY turn, due_at LIMIT @max)
        RETURNING tenant_id, id, due_at, attempts;
        """;

    // PostgreSQL: the turns are ranked without locks (a window cannot be locked), over sixteen batches' worth of candidates (so
    // nodes acquiring at once still find free rows among them), and
    // the rows are then locked with SKIP LOCKED, so nodes acquiring at once take different rows instead of waiting.
    private static string PostgresAcquireJobs(string? tenantId) => $"""
        WITH ranked AS (
            SELECT tenant_id, instance_id, job_id, kind, due_at, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY due_at) AS turn
            FROM jobs WHERE kind = 'Job' AND {FreeAndDue(tenantId)}
            ORDER BY turn, due_at LIMIT @max * 16),
        due AS (
            SELECT j.tenant_id, j.instance_id, j.job_id, j.kind FROM jobs j
            JOIN ranked r ON j.tenant_id = r.tenant_id AND j.instance_id = r.instance_id AND j.job_id = r.job_id AND j.kind = r.kind
            WHERE {FreeAndDue(tenantId, "j.")}
            ORDER BY r.turn, r.due_at LIMIT @max
            FOR UPDATE OF j SKIP LOCKED)
        UPDATE jobs j SET lock_owner = @owner, lock_expires_at = @expires, attempts = j.attempts + 1
        FROM due WHERE j.tenant_id = due.tenant_id AND j.instance_id = due.instance_id AND j.job_id = due.job_id AND j.kind = due.kind
        RETURNING j.tenant_id, j.instance_id, j.job_id, j.due_at, j.attempts;
        """;

    private static string PostgresAcquireTimers(string? tenantId) => $"""
        WITH ranked AS (
            SELECT seq, due_at, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY due_at) AS turn
            FROM start_timers WHERE {FreeAndDue(tenantId)}
            ORDER BY turn, due_at LIMIT @max * 16),
        due AS (
            SELECT s.seq FROM start_timers s JOIN ranked r ON s.seq = r.seq
            WHERE {FreeAndDue(tenantId, "s.")}
            ORDER BY r.turn, r.due_at LIMIT @max
            FOR UPDATE OF s SKIP LOCKED)
        UPDATE start_timers s SET lock_owner = @owner, lock_expires_at = @expires, attempts = s.attempts + 1
        FROM due WHERE s.seq = due.seq
        RETURNING s.tenant_id, s.id, s.due_at, s.attempts;
        """;

    private static DbCommand Command(DbConnection conn, DbTransaction tx, string sql, string? tenantId, string owner, Instant now, Instant expires, int max)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        Add(cmd, "@owner", owner);
        Add(cmd, "@now", Ticks.Of(now));
        Add(cmd, "@expires", Ticks.Of(expires));
        Add(cmd, "@max", max);
        if (tenantId is not null) Add(cmd, "@tenant", tenantId);
        return cmd;

        static void Add(DbCommand c, string name, object value)
        {
            var p = c.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            c.Parameters.Add(p);
        }
    }
}
