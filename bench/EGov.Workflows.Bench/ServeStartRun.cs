using System.Diagnostics;
using System.Text;
using EGov.Workflows.Host;

namespace EGov.Workflows.Bench;

/// <summary>
/// <c>./egov bench --serve-start</c> (issue 15 item 1): <c>egov serve</c>'s host on a SQLite store with a processes folder
/// of <see cref="RunSpec.Variants"/> definitions (the models of processes/, each folder copied, plus renamed variants of
/// them next to their original, so forms and decisions resolve as they do for the original), one start per child process
/// — from the process's own start (runtime, JIT, packs, store, deployment, identity) until <c>/health/ready</c> answers
/// 200. The first start deploys every file into empty tables; the later ones are restarts (the versions are stored and
/// unchanged), which is what an operator waits for. Also the managed heap once ready: what the deployment catalogue keeps.
/// </summary>
public static class ServeStartRun
{
    /// <summary>Writes the processes folder (once per bench run) and returns it.</summary>
    public static string WriteProcesses(string workDir, string processesDir, int definitions)
    {
        var root = Path.Combine(workDir, "serve-start", "processes");
        if (Directory.Exists(root)) return root;
        var originals = Directory.EnumerateFiles(processesDir, "*.bpmn", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in Directory.EnumerateFiles(processesDir, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(processesDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var utf8 = new UTF8Encoding(false);
        for (var v = 0; v < definitions - originals.Count; v++)
        {
            var original = originals[v % originals.Count];
            var xml = File.ReadAllText(original);
            var target = Path.Combine(Path.GetDirectoryName(Path.Combine(root, Path.GetRelativePath(processesDir, original)))!, $"variant-{v:D3}-{Path.GetFileName(original)}");
            File.WriteAllText(target, Rename(xml, v), utf8);
        }
        return root;
    }

    /// <summary>Every process id of the model renamed ID_vN (and every attribute that names it).</summary>
    private static string Rename(string xml, int v)
    {
        foreach (var id in System.Text.RegularExpressions.Regex.Matches(xml, "<(?:bpmn2?:)?process\\b[^>]*\\bid=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct())
            xml = xml.Replace($"\"{id}\"", $"\"{id}_v{v}\"", StringComparison.Ordinal);
        return xml;
    }

    /// <summary>One start in this child process: start to ready, from the process's own start.</summary>
    public static BenchResult Run(RunSpec spec)
    {
        var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var db = Path.Combine(spec.WorkDir, "serve-start", "egov.db");
        var server = EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = "sqlite:" + db, Create = true, ProcessesDirectory = spec.ProcessesDir, NodeId = "bench-start",
            WebDirectory = Path.Combine(spec.WorkDir, "no-web"),
        }).GetAwaiter().GetResult();
        try
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            while (true)
            {
                using var r = http.GetAsync("health/ready").GetAwaiter().GetResult();
                if (r.IsSuccessStatusCode) break;
                if (DateTime.UtcNow - processStart > TimeSpan.FromMinutes(5)) throw new InvalidOperationException($"serve-start: not ready after 5 minutes ({(int)r.StatusCode})");
                Thread.Sleep(10);
            }
            var seconds = (DateTime.UtcNow - processStart).TotalSeconds;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds; // the process's own CPU: what the load of others disturbs little
            var definitions = server.Engines.Get(server.Engines.DefaultTenantId).Catalog.All().Count;
            var heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            return new BenchResult
            {
                Workload = "serve-start", Store = "sqlite", Engine = "egov-http", Mode = spec.Mode, Instances = definitions, InFlight = 1,
                StartupSeconds = seconds, ElapsedSeconds = seconds, CpuMsPerInstance = cpu * 1000 / Math.Max(1, definitions), PeakRssMb = Proc.PeakRssMb(), HeapMb = heap, Definitions = definitions,
                Note = $"{(spec.Mode == "first" ? "first start: every file deployed into empty tables" : "restart: the versions are stored")}; "
                       + $"process start to /health/ready {seconds:0.00} s ({cpu:0.0} CPU s); {definitions} definitions in the catalogue; heap once ready {heap:N0} MB"
                       + (server.App.Services.GetService(typeof(EGov.Workflows.Host.Health.StartTimings)) is EGov.Workflows.Host.Health.StartTimings t
                           ? $"; runtime before the server's build {(t.Started - processStart).TotalSeconds:0.00} s; phases: {t}" : ""),
            };
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
