using System.Globalization;
using EGov.Workflows.Persistence;
using EGov.Workflows.Runtime.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Bench;

/// <summary>What a durable store holds and has written so far (for rows and bytes per instance).</summary>
public sealed record StoreFigures(long Rows, long StoredBytes, long? RowWrites, long? WrittenBytes);

/// <summary>One store of a run: the <see cref="IRuntimeStore"/> and how to read its figures.</summary>
public abstract class BenchStore : IDisposable
{
    public abstract string Name { get; }
    public abstract IRuntimeStore Store { get; }

    /// <summary>Rows and bytes now (null for the in-memory store).</summary>
    public virtual StoreFigures? Figures() => null;

    /// <summary>SQLite: the largest size its write-ahead log file reached since the store was opened (null for other stores).</summary>
    public virtual long? WalPeakBytes => null;

    /// <summary>Set before disposing to leave the tables for another user (W6 hands them to the server); see <see cref="Drop"/>.</summary>
    public bool Keep { get; set; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Removes what <see cref="Create"/> made for a run, after it was kept.</summary>
    public static void Drop(string name, string workDir, string runId, string? postgres)
    {
        if (name == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            var path = System.IO.Path.Combine(workDir, $"{runId}.db");
            foreach (var f in new[] { path, path + "-wal", path + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
        }
        else if (name == "postgres" && postgres is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(postgres);
            c.Open();
            using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {PostgresStore.SchemaOf(runId)} CASCADE", c);
            cmd.ExecuteNonQuery();
        }
    }

    public static BenchStore Create(string name, string workDir, string runId, string? postgres) => name switch
    {
        "memory" => new MemoryStore(),
        "sqlite" => new SqliteStore(Path.Combine(workDir, $"{runId}.db")),
        "postgres" => new PostgresStore(postgres ?? throw new InvalidOperationException("no PostgreSQL connection"), runId),
        _ => throw new ArgumentException($"unknown store '{name}' (memory, sqlite, postgres)", nameof(name)),
    };
}

public sealed class MemoryStore : BenchStore
{
    public override string Name => "memory";
    public override IRuntimeStore Store { get; } = new InMemoryRuntimeStore();
}

/// <summary>
/// SQLite in a file, WAL mode (set by the store's migrator), the store's default synchronous level (normal) unless
/// EGOV_BENCH_SQLITE_SYNCHRONOUS says normal or full (child runs inherit it), so both sides of the trade-off can be measured.
/// </summary>
public sealed class SqliteStore : BenchStore
{
    public const string SynchronousVariable = "EGOV_BENCH_SQLITE_SYNCHRONOUS";

    /// <summary>The level the bench's SQLite runs use.</summary>
    public static SqliteSynchronous Synchronous => Environment.GetEnvironmentVariable(SynchronousVariable)?.Trim().ToLowerInvariant() switch
    {
        null or "" => DurableStoreOptions.Sqlite("x.db").Synchronous,
        "normal" => SqliteSynchronous.Normal,
        "full" => SqliteSynchronous.Full,
        var v => throw new ArgumentException($"{SynchronousVariable}={v}: expected normal or full"),
    };

    private readonly string _path;
    private readonly EfRuntimeStore _store;

    public SqliteStore(string path)
    {
        _path = path;
        foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
        _store = new EfRuntimeStore(DurableStoreOptions.Sqlite(path, Synchronous));
        _walSampler = new Timer(_ => SampleWal(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    private readonly Timer _walSampler;
    private long _walPeak;

    /// <summary>The WAL file's size now, kept when it is the largest seen (the writer truncates it past its limit and at idle).</summary>
    private void SampleWal()
    {
        long size;
        try { size = new FileInfo(_path + "-wal") is { Exists: true } f ? f.Length : 0; }
        catch (IOException) { return; }
        long peak;
        while (size > (peak = Interlocked.Read(ref _walPeak)) && Interlocked.CompareExchange(ref _walPeak, size, peak) != peak) { }
    }

    public override long? WalPeakBytes
    {
        get
        {
            SampleWal();
            return Interlocked.Read(ref _walPeak);
        }
    }

    public override string Name => "sqlite";
    public override IRuntimeStore Store => _store;
    public string Path => _path;

    public override StoreFigures Figures()
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        c.Open();
        var rows = TableRows(c).Sum(t => t.Rows);
        long pages;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT (SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM pragma_page_size)";
            pages = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return new StoreFigures(rows, pages, null, Proc.WrittenBytes());
    }

    /// <summary>Every table of the database with its rows (the SQLite side of a run's figures, also the W5 overlay run's).</summary>
    public static List<(string Table, long Rows)> TableRows(SqliteConnection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var tables = new List<string>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        var counts = new List<(string, long)>();
        foreach (var t in tables)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM \"{t}\"";
            counts.Add((t, Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture)));
        }
        return counts;
    }

    public override void Dispose()
    {
        _walSampler.Dispose();
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        if (!Keep)
            foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
        base.Dispose();
    }
}

/// <summary>PostgreSQL: the run's own schema (dropped afterwards) on the bench's loopback cluster (fsync on).</summary>
public sealed class PostgresStore : BenchStore
{
    private readonly string _connection;
    private readonly string _schema;
    private readonly EfRuntimeStore _store;

    public PostgresStore(string connection, string runId)
    {
        _connection = connection;
        _schema = SchemaOf(runId);
        Exec($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        _store = new EfRuntimeStore(DurableStoreOptions.Postgres(connection, _schema));
    }

    public static string SchemaOf(string runId) => "bench_" + new string(runId.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());

    /// <summary>The connection to the run's schema (its search path).</summary>
    public string ConnectionString => _store.Options.ConnectionString;

    public override string Name => "postgres";
    public override IRuntimeStore Store => _store;

    private void Exec(string sql)
    {
        using var c = new NpgsqlConnection(_connection);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public override StoreFigures Figures()
    {
        // Row statistics of other backends reach the shared statistics when they go idle or exit: close the pool first.
        NpgsqlConnection.ClearAllPools();
        Thread.Sleep(1200);
        using var c = new NpgsqlConnection(_connection);
        c.Open();
        long Scalar(string sql)
        {
            using var cmd = new NpgsqlCommand(sql, c);
            cmd.Parameters.AddWithValue("s", _schema);
            return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
        }
        Scalar("SELECT 0 FROM pg_stat_clear_snapshot() WHERE @s IS NOT NULL");
        var rows = TableRows(c, _schema).Sum(t => t.Rows);
        var writes = Scalar("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_user_tables WHERE schemaname = @s");
        var bytes = Scalar("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @s AND c.relkind = 'r'");
        var wal = Scalar("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint WHERE @s IS NOT NULL");
        return new StoreFigures(rows, bytes, writes, wal);
    }

    /// <summary>Every table of the schema with its rows (the PostgreSQL side of a run's figures, also the W5 overlay run's).</summary>
    public static List<(string Table, long Rows)> TableRows(NpgsqlConnection c, string schema)
    {
        ArgumentNullException.ThrowIfNull(c);
        using var cmd = new NpgsqlCommand("SELECT tablename, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename), false, true, '')))[1]::text::bigint FROM pg_tables WHERE schemaname = @s", c);
        cmd.Parameters.AddWithValue("s", schema);
        using var r = cmd.ExecuteReader();
        var counts = new List<(string, long)>();
        while (r.Read()) counts.Add((r.GetString(0), r.GetInt64(1)));
        return counts;
    }

    public override void Dispose()
    {
        _store.Dispose();
        if (!Keep)
            try { Exec($"DROP SCHEMA IF EXISTS {_schema} CASCADE"); } catch (NpgsqlException) { }
        base.Dispose();
    }
}
