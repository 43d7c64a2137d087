using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence.Schema;

/// <summary>
/// Creates or upgrades the schema at start: applies every versioned script (<c>Schema/{Sqlite|Postgres}/NNNN_name.sql</c>,
/// embedded) that has no row in <c>schema_version</c> yet (not only the ones above the highest: branches merged in any order
/// add lower numbers later), each in the same transaction as its version row.
/// Several nodes starting at once are serialized: SQLite by its write lock (BEGIN IMMEDIATE), PostgreSQL by an advisory
/// transaction lock. Hand-written scripts instead of EF migrations: one readable script per provider and version, no
/// design-time tooling, and the job-acquisition SQL is provider-specific anyway.
/// </summary>
public static class SchemaMigrator
{
    private const long AdvisoryLockKey = 0x45476f7657_46; // "EGovW" + 'F'

    /// <summary>The scripts of a provider, in version order.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(StoreProvider provider)
    {
        var prefix = provider == StoreProvider.Sqlite ? "sqlite/" : "postgres/";
        var asm = Assembly.GetExecutingAssembly();
        var list = new List<(int, string, string)>();
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = Path.GetFileNameWithoutExtension(res[prefix.Length..]);
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                throw new InvalidOperationException($"schema script '{res}' is not named NNNN_name.sql");
            using var stream = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(stream);
            list.Add((version, name[(underscore + 1)..], reader.ReadToEnd()));
        }
        return list.OrderBy(s => s.Item1).ToList();
    }

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion(StoreProvider provider) => Scripts(provider).Select(s => s.Version).DefaultIfEmpty(0).Max();

    /// <summary>Brings the database to the latest version; returns the versions it applied (none when it was current).</summary>
    public static IReadOnlyList<int> Migrate(DurableStoreOptions options) => MigrateTo(options, int.MaxValue);

    /// <summary>Applies the scripts up to <paramref name="version"/> only (tests build an older database with it, then upgrade).</summary>
    internal static IReadOnlyList<int> MigrateTo(DurableStoreOptions options, int version)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Provider == StoreProvider.Sqlite)
        {
            var path = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(path) && path != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
                Directory.CreateDirectory(dir);
            using var conn = new SqliteConnection(options.ConnectionString);
            conn.Open();
            // WAL: readers never block the writer, and the mode persists in the file.
            Exec(conn, null, "PRAGMA journal_mode=WAL;");
            Exec(conn, null, $"PRAGMA busy_timeout={(int)options.BusyTimeout.TotalMilliseconds};");
            using var tx = conn.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
            var applied = Apply(conn, tx, options.Provider, version);
            tx.Commit();
            return applied;
        }
        else
        {
            using var conn = new NpgsqlConnection(options.ConnectionString);
            conn.Open();
            using var tx = conn.BeginTransaction();
            Exec(conn, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});");
            if (options.Schema is { } schema) Exec(conn, tx, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\";");
            var applied = Apply(conn, tx, options.Provider, version);
            tx.Commit();
            return applied;
        }
    }

    private static List<int> Apply(DbConnection conn, DbTransaction tx, StoreProvider provider, int upTo)
    {
        Exec(conn, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        using var q = conn.CreateCommand();
        q.Transaction = tx;
        q.CommandText = "SELECT version FROM schema_version;";
        var present = new HashSet<int>();
        using (var r = q.ExecuteReader())
            while (r.Read()) present.Add(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture));
        // A database a newer build has upgraded: this build would misread or damage what it does not know. Refused before anything is written.
        if (SchemaTooNewException.Check(present, provider) is { } tooNew) throw tooNew;
        var applied = new List<int>();
        foreach (var (version, name, sql) in Scripts(provider).Where(s => !present.Contains(s.Version) && s.Version <= upTo))
        {
            Exec(conn, tx, sql);
            using var ins = conn.CreateCommand();
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @a);";
            AddParameter(ins, "@v", version);
            AddParameter(ins, "@n", name);
            AddParameter(ins, "@a", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            ins.ExecuteNonQuery();
            applied.Add(version);
        }
        return applied;
    }

    /// <summary>The versions recorded in <c>schema_version</c>, oldest first.</summary>
    public static IReadOnlyList<int> AppliedVersions(DurableStoreOptions options)
    {
        using var conn = Open(options);
        using var q = conn.CreateCommand();
        q.CommandText = "SELECT version FROM schema_version ORDER BY version;";
        var list = new List<int>();
        using var r = q.ExecuteReader();
        while (r.Read()) list.Add(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture));
        return list;
    }

    /// <summary>The versions this build knows that the database has not applied (empty when the schema is current).</summary>
    public static IReadOnlyList<int> MissingVersions(DurableStoreOptions options)
    {
        var applied = AppliedVersions(options).ToHashSet();
        return Scripts(options.Provider).Select(s => s.Version).Where(v => !applied.Contains(v)).ToList();
    }

    /// <summary>The versions recorded in the database that this build has no script for (a newer build migrated it); empty normally.</summary>
    public static IReadOnlyList<int> UnknownVersions(DurableStoreOptions options)
    {
        var known = Scripts(options.Provider).Select(s => s.Version).ToHashSet();
        return AppliedVersions(options).Where(v => !known.Contains(v)).ToList();
    }

    /// <summary>Drops a PostgreSQL schema with everything in it (test schemas).</summary>
    public static void DropSchema(string connectionString, string schema)
    {
        if (!DurableStoreOptions.IsPlainIdentifier(schema)) throw new ArgumentException($"schema '{schema}' is not a plain identifier", nameof(schema));
        using var conn = new NpgsqlConnection(connectionString);
        conn.Open();
        Exec(conn, null, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;");
    }

    internal static DbConnection Open(DurableStoreOptions options)
    {
        DbConnection conn = options.Provider == StoreProvider.Sqlite
            ? new SqliteConnection(options.ConnectionString)
            : new NpgsqlConnection(options.ConnectionString);
        conn.Open();
        return conn;
    }

    private static void Exec(DbConnection conn, DbTransaction? tx, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}

/// <summary>
/// The database carries schema versions this build does not know: a newer build has upgraded it. Nodes of the older build
/// refuse to run on it (at start, and their readiness fails) instead of misreading tables they do not know; the message says
/// what to do. An <see cref="InvalidOperationException"/>, so every caller that reports a store that cannot be opened reports it.
/// </summary>
public sealed class SchemaTooNewException(IReadOnlyList<int> unknown, int latest)
    : InvalidOperationException(Describe(unknown, latest))
{
    /// <summary>The versions in the database that this build has no script for.</summary>
    public IReadOnlyList<int> Unknown { get; } = unknown;

    /// <summary>The newest version this build knows.</summary>
    public int Latest { get; } = latest;

    /// <summary>The exception for the versions of <paramref name="present"/> this build does not know; null when it knows them all.</summary>
    public static SchemaTooNewException? Check(IEnumerable<int> present, StoreProvider provider)
    {
        var scripts = SchemaMigrator.Scripts(provider);
        var known = scripts.Select(s => s.Version).ToHashSet();
        var unknown = present.Where(v => !known.Contains(v)).Order().ToList();
        return unknown.Count == 0 ? null : new SchemaTooNewException(unknown, known.DefaultIfEmpty(0).Max());
    }

    private static string Describe(IReadOnlyList<int> unknown, int latest) =>
        $"the database has schema version {string.Join(", ", unknown)}, which this build does not know (it knows up to {latest}): " +
        "a newer egov has upgraded it. Run the newer build on it, or restore a backup taken before the upgrade (./egov restore); " +
        "an older build never runs on a newer schema.";
}
