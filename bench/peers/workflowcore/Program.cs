// Peer for ./egov bench: the bench workloads W1-W3 as WorkflowCore workflows on its default in-memory persistence and
// single-node queue (WorkflowCore's defaults), one JSON line of figures in the bench's result shape on stdout.
//
//   dotnet bench-workflowcore.dll --workload W1|W2|W3 --mode sequential|concurrent --n 1000 [--inflight 1000] [--warmup 100] [--warmup-seconds 3]
//
// W1: 10 steps that return at once. W2: a first step, 4 parallel branches of 2 steps, join, a decision on Route with
// one step per outcome. W3: a first step, then WaitFor an event keyed by the instance (the human task), then a last
// step; the bench publishes the event right after the start (effective from the beginning of time, so the event
// is never missed) — two commands per instance, as for our engine. Latency: start until WorkflowCompleted.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;
using EGov.Workflows.Bench.Peers;

var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
string Opt(string k, string d) => opts.TryGetValue(k, out var v) ? v : d;
var workload = Opt("workload", "W1");
var mode = Opt("mode", "sequential");
var n = int.Parse(Opt("n", "1000"), CultureInfo.InvariantCulture);
var inFlight = int.Parse(Opt("inflight", "1000"), CultureInfo.InvariantCulture);
var warmup = int.Parse(Opt("warmup", "0"), CultureInfo.InvariantCulture);
var warmupSeconds = double.Parse(Opt("warmup-seconds", "0"), CultureInfo.InvariantCulture); // repeated until this much time passed (JIT tiers)

var services = new ServiceCollection();
services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
services.AddWorkflow();
using var provider = services.BuildServiceProvider();
var host = provider.GetRequiredService<IWorkflowHost>();
host.RegisterWorkflow<W1Workflow, BenchData>();
host.RegisterWorkflow<W2Workflow, BenchData>();
host.RegisterWorkflow<W3Workflow, BenchData>();

var pending = new ConcurrentDictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
host.OnLifeCycleEvent += e =>
{
    if (e is WorkflowCompleted && e.Reference is { } r && pending.TryRemove(r, out var tcs)) tcs.TrySetResult();
    if (e is WorkflowError or WorkflowTerminated && e.Reference is { } r2 && pending.TryRemove(r2, out var tcs2))
        tcs2.TrySetException(new InvalidOperationException($"workflow {e.WorkflowInstanceId} failed"));
};
host.OnStepError += (wf, step, ex) => Console.Error.WriteLine($"step error in {wf.Id}: {ex.Message}");
await host.StartAsync(CancellationToken.None);

var seq = 0;
async Task Instance()
{
    var key = $"i{Interlocked.Increment(ref seq)}";
    var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    pending[key] = tcs;
    var data = new BenchData { Route = seq % 2 == 0 ? "a" : "b", Key = key };
    await host.StartWorkflow(workload, 1, data, key);
    if (workload == "W3") await host.PublishEvent("review", key, null, null);
    await tcs.Task.WaitAsync(TimeSpan.FromMinutes(2));
}

async Task<(double Seconds, double[] Latencies)> Drive(int count)
{
    var lat = new double[count];
    var sw = Stopwatch.StartNew();
    if (mode == "concurrent")
    {
        using var window = new SemaphoreSlim(inFlight);
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync();
            var k = i;
            tasks[i] = Task.Run(async () =>
            {
                var t0 = Stopwatch.GetTimestamp();
                try { await Instance(); lat[k] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds; }
                finally { window.Release(); }
            });
        }
        await Task.WhenAll(tasks);
    }
    else
    {
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await Instance();
            lat[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
    }
    return (sw.Elapsed.TotalSeconds, lat);
}

if (warmup > 0)
{
    var warming = Stopwatch.StartNew();
    do await Drive(warmup);
    while (warming.Elapsed.TotalSeconds < warmupSeconds);
}
var (seconds, latencies) = await Drive(n);
await host.StopAsync(CancellationToken.None);
Array.Sort(latencies);
double Rank(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Length) - 1, 0, latencies.Length - 1)];
var result = new Dictionary<string, object>
{
    ["workload"] = workload, ["store"] = "memory", ["engine"] = "workflowcore", ["mode"] = mode, ["instances"] = n,
    ["inFlight"] = mode == "concurrent" ? inFlight : 1, ["instancesPerSecond"] = n / seconds, ["p50Ms"] = Rank(0.5), ["p99Ms"] = Rank(0.99),
    ["peakRssMb"] = PeakRssMb(), ["elapsedSeconds"] = seconds,
    ["note"] = $"WorkflowCore {typeof(IWorkflowHost).Assembly.GetName().Version}, in-memory persistence, default options",
};
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

static double PeakRssMb()
{
    try
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (line is not null) return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }
    catch (IOException) { }
    return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
}
