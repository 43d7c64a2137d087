using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace EGov.Workflows.Bench;

/// <summary>Plans and runs every run of <c>./egov bench</c>, then prints and writes the report.</summary>
public static class Orchestrator
{
    private static readonly string[] EngineWorkloads = ["W1", "W2", "W3", "W4"];

    public static int Run(BenchOptions o)
    {
        var total = Stopwatch.StartNew();
        var root = o.Root ?? FindRoot();
        var cache = Path.Combine(root, ".egov", "cache");
        var work = Path.Combine(root, ".egov", "bench", $"run-{Environment.ProcessId}");
        var models = Path.Combine(work, "models");
        Models.WriteAll(models);
        var sizes = Sizes.For(o);
        void Log(string s) => Console.Error.WriteLine($"bench: {s}");

        Log($"{(o.Quick ? "quick run (smoke test: counts are small, figures are not representative)" : "full run")}; " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}; work dir {Path.GetRelativePath(root, work)}");

        var results = new List<BenchResult>();
        void Add(BenchResult r)
        {
            results.Add(r);
            Log(Report.ProgressLine(r));
        }

        Postgres? pg = null;
        string? pgReason = null;
        if (o.Stores.Contains("postgres") && o.Workloads.Any(w => EngineWorkloads.Contains(w) || w is "W5" or "W6" or "W7" or "W8" or "W9"))
        {
            (pg, pgReason) = Postgres.Start(root, Log);
            if (pg is null) Log($"postgres skipped: {pgReason}");
        }

        try
        {
            foreach (var w in o.Workloads.Where(EngineWorkloads.Contains))
                foreach (var store in o.Stores)
                    foreach (var mode in o.Modes)
                    {
                        if (store == "postgres" && pg is null)
                        {
                            Add(new BenchResult { Workload = w, Store = store, Engine = "egov", Mode = mode, Skipped = $"postgres unavailable: {pgReason}" });
                            continue;
                        }
                        var n = sizes.Instances(w, store);
                        var durable = store != "memory" && w != "W4";
                        var spec = new RunSpec
                        {
                            Workload = w, Store = store, Engine = "egov", Mode = mode, N = n, Warmup = Sizes.Warmup(n), WarmupSeconds = sizes.WarmupSeconds,
                            ModelsDir = models, WorkDir = work, Postgres = pg?.Connection, MinSeconds = durable ? sizes.DurableMinSeconds : 0,
                        };
                        Add(durable && sizes.DurableRuns > 1
                            ? Median(Enumerable.Range(0, sizes.DurableRuns).Select(k =>
                            {
                                var r = RunChild(spec, sizes.RunLimit);
                                Log($"  run {k + 1}/{sizes.DurableRuns}: {Report.ProgressLine(r)}");
                                return r;
                            }).ToList())
                            : RunChild(spec, sizes.RunLimit));
                    }
            if (o.Peers.Contains("bound") && o.Workloads.Any(w => w is "W1" or "W3"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" || (s == "postgres" && pg is not null)))
                    foreach (var mode in o.Modes)
                    {
                        var n = sizes.Instances("W1", store);
                        Add(RunChild(new RunSpec
                        {
                            Workload = "W1", Store = store, Engine = "commit-bound", Mode = mode, N = n, Warmup = Sizes.Warmup(n), WarmupSeconds = sizes.WarmupSeconds,
                            ModelsDir = models, WorkDir = work, Postgres = pg?.Connection,
                        }, sizes.RunLimit));
                    }
            if (o.Workloads.Contains("W6"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" or "postgres"))
                {
                    if (store == "postgres" && pg is null)
                    {
                        Add(new BenchResult { Workload = "W6", Store = store, Engine = "egov-http", Mode = "page", Skipped = $"postgres unavailable: {pgReason}" });
                        continue;
                    }
                    var n = sizes.Instances("W6", store);
                    foreach (var r in RunChildren(new RunSpec
                    {
                        Workload = "W6", Store = store, Engine = "egov-http", Mode = "page", N = n, Warmup = o.Quick ? 100 : 1000,
                        ModelsDir = models, WorkDir = work, Postgres = pg?.Connection, InFlight = 200,
                    }, sizes.RunLimit * 3))
                        Add(r);
                }
            if (o.Workloads.Contains("W7"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" or "postgres"))
                {
                    if (store == "postgres" && pg is null)
                    {
                        Add(new BenchResult { Workload = "W7", Store = store, Engine = "egov", Mode = "query", Skipped = $"postgres unavailable: {pgReason}" });
                        continue;
                    }
                    Add(RunChild(new RunSpec
                    {
                        Workload = "W7", Store = store, Engine = "egov", Mode = "query", N = sizes.Instances("W7", store), Warmup = o.Quick ? 5 : 20,
                        ModelsDir = models, WorkDir = work, Postgres = pg?.Connection,
                    }, sizes.RunLimit * 3));
                }
            if (o.Workloads.Contains("W8"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" or "postgres"))
                {
                    if (store == "postgres" && pg is null)
                    {
                        Add(new BenchResult { Workload = "W8", Store = store, Engine = "egov", Mode = "start", Skipped = $"postgres unavailable: {pgReason}" });
                        continue;
                    }
                    foreach (var r in OpenCases(store, sizes, models, work, pg?.Connection)) Add(r);
                }
            if (o.Workloads.Contains("W9"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" or "postgres"))
                {
                    if (store == "postgres" && pg is null)
                    {
                        Add(new BenchResult { Workload = "W9", Store = store, Engine = "egov", Mode = "retention", Skipped = $"postgres unavailable: {pgReason}" });
                        continue;
                    }
                    var n = sizes.Instances("W9", store);
                    Add(RunChild(new RunSpec
                    {
                        Workload = "W9", Store = store, Engine = "egov", Mode = "retention", N = n, MeasureSeconds = sizes.MeasureSeconds,
                        ModelsDir = models, WorkDir = work, Postgres = pg?.Connection,
                    }, TimeSpan.FromSeconds(Math.Max(sizes.RunLimit.TotalSeconds * 3, n / 5_000.0))));
                }
            if (o.ServeStart)
                Add(ServeStart(sizes, models, work, Path.Combine(root, "processes"), Log));
            if (o.Workloads.Contains("W5"))
                Add(RunChild(new RunSpec
                {
                    Workload = "W5", Store = "memory", Engine = "egov", Mode = "sequential", ModelsDir = models, WorkDir = work,
                    ProcessesDir = Path.Combine(root, "processes"), Variants = sizes.Variants,
                }, sizes.RunLimit));
            if (o.Workloads.Contains("W5") && o.Stores.Contains("memory"))
                Add(RunChild(new RunSpec
                {
                    Workload = "W5", Store = "memory", Engine = "egov", Mode = "overlays", ModelsDir = models, WorkDir = work,
                    ProcessesDir = Path.Combine(root, "processes"), Variants = sizes.OverlayModels, N = sizes.OverlayTenants,
                }, sizes.RunLimit));
            if (o.Workloads.Contains("W5"))
                foreach (var store in o.Stores.Where(s => s is "sqlite" or "postgres"))
                {
                    if (store == "postgres" && pg is null)
                    {
                        Add(new BenchResult { Workload = "W5", Store = store, Engine = "egov", Mode = OverlayRun.FirstMode, Skipped = $"postgres unavailable: {pgReason}" });
                        continue;
                    }
                    foreach (var r in DurableOverlays(store, sizes, models, work, Path.Combine(root, "processes"), pg?.Connection, Log)) Add(r);
                }
        }
        finally
        {
            pg?.Stop(Log);
        }

        var peerWorkloads = o.Workloads.Where(w => w is "W1" or "W2" or "W3").ToList();
        if (peerWorkloads.Count > 0)
        {
            if (o.Peers.Contains("bound"))
                foreach (var mode in o.Modes)
                    Add(RunChild(new RunSpec
                    {
                        Workload = "W1", Store = "memory", Engine = "bound", Mode = mode, N = sizes.BoundN, Warmup = Sizes.Warmup(sizes.BoundN), WarmupSeconds = sizes.WarmupSeconds,
                        ModelsDir = models, WorkDir = work,
                    }, sizes.RunLimit));
            var peers = new List<(Peer Peer, int N)>();
            if (o.Peers.Contains("workflowcore")) peers.Add((new WorkflowCorePeer(root, cache), sizes.WorkflowCoreN));
            if (o.Peers.Contains("bpmn-engine")) peers.Add((new BpmnEnginePeer(root, cache, models), sizes.BpmnEngineN));
            foreach (var (peer, n) in peers)
            {
                string? reason;
                try { reason = peer.Prepare(Log); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException) { reason = e.Message; }
                if (reason is not null) Log($"{peer.Name} unavailable: {reason}");
                foreach (var w in peerWorkloads.Where(peer.Workloads.Contains))
                    foreach (var mode in o.Modes)
                        Add(reason is not null ? peer.Skip(w, mode, reason) : peer.Run(w, mode, n, 1000, Math.Clamp(n / 10, 5, 500), sizes.WarmupSeconds, sizes.RunLimit));
            }
        }

        var report = new Report(results, o, LoadAverage(), total.Elapsed);
        report.Print(Console.Out);
        if (o.JsonFile is { } json)
        {
            WriteFile(json, report.Json());
            Log($"wrote {json}");
        }
        if (o.PngFile is { } png)
        {
            try
            {
                Chart.Write(results, png, o.Quick);
                Log($"wrote {png}");
            }
            catch (Exception e) when (e is IOException or TypeInitializationException or DllNotFoundException or InvalidOperationException)
            {
                Log($"no chart: {e.GetType().Name}: {e.Message}");
            }
        }
        try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        Log($"done in {total.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>W8: the seeding child (keeps the tables), then the serving child on them; the tables are dropped afterwards.</summary>
    private static IReadOnlyList<BenchResult> OpenCases(string store, Sizes sizes, string models, string work, string? pg)
    {
        var spec = new RunSpec
        {
            Workload = "W8", Store = store, Engine = "egov", Mode = "seed", N = sizes.Instances("W8", store), InFlight = 1000,
            Warmup = sizes.CasePages, MeasureSeconds = sizes.MeasureSeconds, ModelsDir = models, WorkDir = work, Postgres = pg,
            SharedRunId = $"w8_{store}_{Environment.ProcessId}",
        };
        // 1,000,000 starts at a few hundred per second on a shared machine: hours, not the usual limit.
        var limit = TimeSpan.FromSeconds(Math.Max(sizes.RunLimit.TotalSeconds * 3, spec.N / 50.0));
        try
        {
            var seeded = RunChild(spec, limit);
            if (seeded.Skipped is not null) return [seeded];
            return [seeded, .. RunChildren(spec with { Mode = "serve", Seeded = seeded }, sizes.RunLimit * 3)];
        }
        finally
        {
            try { BenchStore.Drop(store, work, spec.RunId, pg); } catch (Exception e) when (e is IOException or Npgsql.NpgsqlException) { }
            try { File.Delete(Path.Combine(work, spec.RunId + ".ids")); } catch (IOException) { }
        }
    }

    /// <summary>
    /// W5 overlays on a durable store: the first deploy into an empty database, then a restart over it in a fresh child
    /// (its own peak RSS); the database and the files are removed afterwards.
    /// </summary>
    private static IReadOnlyList<BenchResult> DurableOverlays(string store, Sizes sizes, string models, string work, string processes, string? pg, Action<string> log)
    {
        var spec = new RunSpec
        {
            Workload = "W5", Store = store, Engine = "egov", Mode = OverlayRun.FirstMode, ModelsDir = models, WorkDir = work, ProcessesDir = processes,
            Variants = sizes.DurableOverlayModels, N = sizes.DurableOverlayTenants, Postgres = pg, SharedRunId = $"w5o_{store}_{Environment.ProcessId}",
        };
        // Each tenant's version stored as its own merged copy takes tens of milliseconds on a shared machine: give it time.
        var limit = TimeSpan.FromSeconds(Math.Max(sizes.RunLimit.TotalSeconds, spec.Variants * spec.N * 0.06));
        try
        {
            var first = RunChild(spec, limit);
            log($"  first deploy: {first.Skipped ?? $"{first.DeploySeconds:0.00} s, {first.Definitions} versions, {first.DatabaseMb:0.0} MB"}");
            if (first.Skipped is not null) return [first];
            return [first, RunChild(spec with { Mode = OverlayRun.RestartMode }, limit)];
        }
        finally
        {
            OverlayRun.Drop(spec);
        }
    }

    private static void WriteFile(string path, string text)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllText(path, text);
    }

    /// <summary>Runs one spec in a fresh child process of this program (its own peak RSS, a cold heap).</summary>
    private static BenchResult RunChild(RunSpec spec, TimeSpan limit)
    {
        var dll = Assembly.GetExecutingAssembly().Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var isDotnetHost = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var args = new List<string>();
        if (isDotnetHost) args.Add(dll);
        args.Add("--child");
        args.Add(JsonSerializer.Serialize(spec, BenchResult.Json));
        var o = ChildProcess.Run(host, args, limit);
        KeepLog(spec, o);
        var r = o.ExitCode == 0 ? ChildProcess.LastJson<BenchResult>(o.Stdout) : null;
        return r ?? new BenchResult
        {
            Workload = spec.Workload, Store = spec.Store, Engine = spec.Engine, Mode = spec.Mode, Instances = spec.N,
            Skipped = ChildProcess.Reason(o, "run failed"),
        };
    }

    /// <summary>serve-start: the first start (deploys everything), then restarts in fresh processes; the median restart with its spread.</summary>
    private static BenchResult ServeStart(Sizes sizes, string models, string work, string processes, Action<string> log)
    {
        var dir = ServeStartRun.WriteProcesses(work, processes, sizes.ServeDefinitions);
        var spec = new RunSpec { Workload = "serve-start", Store = "sqlite", Engine = "egov-http", Mode = "first", ModelsDir = models, WorkDir = work, ProcessesDir = dir };
        var first = RunChild(spec, sizes.RunLimit);
        log($"  first start: {first.Skipped ?? $"{first.StartupSeconds:0.00} s, {first.Definitions} definitions"}");
        if (first.Skipped is not null) return first;
        var restarts = Enumerable.Range(0, Math.Max(3, sizes.DurableRuns)).Select(_ => RunChild(spec with { Mode = "restart" }, sizes.RunLimit))
            .Select(r => r.StartupSeconds is { } s ? r with { InstancesPerSecond = 1 / s } : r).ToList();
        var median = Median(restarts);
        var ok = restarts.Where(r => r.StartupSeconds is not null).Select(r => r.StartupSeconds!.Value).Order().ToList();
        return median with
        {
            InstancesPerSecond = null, MinPerSecond = null, MaxPerSecond = null,
            Note = median.Note + (ok.Count > 0 ? $"; {ok.Count} restarts {ok[0]:0.00}–{ok[^1]:0.00} s; first start (deploying) {first.StartupSeconds:0.00} s, heap {first.HeapMb:N0} MB" : ""),
        };
    }

    /// <summary>
    /// Several runs of one spec as one row: the median run by rate (its latencies and figures), with the number of runs
    /// and the lowest and highest rate; runs that failed are left out (all failed: the first failure).
    /// </summary>
    public static BenchResult Median(IReadOnlyList<BenchResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var ok = runs.Where(r => r.Skipped is null && r.InstancesPerSecond is > 0).OrderBy(r => r.InstancesPerSecond).ToList();
        if (ok.Count == 0) return runs[0];
        var median = ok[(ok.Count - 1) / 2];
        if (ok.Count % 2 == 0) median = median with { InstancesPerSecond = (ok[ok.Count / 2 - 1].InstancesPerSecond + ok[ok.Count / 2].InstancesPerSecond) / 2 };
        return median with
        {
            Runs = ok.Count, MinPerSecond = ok[0].InstancesPerSecond, MaxPerSecond = ok[^1].InstancesPerSecond,
            Note = (median.Note is null ? "" : median.Note + "; ") + $"median of {ok.Count} runs"
                   + (ok.Count < runs.Count ? $" ({runs.Count - ok.Count} failed)" : ""),
        };
    }

    /// <summary>A failed child's whole output (a server's log included) in .egov/bench/failed-…log, kept after the work dir goes.</summary>
    private static void KeepLog(RunSpec spec, ChildProcess.Outcome o)
    {
        if (o.ExitCode == 0) return;
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(spec.WorkDir))!;
            var file = Path.Combine(dir, $"failed-{spec.Workload}-{spec.Store}-{spec.Mode}-{Environment.ProcessId}.log");
            File.WriteAllText(file, $"exit code {o.ExitCode}{(o.TimedOut ? " (timed out)" : "")}\n--- stdout\n{o.Stdout}\n--- stderr\n{o.Stderr}");
            Console.Error.WriteLine($"bench: the failed run's output is in {file}");
        }
        catch (IOException) { }
    }

    /// <summary>A child run with several results (W6: the page and the counts).</summary>
    private static IReadOnlyList<BenchResult> RunChildren(RunSpec spec, TimeSpan limit)
    {
        var dll = Assembly.GetExecutingAssembly().Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) args.Add(dll);
        args.Add("--child");
        args.Add(JsonSerializer.Serialize(spec, BenchResult.Json));
        var o = ChildProcess.Run(host, args, limit);
        KeepLog(spec, o);
        var list = o.ExitCode == 0 ? ChildProcess.AllJson<BenchResult>(o.Stdout) : [];
        return list.Count > 0 ? list : [new BenchResult
        {
            Workload = spec.Workload, Store = spec.Store, Engine = spec.Engine, Mode = spec.Mode, Instances = spec.N,
            Skipped = ChildProcess.Reason(o, "run failed"),
        }];
    }

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    /// <summary>The repository root: the folder above with bench/EGov.Workflows.Bench, from the working directory or from this program.</summary>
    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (Directory.Exists(Path.Combine(d.FullName, "bench", "EGov.Workflows.Bench"))) return d.FullName;
        throw new BenchUsageException("run from the repository (no bench/EGov.Workflows.Bench above the working directory); or pass --root");
    }
}

/// <summary>The bench's own throwaway PostgreSQL (scripts/postgres.sh with its own state file), or one named by EGOV_BENCH_POSTGRES.</summary>
public sealed class Postgres
{
    private readonly string? _script;
    private readonly Dictionary<string, string> _env;

    private Postgres(string connection, string? script, Dictionary<string, string> env)
    {
        Connection = connection;
        _script = script;
        _env = env;
    }

    public string Connection { get; }

    public static (Postgres?, string?) Start(string root, Action<string> log)
    {
        if (Environment.GetEnvironmentVariable("EGOV_BENCH_POSTGRES") is { Length: > 0 } given)
            return (new Postgres(given, null, []), null);
        var script = Path.Combine(root, "scripts", "postgres.sh");
        if (!File.Exists(script)) return (null, "scripts/postgres.sh is missing (or set EGOV_BENCH_POSTGRES to a connection string)");
        var env = new Dictionary<string, string>
        {
            ["EGOV_PG_STATE"] = "/tmp/egov-bench-pg.state", ["EGOV_PG_ENV"] = "/tmp/egov-bench-pg.env", ["EGOV_PG_DATABASE"] = "egov_bench",
        };
        log("starting PostgreSQL (scripts/postgres.sh: loopback, fsync on) …");
        var o = ChildProcess.Run("bash", [script, "start"], TimeSpan.FromMinutes(5), root, env);
        var line = o.Stdout.Split('\n').FirstOrDefault(l => l.Contains("EGOV_TEST_POSTGRES=", StringComparison.Ordinal));
        if (o.ExitCode != 0 || line is null) return (null, ChildProcess.Reason(o, "scripts/postgres.sh start"));
        var conn = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim().Trim('\'');
        return (new Postgres(conn + ";Maximum Pool Size=150", script, env), null);
    }

    public void Stop(Action<string> log)
    {
        if (_script is null) return;
        var o = ChildProcess.Run("bash", [_script, "stop"], TimeSpan.FromMinutes(2), null, _env);
        if (o.ExitCode != 0) log(ChildProcess.Reason(o, "scripts/postgres.sh stop"));
    }

    public override string ToString() => Connection.ToString(CultureInfo.InvariantCulture);
}
