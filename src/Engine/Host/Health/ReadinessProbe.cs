using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Jobs;
using NodaTime;

namespace EGov.Workflows.Host.Health;

/// <summary>One check of a readiness answer: its name, whether it passed and, when not, why (words for operators, no internals).</summary>
public sealed record HealthCheck(string Name, bool Ok, string? Reason = null);

/// <summary>The answer of /health/ready.</summary>
public sealed record Readiness(bool Ready, IReadOnlyList<HealthCheck> Checks)
{
    /// <summary>The first failed check's reason (null when ready).</summary>
    public string? Reason => Checks.FirstOrDefault(c => !c.Ok)?.Reason;
}

/// <summary>
/// Is this node ready for work: the store answers a read and a write and has every migration (a durable store's
/// <see cref="EfRuntimeStore.Probe"/>, which also notices a SQLite file deleted or replaced under the node), and the job
/// executor runs and is not stalled. One probe at a time, its answer kept for <see cref="CacheFor"/>, so a public
/// endpoint polled hard costs at most one write per second.
/// </summary>
/// <param name="lane">Where the probe waits on the store (the API's command lane); null: a pool thread.</param>
public sealed class ReadinessProbe(StoreChoice store, string nodeId, Func<JobExecutor?> jobs, IClock clock, Lifecycle.CommandLane? lane = null) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _one = new(1, 1);
    private (long At, Readiness Answer)? _last;

    public async Task<Readiness> CheckAsync(CancellationToken cancel)
    {
        if (Fresh() is { } cached) return cached;
        await _one.WaitAsync(cancel);
        try
        {
            if (Fresh() is { } again) return again;
            var answer = await OffThePool(cancel); // the probe blocks on the database: not on a request thread
            _last = (Environment.TickCount64, answer);
            return answer;
        }
        finally { _one.Release(); }
    }

    /// <summary>
    /// Runs the probe once and keeps no answer: the warm-up before the node listens. The job executor has not started then,
    /// so a kept answer would be "not ready" for the first <see cref="CacheFor"/> of a healthy node.
    /// </summary>
    public void Warm() => Probe();

    public void Dispose() => _one.Dispose();

    private Task<Readiness> OffThePool(CancellationToken cancel)
    {
        if (lane is null) return Task.Run(Probe, cancel);
        try { return lane.RunAsync(Probe); }
        catch (Lifecycle.CommandLaneFullException) { return Task.Run(Probe, cancel); } // the probe must answer when the node is busiest
    }

    private Readiness? Fresh() =>
        _last is { } l && Environment.TickCount64 - l.At < CacheFor.TotalMilliseconds ? l.Answer : null;

    private Readiness Probe()
    {
        var checks = new List<HealthCheck>();
        if (store.Store is EfRuntimeStore durable)
        {
            var h = durable.Probe(nodeId, clock.GetCurrentInstant());
            checks.Add(new HealthCheck("store", h.Ready, h.Reason));
        }
        else checks.Add(new HealthCheck("store", true));
        if (jobs() is { } executor)
        {
            var now = DateTimeOffset.UtcNow;
            checks.Add(!executor.IsRunning ? new HealthCheck("jobs", false, "job executor not running")
                : executor.IsStalled(now) ? new HealthCheck("jobs", false, $"job executor stalled (no progress for more than {executor.Options.StallAfter.TotalSeconds:0} s)")
                : new HealthCheck("jobs", true));
        }
        return new Readiness(checks.All(c => c.Ok), checks);
    }
}
