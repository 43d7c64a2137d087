using EGov.Workflows.Runtime.Store;
using Npgsql;

namespace EGov.Workflows.Persistence.Data.Postgres;

/// <summary>
/// Commits on PostgreSQL: a pooled connection of the data source, one transaction, the change set as one batch. Read
/// committed plus the revision check in each UPDATE's WHERE: a concurrent command on the same instance waits for the
/// row lock, then finds the revision moved and updates nothing, which fails its commit.
/// </summary>
internal sealed class PostgresCommit(NpgsqlDataSource dataSource, Func<Action<RuntimeChangeSet>?> beforeCommit) : IChangeSetCommitter
{
    public void Commit(RuntimeChangeSet changes)
    {
        using var connection = dataSource.OpenConnection();
        using var tx = connection.BeginTransaction();
        using var sink = new PostgresSink(connection, tx);
        ChangeSetWriter.WriteChecked(sink, changes, beforeCommit());
        tx.Commit(); // any exception above leaves through Dispose: ROLLBACK, nothing written
    }

    public void Dispose() { } // the data source belongs to the store
}
