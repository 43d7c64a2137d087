using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Commits on SQLite through one writer connection (SQLite has one writer anyway), grouping the commits that arrive
/// together (<see cref="GroupCommitter"/>): the leader writes every change set queued by then in one transaction, each inside its own
/// SAVEPOINT, so a conflict or error rolls back only that change set and fails only its caller; the others share one
/// COMMIT (one WAL append, each page written once). Every caller returns only after the COMMIT that holds its change
/// set, or with its own error. Sequential callers get a group of one: one plain transaction.
/// </summary>
internal sealed class SqliteGroupCommit : GroupCommitter
{
    private static readonly SqlText Savepoint = new("SAVEPOINT change_set");
    private static readonly SqlText Release = new("RELEASE change_set");
    private static readonly SqlText RollbackTo = new("ROLLBACK TO change_set");
    private static readonly SqlText NoAutomaticCheckpoints = new("PRAGMA wal_autocheckpoint=0");
    private static readonly SqlText TruncateWal = new("PRAGMA wal_checkpoint(TRUNCATE)");
    private static readonly SqlText ShortWait = new("PRAGMA busy_timeout=1000");

    private SqliteSession? _session;
    private volatile bool _reopen;

    /// <summary>The writer closes its connection before its next write and opens the file anew (a volume writable again).</summary>
    internal void ReopenBeforeNextWrite() => _reopen = true;
    private readonly DurableStoreOptions _options;
    private readonly Func<Action<RuntimeChangeSet>?> _beforeCommit;
    private readonly SqliteFileGuard? _guard;
    private readonly SqliteCheckpointer _checkpointer;

    /// <param name="guard">Checked before every group: a deleted or replaced database file fails the group (nothing written).</param>
    public SqliteGroupCommit(DurableStoreOptions options, string databasePath, SqliteFileGuard? guard, Func<Action<RuntimeChangeSet>?> beforeCommit)
        : base(maxGroup: int.MaxValue)
    {
        _options = options;
        _beforeCommit = beforeCommit;
        _guard = guard;
        _checkpointer = new SqliteCheckpointer(options, databasePath, guard);
    }

    /// <summary>
    /// Test seam (fault injection): a statement run on the writer's connection before each group, e.g.
    /// <c>PRAGMA max_page_count</c> (the database is "full": SQLite's own SQLITE_FULL) or <c>PRAGMA query_only</c> (read-only).
    /// </summary>
    internal volatile string? FaultPragma;

    /// <summary>The WAL's checkpoints (size, peak, truncations).</summary>
    public SqliteCheckpointer Checkpoints => _checkpointer;

    protected override void WriteGroup(List<Pending> group)
    {
        try
        {
            _guard?.Check();
            if (_reopen)
            {
                _reopen = false;
                DropSession();
            }
            var session = _session ??= WriterSession();
            if (FaultPragma is { } fault)
            {
                using var f = session.Connection.CreateCommand();
                f.CommandText = fault;
                f.ExecuteNonQuery();
            }
            using var tx = session.Connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            var sink = new SqliteSink(session, tx);
            var seam = _beforeCommit();
            if (group.Count == 1)
                ChangeSetWriter.WriteChecked(sink, group[0].Changes, seam); // an error rolls back the whole transaction
            else
                foreach (var p in group) WriteInSavepoint(session, tx, sink, p, seam);
            tx.Commit();
            if (_checkpointer.Committed() > _options.WalSizeLimit) TruncateWalNow(session);
        }
        catch (Exception e)
        {
            foreach (var p in group) p.Error ??= e;
            if (e is not (Runtime.Store.ConcurrencyConflictException or Runtime.InstanceQuotaException)) DropSession(); // a broken connection is not reused
        }
    }

    /// <summary>
    /// The bound: the WAL passed the limit, so this group's leader copies it back and cuts it to zero before it returns (its
    /// callers have committed; the next group waits). The writer does it, not the checkpoint thread: a TRUNCATE needs the
    /// write lock, which the writer holds anyway; the two take turns through <see cref="SqliteCheckpointer.Gate"/>. Most pages were
    /// copied back by the thread's PASSIVE rounds already, so little is left to do. When a reader or the thread's checkpoint
    /// is in the way, the next commit tries again.
    /// </summary>
    private void TruncateWalNow(SqliteSession session)
    {
        // It waits at most a second for readers to leave the WAL (the commits queued behind it wait too), not the busy timeout,
        // and for the checkpoint thread's round to end (SQLite fails a second checkpointer at once, without waiting).
        if (!_checkpointer.Gate.Wait(TimeSpan.FromSeconds(1))) return;
        try
        {
            Run(session, null, ShortWait);
            session.Bind(TruncateWal, null, out var cmd);
            using var r = cmd.ExecuteReader();
            if (r.Read() && r.GetInt64(0) == 0) _checkpointer.WriterTruncated();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // busy: the checkpoint thread tries again; the commit itself succeeded
        }
        finally
        {
            _checkpointer.Gate.Release();
            try { Run(session, null, BusyTimeout); } catch (Microsoft.Data.Sqlite.SqliteException) { DropSession(); }
        }
    }

    private static void WriteInSavepoint(SqliteSession session, Microsoft.Data.Sqlite.SqliteTransaction tx, SqliteSink sink, Pending p, Action<RuntimeChangeSet>? seam)
    {
        Run(session, tx, Savepoint);
        try
        {
            ChangeSetWriter.WriteChecked(sink, p.Changes, seam);
            Run(session, tx, Release);
        }
        catch (Exception e) when (e is not Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 10 or 11 or 13 }) // busy, locked, I/O, corrupt, full: the transaction is gone, fail the group
        {
            // ROLLBACK TO keeps the savepoint open; RELEASE closes it (its changes are undone by then).
            Run(session, tx, RollbackTo);
            Run(session, tx, Release);
            p.Error = e;
        }
    }

    private static void Run(SqliteSession session, Microsoft.Data.Sqlite.SqliteTransaction? tx, SqlText sql)
    {
        session.Bind(sql, tx, out var cmd);
        cmd.ExecuteNonQuery();
    }

    private SqlText BusyTimeout => _busyTimeout ??= new SqlText($"PRAGMA busy_timeout={(int)_options.BusyTimeout.TotalMilliseconds}");
    private SqlText? _busyTimeout;

    /// <summary>The writer's connection: it leaves checkpoints to <see cref="SqliteCheckpointer"/>.</summary>
    private SqliteSession WriterSession()
    {
        var session = new SqliteSession(_options);
        Run(session, null, NoAutomaticCheckpoints);
        return session;
    }

    private void DropSession()
    {
        _session?.Dispose();
        _session = null;
    }

    public override void Dispose()
    {
        _checkpointer.Dispose();
        DropSession();
    }
}
