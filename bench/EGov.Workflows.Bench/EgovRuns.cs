using System.Diagnostics;
using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Bench;

/// <summary>The in-process custom activity every bench service task is bound to: returns at once, no outputs.</summary>
[Activity(Models.NoopActivity, Description = "bench: completes at once")]
public sealed class NoopActivity : WorkflowActivity
{
    private static readonly Task<ActivityResult> Done = Task.FromResult(ActivityResult.Complete());

    public override Task<ActivityResult> ExecuteAsync(EGov.Workflows.Sdk.ActivityContext context) => Done;
}

/// <summary>A clock the bench moves by hand (W4 advances it past every timer).</summary>
public sealed class BenchClock(Instant start) : IClock
{
    private long _ticks = start.ToUnixTimeTicks();

    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));

    public void Advance(Duration d) => Interlocked.Add(ref _ticks, d.BclCompatibleTicks);
}

/// <summary>What one child run is asked to do.</summary>
public sealed record RunSpec
{
    public required string Workload { get; init; }
    public required string Store { get; init; }
    public required string Engine { get; init; }
    public required string Mode { get; init; }
    public int N { get; init; }
    public int InFlight { get; init; } = 1000;
    public int Warmup { get; init; }
    /// <summary>The warm-up repeats until this much time has passed (see <see cref="Driver.WarmUp"/>); timers (W4) warm up by count only.</summary>
    public double WarmupSeconds { get; init; }
    public required string ModelsDir { get; init; }
    public required string WorkDir { get; init; }
    public string? Postgres { get; init; }
    public string? ProcessesDir { get; init; }
    public int Variants { get; init; } = 500;
    /// <summary>W1-W3: the run repeats its N instances until at least this much time was measured (0: once).</summary>
    public double MinSeconds { get; init; }
    /// <summary>Time-bound parts (W8's and W9's W3 runs) measure this long.</summary>
    public double MeasureSeconds { get; init; } = 10;
    /// <summary>Set when several child processes share one store (W8: seed, then serve): the name of its file or schema.</summary>
    public string? SharedRunId { get; init; }
    /// <summary>W8's serving child: what the seeding child reported.</summary>
    public BenchResult? Seeded { get; init; }
    public string RunId => SharedRunId ?? $"{Workload}_{Store}_{Mode}_{Environment.ProcessId}";
}

/// <summary>Our engine on the workloads W1-W5 (one run per child process).</summary>
public static class EgovRuns
{
    public static BenchResult Run(RunSpec spec)
    {
        if (spec.Workload == "W5") return spec.Mode.StartsWith("overlays", StringComparison.Ordinal) ? OverlayRun.Run(spec) : Catalogue(spec);
        if (spec.Store != "memory" && spec.Mode == "concurrent") ThreadPool.SetMinThreads(DurableExecutors + 8, DurableExecutors + 8); // the store API blocks on I/O
        using var store = BenchStore.Create(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
        var clock = new BenchClock(Instant.FromUtc(2026, 1, 5, 8, 0));
        var engine = new WorkflowEngineBuilder().UseClock(clock).UseStore(store.Store).AddActivity<NoopActivity>().Build();
        var file = Path.Combine(spec.ModelsDir, spec.Workload + ".bpmn");
        var read = new BpmnReader().ReadFile(file);
        if (read.Definitions is null || read.HasErrors)
            throw new InvalidOperationException($"{file}: {string.Join("; ", read.Errors.Select(e => e.ToString()))}");
        engine.Deploy(file, read.Definitions);
        var result = spec.Workload == "W4" ? Timers(spec, store, engine, clock) : Instances(spec, store, engine);
        return store.WalPeakBytes is { } wal ? result with { WalPeakMb = wal / 1048576.0 } : result;
    }

    private static Action<int> InstanceOf(string workload, WorkflowEngine engine, List<string>? ids) => workload switch
    {
        "W1" => i => Keep(ids, i, engine.StartProcess("W1")),
        "W2" => i => Keep(ids, i, engine.StartProcess("W2", new JsonObject { ["route"] = i % 2 == 0 ? "a" : "b" })),
        "W3" => i =>
        {
            var id = engine.StartProcess("W3");
            Keep(ids, i, id);
            var task = engine.OpenUserTasks(id) is [var t, ..] ? t : throw new InvalidOperationException($"W3 instance {id} has no open user task");
            engine.CompleteUserTask(task.Id);
        },
        _ => throw new ArgumentException($"unknown workload {workload}", nameof(workload)),
    };

    private static void Keep(List<string>? ids, int i, string id)
    {
        if (ids is null || i % 97 != 0) return;
        lock (ids) ids.Add(id);
    }

    /// <summary>Durable stores: at most this many commands execute at once (threads and pooled connections); the rest of the 1,000 in flight wait.</summary>
    public const int DurableExecutors = 64;

    private static int? Executors(RunSpec spec) => spec.Store == "memory" ? null : DurableExecutors;

    private static (double Seconds, Latencies Lat) Drive(RunSpec spec, int n, Action<int> instance) =>
        spec.Mode == "concurrent" ? Driver.Concurrent(n, spec.InFlight, instance, Executors(spec)) : Driver.Sequential(n, instance);

    private static BenchResult Instances(RunSpec spec, BenchStore store, WorkflowEngine engine)
    {
        var warm = InstanceOf(spec.Workload, engine, null);
        var warmed = 0;
        Driver.WarmUp(spec.Warmup, spec.WarmupSeconds, n =>
        {
            var from = warmed;
            Drive(spec, n, i => warm(-1 - from - i));
            warmed += n;
        });
        var before = store.Figures();
        var sample = new List<string>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var gc = GcFigures.Start();
        // At least MinSeconds of measurement (durable stores in a full run): N instances again until that much time has passed.
        var run = InstanceOf(spec.Workload, engine, sample);
        var (seconds, lat) = Drive(spec, spec.N, run);
        var n = spec.N;
        while (seconds < spec.MinSeconds)
        {
            var from = n;
            var (more, moreLat) = Drive(spec, spec.N, i => run(from + i));
            seconds += more;
            lat = lat.With(moreLat);
            n += spec.N;
        }
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var gcDone = gc.Stop(seconds, n);
        var after = store.Figures();
        Check(engine, sample);
        var (p50, p99) = lat.Percentiles();
        return Durable(new BenchResult
        {
            Workload = spec.Workload, Store = spec.Store, Engine = "egov", Mode = spec.Mode, Instances = n,
            InFlight = spec.Mode == "concurrent" ? spec.InFlight : 1,
            InstancesPerSecond = n / seconds, P50Ms = p50, P99Ms = p99, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
            CpuMsPerInstance = cpu.TotalMilliseconds / n,
            AllocatedBytesPerInstance = gcDone.AllocatedPerInstance, GcPausePercent = gcDone.PausePercent, Gen2Collections = gcDone.Gen2,
        }, before, after, n);
    }

    private static BenchResult Durable(BenchResult r, StoreFigures? before, StoreFigures? after, int n)
    {
        if (before is null || after is null) return r;
        return r with
        {
            RowsPerInstance = (after.Rows - before.Rows) / (double)n,
            StoredBytesPerInstance = (after.StoredBytes - before.StoredBytes) / (double)n,
            RowWritesPerInstance = after.RowWrites is { } w1 && before.RowWrites is { } w0 ? (w1 - w0) / (double)n : null,
            BytesWrittenPerInstance = after.WrittenBytes is { } b1 && before.WrittenBytes is { } b0 ? (b1 - b0) / (double)n : null,
        };
    }

    /// <summary>Every sampled instance must have completed (a bench of a broken engine proves nothing).</summary>
    private static void Check(WorkflowEngine engine, List<string> sample)
    {
        foreach (var id in sample.Take(20))
        {
            var view = engine.GetInstance(id);
            if (view.State != InstanceState.Completed)
                throw new InvalidOperationException($"instance {id} of {view.ProcessId} is {view.State}, waiting at [{string.Join(", ", view.Waiting)}]");
        }
    }

    /// <summary>W4: start N instances that wait on a timer, measure what they hold, advance the clock, fire them all.</summary>
    private static BenchResult Timers(RunSpec spec, BenchStore store, WorkflowEngine engine, BenchClock clock)
    {
        var tenant = engine.Options.TenantId;
        void FireAll(Latencies? lat)
        {
            while (true)
            {
                var due = engine.Store.FindDueWork(tenant, clock.GetCurrentInstant(), 10_000);
                if (due.Count == 0) break;
                void Fire(int k)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    engine.ExecuteDueWork(due[k]);
                    lat?.Add(t0);
                }
                if (spec.Mode == "concurrent") Driver.Concurrent(due.Count, spec.InFlight, Fire, Executors(spec));
                else for (var k = 0; k < due.Count; k++) Fire(k);
            }
        }

        // warm-up: a few instances through start and fire
        Drive(spec, spec.Warmup, _ => engine.StartProcess("W4"));
        clock.Advance(Duration.FromHours(1) + Duration.FromSeconds(1));
        FireAll(null);

        var before = store.Figures();
        var heap0 = Proc.ManagedAfterFullGc();
        var rss0 = Proc.RssBytes();
        var sample = new List<string>();
        var (startSeconds, startLat) = Drive(spec, spec.N, i => Keep(sample, i, engine.StartProcess("W4")));
        var heap1 = Proc.ManagedAfterFullGc();
        var rss1 = Proc.RssBytes();
        var waiting = engine.GetInstance(sample[0]);
        if (waiting.State != InstanceState.Running || !waiting.Waiting.Contains("wait"))
            throw new InvalidOperationException($"W4 instance {waiting.Id} does not wait at the timer ({waiting.State})");

        clock.Advance(Duration.FromHours(1) + Duration.FromSeconds(1));
        var fireLat = new Latencies(spec.N);
        var sw = Stopwatch.StartNew();
        FireAll(fireLat);
        var fireSeconds = sw.Elapsed.TotalSeconds;
        var after = store.Figures();
        Check(engine, sample);
        var (p50, p99) = fireLat.Percentiles();
        var (s50, _) = startLat.Percentiles();
        return Durable(new BenchResult
        {
            Workload = "W4", Store = spec.Store, Engine = "egov", Mode = spec.Mode, Instances = spec.N,
            InFlight = spec.Mode == "concurrent" ? spec.InFlight : 1,
            InstancesPerSecond = spec.N / (startSeconds + fireSeconds), StartPerSecond = spec.N / startSeconds, FireSeconds = fireSeconds,
            P50Ms = p50, P99Ms = p99, ElapsedSeconds = startSeconds + fireSeconds, PeakRssMb = Proc.PeakRssMb(),
            BytesPerWaitingInstance = (heap1 - heap0) / (double)spec.N, RssBytesPerWaitingInstance = (rss1 - rss0) / (double)spec.N,
            Note = $"p50/p99 = firing one timer (one command); start p50 {s50:0.###} ms",
        }, before, after, spec.N);
    }

    /// <summary>W5: read and deploy every model of processes/ plus generated variants, one file per deployment.</summary>
    private static BenchResult Catalogue(RunSpec spec)
    {
        var files = Models.Catalogue(spec.ProcessesDir ?? "processes", spec.Variants);
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Activities = OverlayRun.Activities() }); // processes/ uses the built-in packs
        var reader = new BpmnReader();
        var lat = new Latencies(files.Count);
        var deployed = 0;
        var refused = new List<string>();
        long readTicks = 0, deployTicks = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        foreach (var (file, xml) in files)
        {
            var t0 = Stopwatch.GetTimestamp();
            var read = reader.ReadString(xml, file);
            var t1 = Stopwatch.GetTimestamp();
            readTicks += t1 - t0;
            if (read.Definitions is null || read.HasErrors) { refused.Add(file); continue; }
            try { deployed += engine.Deploy(file, read.Definitions).Count; }
            catch (DeploymentException) { refused.Add(file); }
            deployTicks += Stopwatch.GetTimestamp() - t1;
            lat.Add(t0);
        }
        var seconds = sw.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var readSeconds = readTicks / (double)Stopwatch.Frequency;
        var deploySeconds = deployTicks / (double)Stopwatch.Frequency;
        var (p50, p99) = lat.Percentiles();
        return new BenchResult
        {
            Workload = "W5", Store = "memory", Engine = "egov", Mode = "sequential", Instances = files.Count, InFlight = 1,
            InstancesPerSecond = deployed / seconds, P50Ms = p50, P99Ms = p99, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
            Definitions = deployed, DeploySeconds = seconds, CpuMsPerInstance = cpu.TotalMilliseconds / files.Count,
            Note = $"{files.Count} files ({files.Count - spec.Variants} from processes/, {spec.Variants} variants, {files.Sum(f => f.Xml.Length) / 1024} KB); "
                + $"reading {readSeconds:0.00} s, deploying {deploySeconds:0.00} s; latency per file"
                + (refused.Count > 0 ? $"; refused {refused.Count}: {string.Join(", ", refused.Take(3))}" : ""),
        };
    }
}

/// <summary>The plain C# bound: 10 delegate calls per instance over a dictionary of variables copied per step.</summary>
public static class Bound
{
    private static readonly Func<Dictionary<string, object?>, Dictionary<string, object?>>[] Steps =
        Enumerable.Range(1, 10).Select(Step).ToArray();

    private static Func<Dictionary<string, object?>, Dictionary<string, object?>> Step(int k)
    {
        var key = "s" + k;
        return vars => new Dictionary<string, object?>(vars, StringComparer.Ordinal) { [key] = k };
    }

    private static long s_sink;

    public static void Instance(int i)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal) { ["route"] = i % 2 == 0 ? "a" : "b", ["amount"] = 100 };
        foreach (var step in Steps) vars = step(vars);
        Interlocked.Add(ref s_sink, vars.Count);
    }

    public static BenchResult Run(RunSpec spec)
    {
        (double, Latencies) Drive(int n) => spec.Mode == "concurrent" ? Driver.Concurrent(n, spec.InFlight, Instance) : Driver.Sequential(n, Instance);
        Driver.WarmUp(spec.Warmup, spec.WarmupSeconds, n => Drive(n));
        var (seconds, lat) = Drive(spec.N);
        var (p50, p99) = lat.Percentiles();
        return new BenchResult
        {
            Workload = "W1", Store = "memory", Engine = "bound", Mode = spec.Mode, Instances = spec.N,
            InFlight = spec.Mode == "concurrent" ? spec.InFlight : 1,
            InstancesPerSecond = spec.N / seconds, P50Ms = p50, P99Ms = p99, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
            Note = "10 delegate calls, variables copied per step",
        };
    }
}

/// <summary>
/// The durable stores' floor: one transaction per instance that inserts one row of the size of an instance document,
/// with the store's own settings (SQLite: WAL and the store's synchronous level; PostgreSQL: fsync on). What
/// the disk allows for one commit per command, whatever the engine does.
/// </summary>
public static class CommitBound
{
    private static readonly string Doc = new('x', 1500);

    public static BenchResult Run(RunSpec spec)
    {
        if (spec.Mode == "concurrent") ThreadPool.SetMinThreads(EgovRuns.DurableExecutors + 8, EgovRuns.DurableExecutors + 8);
        string? note;
        Action<int> instance;
        Action cleanup;
        if (spec.Store == "sqlite")
        {
            var path = Path.Combine(spec.WorkDir, $"{spec.RunId}-bound.db");
            var cs = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
            var pragmas = $"PRAGMA busy_timeout=30000; PRAGMA synchronous={SqliteStore.Synchronous.ToString().ToUpperInvariant()};";
            using (var c = new Microsoft.Data.Sqlite.SqliteConnection(cs))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, doc TEXT NOT NULL); " + pragmas;
                cmd.ExecuteNonQuery();
                cmd.CommandText = "PRAGMA synchronous;";
                note = $"SQLite WAL, synchronous={cmd.ExecuteScalar()} (1 normal, 2 full; as the store), one INSERT of 1.5 KB per transaction";
            }
            instance = _ =>
            {
                using var c = new Microsoft.Data.Sqlite.SqliteConnection(cs);
                c.Open();
                using (var busy = c.CreateCommand()) { busy.CommandText = pragmas; busy.ExecuteNonQuery(); }
                using var tx = c.BeginTransaction(deferred: false);
                using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO t (doc) VALUES ($d)";
                cmd.Parameters.AddWithValue("$d", Doc);
                cmd.ExecuteNonQuery();
                tx.Commit();
            };
            cleanup = () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var f in new[] { path, path + "-wal", path + "-shm" }) try { File.Delete(f); } catch (IOException) { }
            };
        }
        else
        {
            var cs = spec.Postgres ?? throw new InvalidOperationException("no PostgreSQL connection");
            var table = "bench_commit_bound_" + Environment.ProcessId;
            using (var c = new Npgsql.NpgsqlConnection(cs))
            {
                c.Open();
                using var cmd = new Npgsql.NpgsqlCommand($"CREATE TABLE {table} (id bigserial PRIMARY KEY, doc text NOT NULL); SHOW fsync;", c);
                note = $"PostgreSQL fsync={cmd.ExecuteScalar()}, one INSERT of 1.5 KB per transaction";
            }
            instance = _ =>
            {
                using var c = new Npgsql.NpgsqlConnection(cs);
                c.Open();
                using var tx = c.BeginTransaction();
                using var cmd = new Npgsql.NpgsqlCommand($"INSERT INTO {table} (doc) VALUES (@d)", c, tx);
                cmd.Parameters.AddWithValue("d", Doc);
                cmd.ExecuteNonQuery();
                tx.Commit();
            };
            cleanup = () =>
            {
                using var c = new Npgsql.NpgsqlConnection(cs);
                c.Open();
                using var cmd = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS {table}", c);
                cmd.ExecuteNonQuery();
            };
        }
        try
        {
            (double, Latencies) Drive(int n) => spec.Mode == "concurrent"
                ? Driver.Concurrent(n, spec.InFlight, instance, EgovRuns.DurableExecutors) : Driver.Sequential(n, instance);
            Driver.WarmUp(spec.Warmup, spec.WarmupSeconds, n => Drive(n));
            var (seconds, lat) = Drive(spec.N);
            var (p50, p99) = lat.Percentiles();
            return new BenchResult
            {
                Workload = "W1", Store = spec.Store, Engine = "commit-bound", Mode = spec.Mode, Instances = spec.N,
                InFlight = spec.Mode == "concurrent" ? spec.InFlight : 1,
                InstancesPerSecond = spec.N / seconds, P50Ms = p50, P99Ms = p99, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(), Note = note,
            };
        }
        finally { cleanup(); }
    }
}
