using System.Collections.Concurrent;
using System.Data.Common;
using EGov.Workflows.Persistence.Data.Sql;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Reader sessions: open connections with their prepared queries, rented per read. WAL lets them read while the writer
/// writes. Up to <see cref="MaxIdle"/> stay open between reads; more are closed when returned.
/// </summary>
internal sealed class SqliteSessionPool(DurableStoreOptions options) : IRowReader, IDisposable
{
    private const int MaxIdle = 32;
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private volatile bool _disposed;
    private volatile int _generation;

    public List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read)
    {
        var generation = _generation;
        var session = _idle.TryTake(out var s) ? s : new SqliteSession(options);
        try
        {
            bind(session.Bind(sql, null, out var cmd));
            var rows = new List<T>();
            using (var r = cmd.ExecuteReader())
                while (r.Read()) rows.Add(read(r));
            return rows;
        }
        finally
        {
            if (_disposed || _idle.Count >= MaxIdle || generation != _generation) session.Dispose();
            else _idle.Add(session);
        }
    }

    /// <summary>
    /// Closes the idle sessions, and those in use when they come back: the next reads open the file anew. SQLite shares one
    /// WAL index per file among a process's connections, read-only when the first of them could not write; only when all are
    /// closed does the next one open it read-write (see <see cref="EfRuntimeStore"/>'s readiness probe).
    /// </summary>
    public void Release()
    {
        _generation++;
        while (_idle.TryTake(out var s)) s.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var s)) s.Dispose();
    }
}
