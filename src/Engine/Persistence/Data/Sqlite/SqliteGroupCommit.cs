using System.Runtime.ExceptionServices;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Commits on SQLite through one writer connection (SQLite has one writer anyway), grouping the commits that arrive
/// together: whoever gets the writer writes every change set queued by then in one transaction, each inside its own
/// SAVEPOINT, so a conflict or error rolls back only that change set and fails only its caller; the others share one
/// COMMIT (one WAL append, each page written once). Every caller returns only after the COMMIT that holds its change
/// set, or with its own error. Sequential callers get a group of one: one plain transaction.
/// </summary>
internal sealed class SqliteGroupCommit : IChangeSetCommitter
{
    private static readonly SqlText Savepoint = new("SAVEPOINT change_set");
    private static readonly SqlText Release = new("RELEASE change_set");
    private static readonly SqlText RollbackTo = new("ROLLBACK TO change_set");
    private static readonly SqlText NoAutomaticCheckpoints = new("PRAGMA wal_autocheckpoint=0");
    private static readonly SqlText TruncateWal = new("PRAGMA wal_checkpoint(TRUNCATE)");
    private static readonly SqlText ShortWait = new("PRAGMA busy_timeout=1000");

    private readonly object _lock = new(); // guards _queue and _writing; never held while writing
    private readonly List<Pending> _queue = [];
    private bool _writing;
    private SqliteSession? _session;
    private readonly DurableStoreOptions _options;
    private readonly Func<Action<RuntimeChangeSet>?> _beforeCommit;
    private readonly SqliteFileGuard? _guard;
    private readonly SqliteCheckpointer _checkpointer;

    /// <param name="guard">Checked before every group: a deleted or replaced database file fails the group (nothing written).</param>
    public SqliteGroupCommit(DurableStoreOptions options, string databasePath, SqliteFileGuard? guard, Func<Action<RuntimeChangeSet>?> beforeCommit)
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

    /// <summary>
    /// Commits <paramref name="changes"/> (maybe with others); throws what failed it. The first caller to find the writer
    /// free leads: it writes its change set and everything queued meanwhile, then hands the writer to the first caller
    /// that queued during its write (who takes everything queued by then). The others sleep until their group committed:
    /// each caller is woken once, to return or to lead, and no lock is held while the database works.
    /// </summary>
    public void Commit(RuntimeChangeSet changes)
    {
        var mine = new Pending(changes);
        lock (_lock)
        {
            if (_writing) _queue.Add(mine.Waiting());
            else _writing = true;
        }
        if (mine.Signal is { } signal)
        {
            signal.Wait(); // not disposed: the leader may still be inside Set(); without a wait handle there is nothing to free
            if (mine.Done)
            {
                if (mine.Error is { } e) ExceptionDispatchInfo.Throw(e);
                return;
            }
        }
        Lead(mine);
        if (mine.Error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void Lead(Pending mine)
    {
        List<Pending> group = [mine];
        lock (_lock)
        {
            group.AddRange(_queue);
            _queue.Clear();
        }
        try
        {
            WriteGroup(group);
        }
        finally
        {
            foreach (var p in group)
                if (p != mine) p.Finish();
            Pending? next = null;
            lock (_lock)
            {
                if (_queue.Count > 0)
                {
                    next = _queue[0];
                    _queue.RemoveAt(0);
                }
                else _writing = false;
            }
            next?.Signal!.Set(); // not done: it leads the next group
        }
    }

    /// <summary>The most change sets one transaction held (tests: did commits group at all).</summary>
    public int LargestGroup { get; private set; }

    /// <summary>Callers waiting for the writer now (tests: a group forms behind a slow commit).</summary>
    public int Queued
    {
        get { lock (_lock) return _queue.Count; }
    }

    private void WriteGroup(List<Pending> group)
    {
        LargestGroup = Math.Max(LargestGroup, group.Count);
        try
        {
            _guard?.Check();
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

    public void Dispose()
    {
        _checkpointer.Dispose();
        DropSession();
    }

    private sealed class Pending(RuntimeChangeSet changes)
    {
        public RuntimeChangeSet Changes { get; } = changes;
        public Exception? Error { get; set; }

        /// <summary>Set before <see cref="Signal"/> wakes a caller whose group committed (or failed); unset: lead.</summary>
        public bool Done { get; private set; }

        /// <summary>Only for a caller that queued: woken once. Little spinning: on a few cores the writer needs them.</summary>
        public ManualResetEventSlim? Signal { get; private set; }

        public Pending Waiting()
        {
            Signal = new ManualResetEventSlim(false, spinCount: 1);
            return this;
        }

        public void Finish()
        {
            Done = true;
            Signal!.Set();
        }
    }
}
