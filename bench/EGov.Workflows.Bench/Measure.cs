using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EGov.Workflows.Bench;

/// <summary>One row of the report: one workload on one store by one engine in one mode. Every figure is optional.</summary>
public sealed record BenchResult
{
    public required string Workload { get; init; }
    public required string Store { get; init; }
    public required string Engine { get; init; }
    public required string Mode { get; init; }
    public int Instances { get; init; }
    public int InFlight { get; init; }
    public double? InstancesPerSecond { get; init; }
    public double? P50Ms { get; init; }
    public double? P99Ms { get; init; }
    public double? PeakRssMb { get; init; }
    public double? ElapsedSeconds { get; init; }
    /// <summary>W4: managed heap per waiting instance (after a full GC) and RSS growth per waiting instance.</summary>
    public double? BytesPerWaitingInstance { get; init; }
    public double? RssBytesPerWaitingInstance { get; init; }
    /// <summary>W4: how long firing every timer took, and the rate of the start phase alone.</summary>
    public double? FireSeconds { get; init; }
    public double? StartPerSecond { get; init; }
    /// <summary>Durable stores: rows left in the tables per instance (net), row writes (insert+update+delete, PostgreSQL statistics) per instance.</summary>
    public double? RowsPerInstance { get; init; }
    public double? RowWritesPerInstance { get; init; }
    /// <summary>Durable stores: bytes the store holds per instance (tables + indexes / file growth) and bytes written per instance (SQLite: write syscalls; PostgreSQL: WAL).</summary>
    public double? StoredBytesPerInstance { get; init; }
    public double? BytesWrittenPerInstance { get; init; }
    /// <summary>
    /// CPU time (user + system) of the run's process per instance while it measured: on a machine loaded by others the
    /// rate falls with the share of the cores it gets, this figure much less (PostgreSQL's own CPU is not in it).
    /// </summary>
    public double? CpuMsPerInstance { get; init; }
    /// <summary>Managed bytes allocated per instance while it measured (all threads), and the share of the measured time the GC paused the process, with the number of full (gen 2) collections.</summary>
    public double? AllocatedBytesPerInstance { get; init; }
    public double? GcPausePercent { get; init; }
    public int? Gen2Collections { get; init; }
    /// <summary>SQLite: the largest the write-ahead log grew during the run (sampled every 20 ms; issue 21 item 1 bounds it).</summary>
    public double? WalPeakMb { get; init; }
    /// <summary>W5: definitions deployed and the time it took.</summary>
    public int? Definitions { get; init; }
    public double? DeploySeconds { get; init; }
    /// <summary>W5 with overlays: the tenants and the shared models each of them has an overlay for.</summary>
    public int? Tenants { get; init; }
    public int? SharedModels { get; init; }
    /// <summary>W8/W9: the database's size (SQLite pages; PostgreSQL tables and indexes of the run's schema).</summary>
    public double? DatabaseMb { get; init; }
    /// <summary>W8: the largest current RSS of the node while it served (VmRSS sampled), and its managed heap after a full collection.</summary>
    public double? RssMb { get; init; }
    public double? HeapMb { get; init; }
    /// <summary>Start to ready of a server (W8's node; serve-start: with the catalogue deployed).</summary>
    public double? StartupSeconds { get; init; }
    /// <summary>W8/W9: the W3 rate of the comparison run (empty tables; W9: without the retention job).</summary>
    public double? BaselinePerSecond { get; init; }
    /// <summary>W9: the longest single statement of the retention job, and how many cases it deleted per second.</summary>
    public double? LongestStatementMs { get; init; }
    public double? DeletedPerSecond { get; init; }
    /// <summary>W9: the ended cases seeded (their history rows are <see cref="HistoryRun.RowsPerCase"/> each).</summary>
    public int? Cases { get; init; }
    /// <summary>Repeated runs (<c>--runs</c>): how many, and the lowest and highest rate; the rate and latencies are the median run's.</summary>
    public int? Runs { get; init; }
    public double? MinPerSecond { get; init; }
    public double? MaxPerSecond { get; init; }
    public string? Note { get; init; }
    /// <summary>Set when the run could not be made (peer unavailable, store not reachable, …): the reason.</summary>
    public string? Skipped { get; init; }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}

/// <summary>Latencies of one run (one entry per instance), percentiles by nearest rank.</summary>
public sealed class Latencies(int capacity)
{
    private readonly double[] _ms = new double[Math.Max(1, capacity)];
    private int _count;

    public void Add(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void Add(double ms)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _ms.Length) _ms[i] = ms;
    }

    /// <summary>These latencies and <paramref name="more"/> in one (a run measured in several rounds).</summary>
    public Latencies With(Latencies more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var a = Math.Min(_count, _ms.Length);
        var b = Math.Min(more._count, more._ms.Length);
        var all = new Latencies(a + b);
        Array.Copy(_ms, all._ms, a);
        Array.Copy(more._ms, 0, all._ms, a, b);
        all._count = a + b;
        return all;
    }

    public (double P50, double P99) Percentiles()
    {
        var n = Math.Min(_count, _ms.Length);
        if (n == 0) return (double.NaN, double.NaN);
        var copy = _ms.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        return (copy[Rank(n, 0.50)], copy[Rank(n, 0.99)]);
    }

    private static int Rank(int n, double p) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);
}

/// <summary>Reads this process's memory and I/O figures from /proc (Linux), with portable fallbacks.</summary>
public static class Proc
{
    /// <summary>Peak resident set size in MB (VmHWM).</summary>
    public static double PeakRssMb() => StatusKb("VmHWM:") is { } kb ? kb / 1024.0 : Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

    /// <summary>Current resident set size in bytes (VmRSS).</summary>
    public static long RssBytes() => StatusKb("VmRSS:") is { } kb ? kb * 1024 : Process.GetCurrentProcess().WorkingSet64;

    private static long? StatusKb(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Bytes this process passed to write() and friends so far (/proc/self/io wchar), or null.</summary>
    public static long? WrittenBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Full blocking compacting collection; returns the managed heap size after it.</summary>
    public static long ManagedAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Runs N instances one after the other, or with a window of K in flight (Task.Run per instance).</summary>
public static class Driver
{
    /// <summary>
    /// Warms up with <paramref name="count"/> instances, repeated until <paramref name="seconds"/> have passed: a count
    /// alone is over in milliseconds for a fast workload, before the JIT has compiled the hot path at its final tier
    /// (tiered compilation waits for calls and compiles in the background), and the run would measure the compiler.
    /// </summary>
    public static void WarmUp(int count, double seconds, Action<int> drive)
    {
        var sw = Stopwatch.StartNew();
        do drive(count);
        while (sw.Elapsed.TotalSeconds < seconds);
    }

    /// <summary>
    /// Runs instances on <paramref name="workers"/> threads, each one after the other, until <paramref name="seconds"/> have
    /// passed (a durable run measured by time, not count: long enough to say something on a shared machine).
    /// </summary>
    /// <param name="until">Also stops when this says so (W9: the job it runs beside is done).</param>
    public static (int Count, double Seconds, Latencies Latencies) ForSeconds(double seconds, int workers, Action<int> instance, Func<bool>? until = null)
    {
        var lists = new List<double>[workers];
        var next = -1;
        Exception? failure = null;
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            var mine = lists[w] = new List<double>(1024);
            try
            {
                while (sw.Elapsed < deadline && failure is null && until?.Invoke() != true)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    instance(Interlocked.Increment(ref next));
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }
            catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var elapsed = sw.Elapsed.TotalSeconds;
        if (failure is not null) throw new InvalidOperationException($"an instance failed: {failure.Message}", failure);
        var all = lists.SelectMany(l => l).ToList();
        var lat = new Latencies(all.Count);
        foreach (var ms in all) lat.Add(ms);
        return (all.Count, elapsed, lat);
    }

    public static (double Seconds, Latencies Latencies) Sequential(int n, Action<int> instance)
    {
        var lat = new Latencies(n);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            instance(i);
            lat.Add(t0);
        }
        return (sw.Elapsed.TotalSeconds, lat);
    }

    /// <summary>
    /// Keeps <paramref name="inFlight"/> instances submitted at any time: a new one is submitted when one finishes.
    /// Latency runs from submission to completion (so it includes waiting for a worker thread, as a caller would see).
    /// </summary>
    /// <param name="executors">At most this many instances execute at once (the rest of the window waits for one, without
    /// holding a thread): for durable stores, whose synchronous API holds a thread and a connection per command.</param>
    public static (double Seconds, Latencies Latencies) Concurrent(int n, int inFlight, Action<int> instance, int? executors = null)
    {
        var lat = new Latencies(n);
        using var window = new SemaphoreSlim(inFlight);
        using var running = executors is { } e ? new SemaphoreSlim(e) : null;
        var tasks = new Task[n];
        Exception? failure = null;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            window.Wait();
            if (failure is not null) break;
            var k = i;
            var t0 = Stopwatch.GetTimestamp();
            tasks[i] = Task.Run(async () =>
            {
                if (running is not null) await running.WaitAsync().ConfigureAwait(false);
                try { instance(k); lat.Add(t0); }
                catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
                finally
                {
                    running?.Release();
                    window.Release();
                }
            });
        }
        Task.WaitAll(tasks.Where(t => t is not null).ToArray());
        var seconds = sw.Elapsed.TotalSeconds;
        if (failure is not null) throw new InvalidOperationException($"an instance failed: {failure.Message}", failure);
        return (seconds, lat);
    }
}

/// <summary>What the garbage collector did while a run measured: bytes allocated, time paused, full collections.</summary>
public readonly record struct GcFigures(long Allocated, TimeSpan Paused, int Gen2Count)
{
    public static GcFigures Start() => new(GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration(), GC.CollectionCount(2));

    public (double AllocatedPerInstance, double PausePercent, int Gen2) Stop(double seconds, int instances) =>
        ((GC.GetTotalAllocatedBytes(precise: false) - Allocated) / (double)instances,
         (GC.GetTotalPauseDuration() - Paused).TotalSeconds * 100 / seconds,
         GC.CollectionCount(2) - Gen2Count);
}
