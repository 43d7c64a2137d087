using System.Data.Common;
using EGov.Workflows.Persistence.Data.Sql;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>Runs each statement at once on the writer session's prepared commands (in-process: no round trip to save).</summary>
internal sealed class SqliteSink(SqliteSession session, SqliteTransaction tx) : IStatementSink
{
    private readonly List<int> _affected = [];
    private SqliteCommand? _current;

    public ISqlParams Begin(SqlText sql) => session.Bind(sql, tx, out _current);

    public int End()
    {
        _affected.Add(_current!.ExecuteNonQuery());
        _current = null;
        return _affected.Count - 1;
    }

    public void Flush() { }

    public int RowsAffected(int handle) => _affected[handle];

    public List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read)
    {
        bind(session.Bind(sql, tx, out var cmd));
        var rows = new List<T>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add(read(r));
        return rows;
    }
}
