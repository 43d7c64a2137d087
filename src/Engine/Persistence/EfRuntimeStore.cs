using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Schema;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EGov.Workflows.Persistence;

/// <summary>
/// The durable <see cref="IRuntimeStore"/> on EF Core (SQLite or PostgreSQL): one JSON document per instance with a
/// revision, index rows (subscriptions, jobs with their leases, user tasks, external tasks, incidents) rewritten in the
/// same transaction, append-only history, start timers and deployments. Every <see cref="Commit"/> is one transaction:
/// all of it is written, or nothing. Every query filters by tenant. The schema is created or upgraded on construction.
/// Thread-safe: each call uses its own context and connection.
/// </summary>
public sealed partial class EfRuntimeStore : IRuntimeStore, IDisposable
{
    private readonly DbFactory _db;

    /// <param name="options">Where the tables are.</param>
    /// <param name="migrate">Create or upgrade the schema now (default); false when a caller already did.</param>
    public EfRuntimeStore(DurableStoreOptions options, bool migrate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        if (migrate) SchemaMigrator.Migrate(options);
        _db = new DbFactory(options);
    }

    public DurableStoreOptions Options { get; }

    /// <summary>Test seam: runs after every row of a commit is written and before the transaction commits.</summary>
    internal Action<RuntimeChangeSet>? BeforeTransactionCommit { get; set; }

    public ProcessInstanceState? Load(string tenantId, string instanceId)
    {
        using var db = _db.Create();
        var row = db.Instances.Where(r => r.TenantId == tenantId && r.Id == instanceId)
            .Select(r => new { r.Document, r.Revision }).FirstOrDefault();
        if (row is null) return null;
        var s = RuntimeJson.Deserialize<ProcessInstanceState>(row.Document);
        s.Revision = row.Revision;
        return s;
    }

    public void Commit(RuntimeChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty) return;
        var tenant = changes.TenantId;
        foreach (var s in changes.Instances)
            if (s.TenantId != tenant) throw new InvalidOperationException($"process instance {s.Id} belongs to tenant '{s.TenantId}', not to the committing tenant '{tenant}'");
        foreach (var t in changes.StartTimers)
            if (t.TenantId != tenant) throw new InvalidOperationException($"start timer {t.Id} belongs to tenant '{t.TenantId}', not to the committing tenant '{tenant}'");

        using var db = _db.Create();
        using (var tx = db.Database.BeginTransaction()) // SQLite: BEGIN IMMEDIATE (the one writer); PostgreSQL: read committed + revision check
        {
            try
            {
                foreach (var s in changes.Instances) WriteInstance(db, s);
                foreach (var h in changes.History) db.History.Add(ToRow(h, tenant));
                WriteHistoryDetails(db, tenant, changes);
                WriteStartTimers(db, tenant, changes);
                db.SaveChanges();
                BeforeTransactionCommit?.Invoke(changes);
                tx.Commit();
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e))
            {
                throw new ConcurrencyConflictException("a process instance was created by another command at the same time", e);
            }
        }
        foreach (var s in changes.Instances) s.Revision++;
    }

    private static void WriteInstance(RuntimeDbContext db, ProcessInstanceState s)
    {
        var read = s.Revision;
        string json;
        s.Revision = read + 1; // the document carries the revision it is stored at
        try { json = RuntimeJson.Serialize(s); }
        finally { s.Revision = read; }

        var status = s.Status.ToString();
        var ended = Ticks.Of(s.EndedAt);
        if (read == 0)
        {
            // No query first: an instance that exists already fails the (tenant_id, id) key at SaveChanges, which Commit
            // reports as a ConcurrencyConflictException (one round trip less per start).
            db.Instances.Add(new InstanceRow
            {
                TenantId = s.TenantId, Id = s.Id, RootInstanceId = s.RootInstanceId, ParentInstanceId = s.ParentInstanceId,
                ProcessId = s.ProcessId, DefinitionVersion = s.DefinitionVersion, BusinessKey = s.BusinessKey, Status = status,
                StartedAt = Ticks.Of(s.StartedAt), EndedAt = ended, Revision = 1, Document = json,
            });
        }
        else
        {
            var updated = db.Instances
                .Where(r => r.TenantId == s.TenantId && r.Id == s.Id && r.Revision == read)
                .ExecuteUpdate(u => u
                    .SetProperty(r => r.Document, json)
                    .SetProperty(r => r.Revision, read + 1)
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.EndedAt, ended)
                    .SetProperty(r => r.BusinessKey, s.BusinessKey)
                    .SetProperty(r => r.DefinitionVersion, s.DefinitionVersion));
            if (updated == 0)
            {
                var current = db.Instances.Where(r => r.TenantId == s.TenantId && r.Id == s.Id).Select(r => (long?)r.Revision).FirstOrDefault();
                throw new ConcurrencyConflictException(current is null
                    ? $"process instance {s.Id} does not exist (read at revision {read})"
                    : $"process instance {s.Id} was changed by another command (revision {current}, read at {read})");
            }
        }
        IndexWriter.Write(db, s, isNew: read == 0);
    }

    private static void WriteStartTimers(RuntimeDbContext db, string tenant, RuntimeChangeSet changes)
    {
        if (changes.RemovedStartTimerIds.Count > 0)
        {
            var ids = changes.RemovedStartTimerIds.Distinct(StringComparer.Ordinal).ToList();
            db.StartTimers.Where(r => r.TenantId == tenant && ids.Contains(r.Id)).ExecuteDelete();
        }
        foreach (var t in changes.StartTimers)
        {
            var json = RuntimeJson.Serialize(t);
            var existing = db.StartTimers.AsTracking().FirstOrDefault(r => r.TenantId == tenant && r.Id == t.Id);
            if (existing is null)
            {
                db.StartTimers.Add(new StartTimerRow { TenantId = tenant, Id = t.Id, ProcessId = t.ProcessId, DueAt = Ticks.Of(t.DueAt), Document = json });
                continue;
            }
            existing.ProcessId = t.ProcessId;
            existing.Document = json;
            if (existing.DueAt != Ticks.Of(t.DueAt))
            {
                existing.DueAt = Ticks.Of(t.DueAt);
                existing.LockOwner = null; // rescheduled: whoever fired it is done with it
                existing.LockExpiresAt = null;
            }
        }
    }

    private static HistoryElementInstanceRow ToRow(ElementInstanceRecord h, string tenant) => new()
    {
        TenantId = tenant, Id = h.Id, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
        ElementId = h.ElementId, ElementType = h.ElementType, ElementName = h.ElementName, StartedAt = Ticks.Of(h.StartedAt),
        EndedAt = Ticks.Of(h.EndedAt), Completed = h.Completed, Sequence = h.Sequence,
    };

    private static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>Returns pooled connections (so a SQLite file can be deleted afterwards).</summary>
    public void Dispose()
    {
        if (Options.Provider == StoreProvider.Sqlite)
        {
            using var c = new SqliteConnection(Options.ConnectionString);
            SqliteConnection.ClearPool(c);
        }
        else
        {
            using var c = new NpgsqlConnection(Options.ConnectionString);
            NpgsqlConnection.ClearPool(c);
        }
    }
}
