using EGov.Workflows.Persistence.Data.Sql;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a thread of its own, instead of inside whichever commit crossed
/// SQLite's automatic threshold: that commit would wait for the copy and its fsyncs (with synchronous=normal the only
/// disk waits left), so every thousandth command took tens of milliseconds. The writer turns automatic checkpoints off
/// and calls <see cref="Committed"/>; every <see cref="Interval"/> after commits a PASSIVE checkpoint runs, which never
/// blocks the writer (so the WAL holds about that long's writes). Durability is unchanged: a commit is in the WAL when
/// it returns, as before.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>How often the WAL is copied back while commits happen (at 3,000 commits/s: some MB of WAL).</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly SqlText Checkpoint = new("PRAGMA wal_checkpoint(PASSIVE)");

    private readonly DurableStoreOptions _options;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _dirty;

    public SqliteCheckpointer(DurableStoreOptions options)
    {
        _options = options;
        _thread = new Thread(Run) { IsBackground = true, Name = "egov-sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>The writer committed: the next round has something to copy.</summary>
    public void Committed() => _dirty = true;

    private void Run()
    {
        SqliteSession? session = null;
        try
        {
            while (!_stopping)
            {
                _wake.WaitOne(Interval);
                if (_stopping || !_dirty) continue;
                _dirty = false;
                try
                {
                    session ??= new SqliteSession(_options);
                    session.Bind(Checkpoint, null, out var cmd);
                    cmd.ExecuteNonQuery();
                }
                catch (SqliteException)
                {
                    // Busy or locked (another process checkpoints, or holds an exclusive lock): the next round tries again.
                    session?.Dispose();
                    session = null;
                }
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
    }
}
