using System.Data;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.Store;
using Npgsql;

namespace EGov.Workflows.Persistence.Data.Postgres;

/// <summary>
/// Commits on PostgreSQL, grouping the commits that arrive together (<see cref="GroupCommitter"/>): the leader sends every
/// change set of its group as one batch (one round trip: BEGIN and all their statements), checks each change set's
/// revisions, and COMMITs once (the second round trip, one WAL flush for them all). Read committed plus the revision check
/// in each UPDATE's WHERE: a concurrent command on the same instance waits for the row lock, then finds the revision moved
/// and updates nothing, which fails its commit.
/// <para>
/// When a change set of the group fails (a duplicate key, a stale revision, any error the server reports), the batch is
/// rolled back and the group written again one change set at a time, each inside its own SAVEPOINT: the failing one is
/// rolled back to its savepoint and fails only its caller; the others share the COMMIT. A group of one is one plain
/// transaction. A broken connection fails the whole group (nothing of it committed).
/// </para>
/// </summary>
internal sealed class PostgresGroupCommit(NpgsqlDataSource dataSource, Func<Action<RuntimeChangeSet>?> beforeCommit)
    : GroupCommitter(MaxChangeSets)
{
    /// <summary>The most change sets one batch carries (about six statements each on a straight-through start).</summary>
    public const int MaxChangeSets = 256;

    private static readonly SqlText Savepoint = new("SAVEPOINT change_set");
    private const string Release = "RELEASE change_set";
    private const string RollbackTo = "ROLLBACK TO change_set";

    /// <summary>Groups that had to be written again one change set at a time (tests: a conflict took the slow path).</summary>
    public int Rewritten => _rewritten;
    private int _rewritten;

    protected override void WriteGroup(List<Pending> group)
    {
        using var connection = dataSource.OpenConnection();
        var seam = beforeCommit();
        if (group.Count == 1)
        {
            using var tx = connection.BeginTransaction();
            using (var sink = new PostgresSink(connection, tx))
                ChangeSetWriter.WriteChecked(sink, group[0].Changes, seam);
            tx.Commit(); // any exception above leaves through Dispose: ROLLBACK, nothing written
            return;
        }
        if (TryAsOneBatch(connection, group, seam)) return;
        Interlocked.Increment(ref _rewritten);
        WriteInSavepoints(connection, group, seam);
    }

    /// <summary>
    /// The whole group as one batch and one COMMIT. False (rolled back, nothing written) when any change set failed in a
    /// way the server reported — a duplicate key, a stale revision, an error of a statement or of the test seam.
    /// </summary>
    private static bool TryAsOneBatch(NpgsqlConnection connection, List<Pending> group, Action<RuntimeChangeSet>? seam)
    {
        using var tx = connection.BeginTransaction();
        try
        {
            using (var sink = new PostgresSink(connection, tx))
            {
                var checks = new List<ChangeSetWriter.RevisionCheck>(group.Count);
                foreach (var p in group) ChangeSetWriter.Write(sink, p.Changes, checks);
                sink.Flush();
                if (ChangeSetWriter.FirstStale(sink, checks) is not null) return false; // Dispose rolls back
            }
            if (seam is not null)
                foreach (var p in group) seam(p.Changes);
        }
        catch (Exception) when (IsOpen(connection))
        {
            return false; // the change sets are tried one by one: each gets its own error
        }
        tx.Commit();
        return true;
    }

    private static void WriteInSavepoints(NpgsqlConnection connection, List<Pending> group, Action<RuntimeChangeSet>? seam)
    {
        using var tx = connection.BeginTransaction();
        foreach (var p in group)
        {
            try
            {
                using (var sink = new PostgresSink(connection, tx))
                {
                    sink.Begin(Savepoint);
                    sink.End(); // travels with the change set's statements
                    ChangeSetWriter.WriteChecked(sink, p.Changes, seam);
                }
                Run(connection, tx, Release);
            }
            catch (Exception e) when (IsOpen(connection))
            {
                // ROLLBACK TO undoes the change set and ends the aborted state; the savepoint stays until RELEASE.
                Run(connection, tx, RollbackTo);
                Run(connection, tx, Release);
                p.Error = e;
            }
        }
        tx.Commit();
    }

    private static bool IsOpen(NpgsqlConnection connection) => connection.FullState == ConnectionState.Open;

    private static void Run(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.ExecuteNonQuery();
    }

    public override void Dispose() { } // the data source belongs to the store
}
