using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Postgres;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Persistence.Data.Sqlite;
using EGov.Workflows.Persistence.Schema;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence;

/// <summary>
/// The durable <see cref="IRuntimeStore"/> on EF Core (SQLite or PostgreSQL): one JSON document per instance with a
/// revision, index rows (subscriptions, jobs with their leases, user tasks, external tasks, incidents) rewritten in the
/// same transaction, append-only history, start timers and deployments. Every <see cref="Commit"/> is one transaction:
/// all of it is written, or nothing. Every query filters by tenant. The schema is created or upgraded on construction.
/// Thread-safe: a commit goes through the provider's committer; each read uses its own connection.
/// </summary>
public sealed partial class EfRuntimeStore : IRuntimeStore, IDisposable
{
    private static readonly SqlText LoadDocument = new("SELECT document, revision FROM instances WHERE tenant_id = @p0 AND id = @p1");

    private readonly DbFactory _db;
    private readonly IChangeSetCommitter _committer;
    private readonly IRowReader _reader;
    private readonly SqliteFileGuard? _guard;
    private readonly string _openedWith;
    private int _disposed;

    /// <param name="options">Where the tables are.</param>
    /// <param name="migrate">Create or upgrade the schema now (default); false when a caller already did.</param>
    /// <remarks>
    /// A SQLite file is created (by the migration) only here; every connection the store opens afterwards opens the file
    /// read-write without creating it, and the file's identity is remembered (<see cref="SqliteFileGuard"/>): a store whose
    /// file is deleted or replaced while it runs refuses writes instead of writing into a file nobody will read again.
    /// </remarks>
    public EfRuntimeStore(DurableStoreOptions options, bool migrate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        _openedWith = options.ConnectionString;
        IReadOnlyList<int> applied = migrate ? SchemaMigrator.Migrate(options) : [];
        if (options.Provider == StoreProvider.Sqlite)
        {
            var csb = new SqliteConnectionStringBuilder(options.ConnectionString) { Mode = SqliteOpenMode.ReadWrite };
            options = options with { ConnectionString = csb.ToString() };
            DatabasePath = csb.DataSource;
            _guard = new SqliteFileGuard(csb.DataSource);
        }
        Options = options;
        if (applied.Contains(7) && !applied.Contains(1)) RebuildTaskInbox(); // an existing database gets the Postkorb's index
        _db = new DbFactory(options);
        if (_db.DataSource is { } pg)
        {
            _committer = new PostgresGroupCommit(pg, () => BeforeTransactionCommit);
            _reader = new PostgresReader(pg);
        }
        else
        {
            _committer = new SqliteGroupCommit(options, DatabasePath!, _guard, () => BeforeTransactionCommit);
            _reader = new SqliteSessionPool(options);
        }
    }

    public DurableStoreOptions Options { get; }

    /// <summary>SQLite: the database file (full path); null on PostgreSQL.</summary>
    public string? DatabasePath { get; }

    /// <summary>SQLite: the write-ahead log's size now, in bytes; 0 on PostgreSQL.</summary>
    public long WalBytes => SqliteCommits?.Checkpoints.WalBytes ?? 0;

    /// <summary>SQLite: the largest write-ahead log seen after a commit since the store opened (the bench reports it); 0 on PostgreSQL.</summary>
    public long PeakWalBytes => SqliteCommits?.Checkpoints.PeakWalBytes ?? 0;

    /// <summary>Throws <see cref="Faults.StoreUnavailableException"/> when the SQLite file was deleted or replaced (before a write).</summary>
    private void CheckFile() => _guard?.Check();

    /// <summary>SQLite: the writer that groups concurrent commits (tests look at its groups); null on PostgreSQL.</summary>
    internal SqliteGroupCommit? SqliteCommits => _committer as SqliteGroupCommit;

    /// <summary>The writer that groups concurrent commits, on either provider (tests look at its groups).</summary>
    internal GroupCommitter GroupCommits => (GroupCommitter)_committer;

    /// <summary>Test seam: runs after every row of a change set is written and before the transaction commits.</summary>
    internal Action<RuntimeChangeSet>? BeforeTransactionCommit { get; set; }

    public ProcessInstanceState? Load(string tenantId, string instanceId)
    {
        var rows = _reader.Query(LoadDocument, p => p.Text(tenantId).Text(instanceId), r => (Document: r.GetString(0), Revision: r.GetInt64(1)));
        if (rows.Count == 0) return null;
        var s = RuntimeJson.Deserialize<ProcessInstanceState>(rows[0].Document);
        s.Revision = rows[0].Revision;
        return s;
    }

    /// <summary>
    /// One transaction of hand-written, prepared statements (no change tracker), shared by concurrent commits: SQLite
    /// writes a group in one transaction, each change set in its own savepoint; PostgreSQL sends a group as one batch and
    /// one COMMIT (a failing change set makes it write that group again with a savepoint per change set).
    /// </summary>
    public void Commit(RuntimeChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty) return;
        var tenant = changes.TenantId;
        foreach (var s in changes.Instances)
            if (s.TenantId != tenant) throw new InvalidOperationException($"process instance {s.Id} belongs to tenant '{s.TenantId}', not to the committing tenant '{tenant}'");
        foreach (var t in changes.StartTimers)
            if (t.TenantId != tenant) throw new InvalidOperationException($"start timer {t.Id} belongs to tenant '{t.TenantId}', not to the committing tenant '{tenant}'");

        _committer.Commit(changes);
        foreach (var s in changes.Instances) s.Revision++;
    }

    /// <summary>Empties the provider's SQLite pools of this store's file (both connection strings it opened with).</summary>
    private void ClearSqlitePools()
    {
        using var c = new SqliteConnection(Options.ConnectionString);
        SqliteConnection.ClearPool(c);
        using var m = new SqliteConnection(_openedWith);
        SqliteConnection.ClearPool(m);
    }

    /// <summary>Closes the store's connections (so a SQLite file can be deleted afterwards).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _committer.Dispose();
        (_reader as IDisposable)?.Dispose();
        _db.Dispose();
        // The schema migrator opened its connection from the provider's global pool (keyed by the connection string).
        if (Options.Provider == StoreProvider.Sqlite) ClearSqlitePools();
        else
        {
            using var c = new NpgsqlConnection(Options.ConnectionString);
            NpgsqlConnection.ClearPool(c);
        }
    }
}
