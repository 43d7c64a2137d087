using System.Data.Common;
using EGov.Workflows.Persistence.Data.Sql;
using Npgsql;

namespace EGov.Workflows.Persistence.Data.Postgres;

/// <summary>
/// Queues a commit's statements into one <see cref="NpgsqlBatch"/>: the whole change set goes to the server in one round
/// trip at <see cref="Flush"/> (BEGIN travels with it; COMMIT is the second and last).
/// </summary>
internal sealed class PostgresSink(NpgsqlConnection connection, NpgsqlTransaction tx) : IStatementSink, IDisposable
{
    private readonly NpgsqlBatch _batch = new(connection, tx);
    private NpgsqlBatchCommand? _current;
    private bool _flushed;

    public ISqlParams Begin(SqlText sql)
    {
        _current = new NpgsqlBatchCommand(sql.Postgres);
        return new PostgresParams(_current.Parameters);
    }

    public int End()
    {
        if (_flushed) throw new InvalidOperationException("the batch already ran");
        _batch.BatchCommands.Add(_current!);
        _current = null;
        return _batch.BatchCommands.Count - 1;
    }

    public void Flush()
    {
        if (_flushed) return;
        _flushed = true;
        if (_batch.BatchCommands.Count > 0) _batch.ExecuteNonQuery();
    }

    public int RowsAffected(int handle) => _batch.BatchCommands[handle].RecordsAffected;

    public List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read) =>
        PostgresReader.Query(connection, tx, sql, bind, read);

    public void Dispose() => _batch.Dispose();
}

/// <summary>Hot reads on a pooled connection of the store's data source (no DbContext, no query pipeline).</summary>
internal sealed class PostgresReader(NpgsqlDataSource dataSource) : IRowReader
{
    public List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read)
    {
        using var connection = dataSource.OpenConnection();
        return Query(connection, null, sql, bind, read);
    }

    public static List<T> Query<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read)
    {
        using var cmd = new NpgsqlCommand(sql.Postgres, connection, tx);
        bind(new PostgresParams(cmd.Parameters));
        var rows = new List<T>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(read(r));
        return rows;
    }
}
