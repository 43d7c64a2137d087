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

    private readonly object _writer = new();
    private readonly List<Pending> _queue = [];
    private SqliteSession? _session;

    /// <summary>Commits <paramref name="changes"/> (maybe with others); throws what failed it.</summary>
    public void Commit(RuntimeChangeSet changes)
    {
        var mine = new Pending(changes);
        lock (_queue) _queue.Add(mine);
        lock (_writer)
        {
            if (!mine.Done)
            {
                List<Pending> group;
                lock (_queue)
                {
                    group = [.. _queue];
                    _queue.Clear();
                }
                WriteGroup(group);
            }
        }
        if (mine.Error is { } e) ExceptionDispatchInfo.Throw(e);
    }

    /// <summary>The most change sets one group held (for tests and the bench: did commits group at all).</summary>
    public int LargestGroup { get; private set; }

    private void WriteGroup(List<Pending> group)
    {
        LargestGroup = Math.Max(LargestGroup, group.Count);
        try
        {
            var session = _session ??= new SqliteSession(options);
            using var tx = session.Connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            var sink = new SqliteSink(session, tx);
            var seam = beforeCommit();
            if (group.Count == 1)
                ChangeSetWriter.WriteChecked(sink, group[0].Changes, seam); // an error rolls back the whole transaction
            else
                foreach (var p in group) WriteInSavepoint(session, tx, sink, p, seam);
            tx.Commit();
        }
        catch (Exception e)
        {
            foreach (var p in group) p.Error ??= e;
            if (e is not Runtime.Store.ConcurrencyConflictException) DropSession(); // a broken connection is not reused
        }
        finally
        {
            foreach (var p in group) p.Done = true;
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

    private static void Run(SqliteSession session, Microsoft.Data.Sqlite.SqliteTransaction tx, SqlText sql)
    {
        session.Bind(sql, tx, out var cmd);
        cmd.ExecuteNonQuery();
    }

    private void DropSession()
    {
        _session?.Dispose();
        _session = null;
    }

    public void Dispose()
    {
        lock (_writer) DropSession();
    }

    private sealed class Pending(RuntimeChangeSet changes)
    {
        public RuntimeChangeSet Changes { get; } = changes;
        public Exception? Error { get; set; }
        public volatile bool Done;
    }
}
