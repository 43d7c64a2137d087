using EGov.Workflows.Persistence.Data.Sql;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Persistence.Data.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a thread of its own, instead of inside whichever commit crossed
/// SQLite's automatic threshold: that commit would wait for the copy and its fsyncs (with synchronous=normal the only
/// disk waits left), so every thousandth command took tens of milliseconds. The writer turns automatic checkpoints off
/// and calls <see cref="Committed"/>; every <see cref="Interval"/> after commits a PASSIVE checkpoint runs, which never
/// blocks the writer. Durability is unchanged: a commit is in the WAL when it returns, as before.
/// <para>
/// The WAL stays bounded: PASSIVE checkpoints copy pages but never shrink the file, and while readers and the writer keep
/// going the log may never start over, so it grew to hundreds of MB (and stayed that size). Now the writer truncates the
/// WAL after a commit that left it larger than <see cref="DurableStoreOptions.WalSizeLimit"/> (<see cref="SqliteGroupCommit"/>),
/// and this thread, once the store has been idle for <see cref="IdleAfter"/>, runs a TRUNCATE checkpoint that copies
/// everything back and cuts the file to zero (it waits briefly for readers; when it cannot finish it tries again next
/// round). Every connection sets <c>journal_size_limit</c>, so a log that starts over is cut back too.
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>How often the WAL is copied back while commits happen (at 3,000 commits/s: some MB of WAL).</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>No commit for this long: the store is idle and the WAL is truncated.</summary>
    internal static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);

    private static readonly SqlText Passive = new("PRAGMA wal_checkpoint(PASSIVE)");
    private static readonly SqlText Truncate = new("PRAGMA wal_checkpoint(TRUNCATE)");

    private readonly DurableStoreOptions _options;
    private readonly string _walPath;
    private readonly SqliteFileGuard? _guard;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _dirty;
    private long _lastCommitTicks;
    private bool _truncatedSinceLastCommit; // false: a WAL left by an earlier process is truncated at the first idle round

    public SqliteCheckpointer(DurableStoreOptions options, string databasePath, SqliteFileGuard? guard)
    {
        _options = options;
        _walPath = databasePath + "-wal";
        _guard = guard;
        _thread = new Thread(Run) { IsBackground = true, Name = "egov-sqlite-checkpoint" };
        _thread.Start();
    }

    /// <summary>
    /// Held while this process checkpoints: SQLite lets one checkpointer work at a time and fails a second one at once
    /// (no busy wait), so the writer's truncation waits here for the thread's round to end instead of failing.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The WAL's size now, in bytes (0 when there is none).</summary>
    public long WalBytes
    {
        get
        {
            try { var f = new FileInfo(_walPath); return f.Exists ? f.Length : 0; }
            catch (IOException) { return 0; }
        }
    }

    /// <summary>The largest WAL size the writer saw after a commit (bench, tests).</summary>
    public long PeakWalBytes => Interlocked.Read(ref _peak);
    private long _peak;

    /// <summary>TRUNCATE checkpoints that finished (tests).</summary>
    public int Truncations => Volatile.Read(ref _truncations);
    private int _truncations;

    /// <summary>The writer committed: the next round has something to copy. Returns the WAL's size after the commit.</summary>
    public long Committed()
    {
        _dirty = true;
        Volatile.Write(ref _lastCommitTicks, Environment.TickCount64);
        var size = WalBytes;
        long peak;
        while (size > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, size, peak) != peak) { }
        return size;
    }

    /// <summary>The writer truncated the WAL itself (the hard bound).</summary>
    internal void WriterTruncated() => Interlocked.Increment(ref _truncations);

    private void Run()
    {
        SqliteSession? session = null;
        try
        {
            while (!_stopping)
            {
                _wake.WaitOne(Interval);
                if (_stopping) break;
                _guard?.Verify(); // trips the guard while idle too, so health says so before the next write
                var dirty = _dirty;
                var idle = Environment.TickCount64 - Volatile.Read(ref _lastCommitTicks) >= IdleAfter.TotalMilliseconds;
                if (dirty) _truncatedSinceLastCommit = false;
                var truncate = idle && !_truncatedSinceLastCommit;
                // Past the limit the writer truncates after its next commit: a checkpoint here would only be in its way.
                if (!truncate && (!dirty || WalBytes > _options.WalSizeLimit)) continue;
                _dirty = false;
                if (!Gate.Wait(0)) { _dirty = true; continue; } // the writer is truncating
                try
                {
                    session ??= Open();
                    session.Bind(truncate ? Truncate : Passive, null, out var cmd);
                    using var r = cmd.ExecuteReader();
                    // (busy, log frames, checkpointed frames): busy = 1 when readers or the writer kept it from finishing.
                    var finished = r.Read() && r.GetInt64(0) == 0;
                    if (truncate && finished)
                    {
                        _truncatedSinceLastCommit = true;
                        Interlocked.Increment(ref _truncations);
                    }
                    else if (truncate) _dirty = true; // try again next round
                }
                catch (SqliteException)
                {
                    // Busy or locked (another process checkpoints, or holds an exclusive lock), or the file is gone: the next round tries again.
                    session?.Dispose();
                    session = null;
                    _dirty = true;
                }
                finally
                {
                    Gate.Release();
                }
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    // The checkpoint connection waits only briefly for readers: a TRUNCATE that cannot finish now is tried again next round,
    // and while it waits new writers wait too.
    private SqliteSession Open()
    {
        var session = new SqliteSession(_options);
        using var cmd = session.Connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=200;";
        cmd.ExecuteNonQuery();
        return session;
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
        Gate.Dispose();
    }
}
