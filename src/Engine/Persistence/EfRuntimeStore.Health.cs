using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Faults;
using EGov.Workflows.Persistence.Schema;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence;

/// <summary>
/// What a readiness probe found: the store answered a read and a write and has every migration, or the reason it is not
/// ready, in words safe to show to anyone (no paths, no server messages).
/// </summary>
public sealed record StoreHealth(bool Ready, string? Reason, StorageFaultKind? Fault = null)
{
    public static readonly StoreHealth Ok = new(true, null);
}

// The readiness probe: a read, a write (this node's row in store_probes) and the migrations, on a connection of its own
// that waits only briefly, so a locked or unreachable database shows as "not ready" within seconds, not after 30.
public sealed partial class EfRuntimeStore
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Probes the store: the SQLite file is the one opened, a read and a write answer, every schema version is applied.
    /// Never throws for a storage failure: it answers it.
    /// </summary>
    /// <param name="nodeId">The row the write probe upserts (one per node).</param>
    public StoreHealth Probe(string nodeId, Instant now)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        if (_guard is { } guard && !guard.Verify()) return new StoreHealth(false, StorageFaults.For(StorageFaultKind.FileReplaced).Reason, StorageFaultKind.FileReplaced);
        try
        {
            using var conn = OpenProbeConnection();
            var applied = new HashSet<int>();
            using (var q = conn.CreateCommand())
            {
                q.CommandText = "SELECT version FROM schema_version";
                using var r = q.ExecuteReader();
                while (r.Read()) applied.Add(Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
            }
            if (SchemaTooNewException.Check(applied, Options.Provider) is not null)
                return new StoreHealth(false, "schema newer than this node (upgraded by a newer build)");
            var missing = SchemaMigrator.Scripts(Options.Provider).Select(s => s.Version).Where(v => !applied.Contains(v)).ToList();
            if (missing.Count > 0) return new StoreHealth(false, $"schema not migrated (missing version {string.Join(", ", missing)})");
            using (var w = conn.CreateCommand())
            {
                w.CommandText = "INSERT INTO store_probes (node_id, probed_at) VALUES (@n, @t) ON CONFLICT (node_id) DO UPDATE SET probed_at = excluded.probed_at";
                Add(w, "@n", nodeId);
                Add(w, "@t", Ticks.Of(now));
                w.ExecuteNonQuery();
            }
            return StoreHealth.Ok;
        }
        catch (Exception e) when (StorageFaults.Classify(e) is { } fault)
        {
            if (fault.Kind == StorageFaultKind.ReadOnly) ForgetReadOnlyConnections();
            return new StoreHealth(false, fault.Reason, fault.Kind);
        }
        catch (DbException)
        {
            return new StoreHealth(false, "database error");
        }
    }

    /// <summary>
    /// SQLite opens a file it may not write read-only, and its pool hands that connection out again for the store's life: a
    /// node started on a volume that came back read-only would stay not ready after an operator remounted it read-write.
    /// Emptying the pools while the store is read-only makes the next probe and the next commit open the file anew, so the
    /// node is ready again on its own once the volume is writable (connections in use are closed when they come back).
    /// </summary>
    private void ForgetReadOnlyConnections()
    {
        if (Options.Provider != StoreProvider.Sqlite) return; // PostgreSQL's read-only answer is the server's, not the connection's
        // All of them: SQLite keeps one WAL index per file and process, read-only while any connection that opened it so is open.
        (_reader as Data.Sqlite.SqliteSessionPool)?.Release();
        (_committer as Data.Sqlite.SqliteGroupCommit)?.ReopenBeforeNextWrite();
        ClearSqlitePools();
    }

    private DbConnection OpenProbeConnection()
    {
        if (Options.Provider == StoreProvider.Sqlite)
        {
            var c = new SqliteConnection(Options.ConnectionString); // read-write, never create
            c.Open();
            using var pragma = c.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout={(int)ProbeTimeout.TotalMilliseconds};";
            pragma.ExecuteNonQuery();
            return c;
        }
        var csb = new NpgsqlConnectionStringBuilder(Options.ConnectionString)
        {
            Timeout = (int)ProbeTimeout.TotalSeconds, CommandTimeout = (int)ProbeTimeout.TotalSeconds, Pooling = false,
        };
        var pg = new NpgsqlConnection(csb.ToString());
        pg.Open();
        return pg;
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
