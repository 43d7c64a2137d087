namespace EGov.Workflows.Bench;

/// <summary>A peer engine run in its own process: prepared once (built or installed), then one process per run.</summary>
public abstract class Peer
{
    public abstract string Name { get; }
    public abstract IReadOnlyList<string> Workloads { get; }

    /// <summary>Builds or installs the peer; returns why it is unavailable, or null when it is ready.</summary>
    public abstract string? Prepare(Action<string> log);

    public abstract BenchResult Run(string workload, string mode, int n, int inFlight, int warmup, double warmupSeconds, TimeSpan limit);

    protected BenchResult FromChild(ChildProcess.Outcome o, string workload, string mode)
    {
        var r = o.ExitCode == 0 ? ChildProcess.LastJson<BenchResult>(o.Stdout) : null;
        return r ?? Skip(workload, mode, ChildProcess.Reason(o, Name));
    }

    public BenchResult Skip(string workload, string mode, string reason) =>
        new() { Workload = workload, Store = "memory", Engine = Name, Mode = mode, Skipped = reason };

    /// <summary>True when some file under <paramref name="dir"/> (by the patterns) is newer than <paramref name="output"/>.</summary>
    protected static bool Stale(string output, string dir, params string[] patterns)
    {
        if (!File.Exists(output)) return true;
        var built = File.GetLastWriteTimeUtc(output);
        return patterns.SelectMany(p => Directory.EnumerateFiles(dir, p, SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Any(f => File.GetLastWriteTimeUtc(f) > built);
    }
}

/// <summary>WorkflowCore 3.22.0, in-memory persistence: bench/peers/workflowcore, built into the cache directory.</summary>
public sealed class WorkflowCorePeer(string root, string cacheDir) : Peer
{
    private readonly string _project = Path.Combine(root, "bench", "peers", "workflowcore");
    private readonly string _out = Path.Combine(cacheDir, "bench-workflowcore");
    private string Dll => Path.Combine(_out, "bench-workflowcore.dll");

    public override string Name => "workflowcore";
    public override IReadOnlyList<string> Workloads => ["W1", "W2", "W3"];

    public override string? Prepare(Action<string> log)
    {
        if (!Directory.Exists(_project)) return $"{_project} is missing";
        if (!Stale(Dll, _project, "*.cs", "*.csproj") && !Stale(Dll, Path.Combine(root), "Directory.Packages.props")) return null;
        log("building the WorkflowCore peer …");
        for (var attempt = 1; ; attempt++)
        {
            var o = ChildProcess.Run("dotnet", ["build", Path.Combine(_project, "EGov.Workflows.Bench.WorkflowCore.csproj"), "-c", "Release", "-o", _out,
                "--nologo", "-v", "q", "-clp:NoSummary"], TimeSpan.FromMinutes(5), root);
            if (o.ExitCode == 0) { File.SetLastWriteTimeUtc(Dll, DateTime.UtcNow); return null; }
            var text = o.Stdout + o.Stderr;
            if (attempt < 3 && text.Contains("being used by another process", StringComparison.Ordinal)) { Thread.Sleep(20_000); continue; }
            return "WorkflowCore peer did not build: " + (text.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() ?? $"exit {o.ExitCode}");
        }
    }

    public override BenchResult Run(string workload, string mode, int n, int inFlight, int warmup, double warmupSeconds, TimeSpan limit) =>
        FromChild(ChildProcess.Run("dotnet", [Dll, "--workload", workload, "--mode", mode, "--n", $"{n}", "--inflight", $"{inFlight}", "--warmup", $"{warmup}", "--warmup-seconds", warmupSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], limit),
            workload, mode);
}

/// <summary>
/// bpmn-engine (npm, pinned in bench/peers/bpmn-engine/package-lock.json), installed with <c>npm ci</c> into the cache
/// directory, fed the same BPMN files as our engine by bench/peers/bpmn-engine/run.js.
/// </summary>
public sealed class BpmnEnginePeer(string root, string cacheDir, string modelsDir) : Peer
{
    private readonly string _src = Path.Combine(root, "bench", "peers", "bpmn-engine");
    private readonly string _install = Path.Combine(cacheDir, "bench-node");

    public override string Name => "bpmn-engine";
    public override IReadOnlyList<string> Workloads => ["W1", "W2", "W3"];

    public override string? Prepare(Action<string> log)
    {
        var version = ChildProcess.Run("node", ["--version"], TimeSpan.FromSeconds(30));
        if (version.ExitCode != 0) return "node is not installed (apt-get install nodejs npm)";
        var lockFile = Path.Combine(_src, "package-lock.json");
        var cachedLock = Path.Combine(_install, "package-lock.json");
        var installed = File.Exists(Path.Combine(_install, "node_modules", "bpmn-engine", "package.json"));
        if (installed && File.Exists(cachedLock) && File.ReadAllText(cachedLock) == File.ReadAllText(lockFile)) return null;
        log($"installing bpmn-engine into {Path.GetRelativePath(root, _install)} (npm ci) …");
        Directory.CreateDirectory(_install);
        File.Copy(Path.Combine(_src, "package.json"), Path.Combine(_install, "package.json"), overwrite: true);
        File.Copy(lockFile, cachedLock, overwrite: true);
        var o = ChildProcess.Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5), _install);
        if (o.ExitCode != 0)
        {
            File.Delete(cachedLock);
            return ChildProcess.Reason(o, "npm ci for bpmn-engine failed");
        }
        return null;
    }

    public override BenchResult Run(string workload, string mode, int n, int inFlight, int warmup, double warmupSeconds, TimeSpan limit) =>
        FromChild(ChildProcess.Run("node", [Path.Combine(_src, "run.js"), "--modules", Path.Combine(_install, "node_modules"),
            "--model", Path.Combine(modelsDir, workload + ".bpmn"), "--workload", workload, "--mode", mode,
            "--n", $"{n}", "--inflight", $"{inFlight}", "--warmup", $"{warmup}", "--warmup-seconds", warmupSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], limit), workload, mode);
}
