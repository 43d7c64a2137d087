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
internal sealed class SqliteGroupCommit(DurableStoreOptions options, Func<Action<RuntimeChangeSet>?> beforeCommit) : IChangeSetCommitter
{
    private static readonly SqlText Savepoint = new("SAVEPOINT change_set");
    private static readonly SqlText Release = new("RELEASE change_set");
    private static readonly SqlText RollbackTo = new("ROLLBACK TO change_set");
    private static readonly SqlText NoAutomaticCheckpoints = new("PRAGMA wal_autocheckpoint=0");

    private readonly object _lock = new(); // guards _queue and _writing; never held while writing
    private readonly List<Pending> _queue = [];
    private bool _writing;
    private SqliteSession? _session;
    private readonly SqliteCheckpointer _checkpointer = new(options);

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
            var session = _session ??= WriterSession();
            using var tx = session.Connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            var sink = new SqliteSink(session, tx);
            var seam = beforeCommit();
            if (group.Count == 1)
                ChangeSetWriter.WriteChecked(sink, group[0].Changes, seam); // an error rolls back the whole transaction
            else
                foreach (var p in group) WriteInSavepoint(session, tx, sink, p, seam);
            tx.Commit();
            _checkpointer.Committed();
        }
        catch (Exception e)
        {
            foreach (var p in group) p.Error ??= e;
            if (e is not Runtime.Store.ConcurrencyConflictException) DropSession(); // a broken connection is not reused
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

    /// <summary>The writer's connection: it leaves checkpoints to <see cref="SqliteCheckpointer"/>.</summary>
    private SqliteSession WriterSession()
    {
        var session = new SqliteSession(options);
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
