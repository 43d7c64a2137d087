using System.Diagnostics;
using System.Globalization;
using EGov.Workflows.Host;
using EGov.Workflows.Host.Catalogue;
using EGov.Workflows.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EGov.Workflows.Bench;

/// <summary>
/// W5 overlays on a durable store (SQLite, PostgreSQL): the same shared models and overlays as the in-memory run, deployed
/// by <c>./egov serve</c>'s own start (<see cref="EGovServer.Build"/> — the store opened, the default tenant's stored
/// versions restored, the processes folder deployed, then <see cref="TenantOverlays.DeployAll"/>; everything a node does
/// before it listens), in two child processes over one database:
/// <list type="bullet">
/// <item><c>overlays-first</c>: an empty database — every shared model and every tenant's version is stored;</item>
/// <item><c>overlays-restart</c>: a fresh process over the same database, as a node's start every day (restore + DeployAll),
/// so the first run's memory is not counted.</item>
/// </list>
/// Each reports the start's wall and CPU time with its phases (<see cref="Host.Health.StartTimings"/>), the peak RSS and
/// managed heap of its process, the database's size and the rows stored (and, for the restart, the rows it added).
/// </summary>
public static partial class OverlayRun
{
    public const string FirstMode = "overlays-first";
    public const string RestartMode = "overlays-restart";

    /// <summary>The folder both children share (models, overlays, the SQLite file): per <see cref="RunSpec.RunId"/>.</summary>
    public static string DurableDir(RunSpec spec) => Path.Combine(spec.WorkDir, $"w5-overlays-{spec.RunId}");

    private static string StoreSpec(RunSpec spec) => spec.Store switch
    {
        "sqlite" => "sqlite:" + Path.Combine(DurableDir(spec), "egov.db"),
        "postgres" => "postgres:" + DurableStoreOptions.Postgres(spec.Postgres ?? throw new InvalidOperationException("W5 overlays on postgres: no connection"),
            PostgresStore.SchemaOf(spec.RunId)).ConnectionString,
        _ => throw new ArgumentException($"W5 overlays: unknown durable store '{spec.Store}' (sqlite, postgres)", nameof(spec)),
    };

    /// <summary>One start over the run's database (<see cref="FirstMode"/> empties it first).</summary>
    public static BenchResult RunDurable(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var first = spec.Mode switch
        {
            FirstMode or "overlays" => true,
            RestartMode => false,
            _ => throw new ArgumentException($"W5 overlays: unknown mode '{spec.Mode}' ({FirstMode}, {RestartMode})", nameof(spec)),
        };
        var dir = DurableDir(spec);
        var (processes, tenants, services) = Prepare(dir, spec.ProcessesDir ?? "processes", spec.Variants, spec.N);
        if (first)
        {
            DropStore(spec);
            if (spec.Store == "postgres") CreateSchema(spec); // a server's store names its schema by the search path: it must exist
        }
        var before = first ? null : Figures(spec);

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var app = EGovServer.Build(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = StoreSpec(spec), Create = true, ProcessesDirectory = processes, TenantsDirectory = tenants,
            NodeId = "bench-w5", WebDirectory = Path.Combine(dir, "no-web"),
        });
        var seconds = sw.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        IReadOnlyList<OverlayDeployment> rows;
        string phases;
        double deploySeconds, deployCpu, heap;
        int sharedDefinitions;
        try
        {
            var timings = app.Services.GetRequiredService<Host.Health.StartTimings>();
            // What the deployment costs: the default tenant's stored versions, the processes folder, every tenant's overlays.
            var deploy = timings.Phases.Where(p => p.Name is "stored versions" or "processes folder" or "overlays").ToList();
            deploySeconds = deploy.Sum(p => p.Wall.TotalSeconds);
            deployCpu = deploy.Sum(p => p.Cpu.TotalSeconds);
            phases = timings.ToString();
            rows = app.Services.GetRequiredService<TenantOverlays>().All;
            var engines = app.Services.GetRequiredService<Host.Tenancy.TenantEngines>();
            sharedDefinitions = engines.Get(engines.DefaultTenantId).Catalog.All().Count;
            heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        var peak = Proc.PeakRssMb();
        var after = Figures(spec);
        var refused = rows.Where(r => r.State != "deployed").ToList();
        var deployed = rows.Count - refused.Count;
        return new BenchResult
        {
            Workload = "W5", Store = spec.Store, Engine = "egov", Mode = first ? FirstMode : RestartMode, Instances = rows.Count, InFlight = 1,
            InstancesPerSecond = deployed / Math.Max(1e-9, deploySeconds), ElapsedSeconds = seconds, StartupSeconds = seconds, DeploySeconds = deploySeconds,
            PeakRssMb = peak, HeapMb = heap, Definitions = deployed, Tenants = spec.N, SharedModels = services,
            CpuMsPerInstance = deployCpu * 1000 / Math.Max(1, rows.Count),
            DatabaseMb = after.Bytes / 1048576.0, RowsPerInstance = (double)after.Rows / Math.Max(1, rows.Count),
            Note = $"{(first ? "first deploy into an empty database" : "restart over the same database (a fresh process)")}: {services} shared models "
                   + $"({sharedDefinitions} versions in the default tenant's catalogue) × {spec.N} tenants = {rows.Count} overlays, {deployed} deployed; "
                   + $"deployment {deploySeconds:0.00} s ({deployCpu:0.0} CPU s) of the node's build {seconds:0.00} s ({cpu.TotalSeconds:0.0} CPU s); "
                   + $"heap after {heap:0} MB; database {after.Bytes / 1048576.0:0.0} MB, {after.Rows:N0} rows ({after.Largest})"
                   + (before is null ? "" : $"; the restart added {after.Rows - before.Rows:N0} rows and {(after.Bytes - before.Bytes) / 1048576.0:0.0} MB")
                   + $"; phases: {phases}"
                   + (refused.Count > 0 ? $"; refused {refused.Count}: {string.Join(" | ", refused.Take(2).SelectMany(r => r.Problems).Take(2))}" : ""),
        };
    }

    /// <summary>
    /// The run's models and overlays (written once; both children read the same files): processes/&lt;service&gt;/ and
    /// tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml under <paramref name="dir"/>.
    /// </summary>
    public static (string Processes, string Tenants, int Services) Prepare(string dir, string processesDir, int models, int tenants)
    {
        var marker = Path.Combine(dir, "written.txt");
        var expected = $"{models} {tenants}";
        if (File.Exists(marker) && File.ReadAllText(marker) is var text && text.Split('\n')[0] == expected)
            return (Path.Combine(dir, "processes"), Path.Combine(dir, "tenants"), int.Parse(text.Split('\n')[1], CultureInfo.InvariantCulture));
        foreach (var sub in new[] { "processes", "tenants" })
            if (Directory.Exists(Path.Combine(dir, sub))) Directory.Delete(Path.Combine(dir, sub), recursive: true);
        var written = Write(dir, processesDir, models, tenants);
        File.WriteAllText(marker, $"{expected}\n{written.Services.ToString(CultureInfo.InvariantCulture)}");
        return written;
    }

    /// <summary>Removes the run's database (SQLite file, PostgreSQL schema) and its files.</summary>
    public static void Drop(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try { DropStore(spec); } catch (Exception e) when (e is IOException or NpgsqlException) { }
        try { Directory.Delete(DurableDir(spec), recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void DropStore(RunSpec spec)
    {
        if (spec.Store == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in Directory.Exists(DurableDir(spec)) ? Directory.EnumerateFiles(DurableDir(spec), "egov*.db*") : []) File.Delete(f);
        }
        else BenchStore.Drop(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
    }

    private static void CreateSchema(RunSpec spec)
    {
        using var c = new NpgsqlConnection(spec.Postgres);
        c.Open();
        using var cmd = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {PostgresStore.SchemaOf(spec.RunId)}", c);
        cmd.ExecuteNonQuery();
    }

    /// <summary>What the database holds: rows (all tables), bytes (SQLite: the files; PostgreSQL: tables and indexes of the schema), the three largest tables by rows.</summary>
    public sealed record DatabaseFigures(long Rows, long Bytes, string Largest);

    public static DatabaseFigures Figures(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var counts = new List<(string Table, long Rows)>();
        long bytes;
        if (spec.Store == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            var dir = DurableDir(spec);
            var path = Path.Combine(dir, "egov.db");
            using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString()))
            {
                c.Open();
                counts.AddRange(SqliteStore.TableRows(c));
            }
            // The database and its write-ahead log (the identity tables' file beside it is not counted).
            bytes = new[] { path, path + "-wal" }.Select(f => new FileInfo(f)).Where(f => f.Exists).Sum(f => f.Length);
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            var schema = PostgresStore.SchemaOf(spec.RunId);
            using var c = new NpgsqlConnection(spec.Postgres);
            c.Open();
            counts.AddRange(PostgresStore.TableRows(c, schema));
            using (var cmd = new NpgsqlCommand("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @s AND c.relkind = 'r'", c))
            {
                cmd.Parameters.AddWithValue("s", schema);
                bytes = Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
            }
        }
        var largest = string.Join(", ", counts.OrderByDescending(t => t.Rows).Take(3).Select(t => $"{t.Table} {t.Rows:N0}"));
        return new DatabaseFigures(counts.Sum(t => t.Rows), bytes, largest);
    }
}
