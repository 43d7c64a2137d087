using System.Diagnostics.Metrics;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.Observability;

/// <summary>
/// The gauges a scrape reads from the store (meter <see cref="MeterName"/>, the server's own): open user tasks and open incidents
/// per tenant (<c>egov.tasks.open</c>, <c>egov.incidents.open</c>), due work nobody runs yet (<c>egov.jobs.backlog</c>) and how
/// long the oldest of it has been due (<c>egov.jobs.oldest_due_age</c>, the job executor's lag now). One set of grouped
/// counts at most every <see cref="CacheFor"/>, however often and by how many scrapers it is read; a store that fails
/// answers nothing for that scrape (the series goes stale, the scrape does not fail).
/// </summary>
public sealed class OperationalMetrics : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>The store gauges' meter of the first server in a process (the only one in production).</summary>
    public const string MeterName = "EGov.Workflows.Store";

    private static int _servers;

    /// <summary>
    /// A meter name no other server of this process uses. A meter provider takes every meter of the names it was given, so
    /// servers sharing a process (the test host) under one name would each read every store's gauges, and an instrument of
    /// the same name from two meters is one stream to the SDK — a scrape showed another store's counts, and lost the gauges
    /// when the server that registered them first stopped. Each server's provider takes its own name only.
    /// </summary>
    public static string NextMeterName()
    {
        var n = Interlocked.Increment(ref _servers);
        return n == 1 ? MeterName : $"{MeterName}.{n}";
    }

    private readonly Meter _meter;
    private readonly IRuntimeStore _store;
    private readonly IClock _clock;
    private readonly Lock _lock = new();
    private (long At, OperationalFigures Figures, Instant Now)? _last;

    public OperationalMetrics(StoreChoice store, string meterName) : this(store.Store, SystemClock.Instance, meterName) { }

    public OperationalMetrics(IRuntimeStore store, IClock clock, string meterName)
    {
        _meter = new Meter(meterName);
        _store = store;
        _clock = clock;
        _meter.CreateObservableGauge("egov.tasks.open", () => Read(f => f.Tenants.Select(t =>
            new Measurement<long>(t.OpenUserTasks, new KeyValuePair<string, object?>(EngineTelemetry.TenantTag, t.TenantId)))), "{task}",
            "Open user tasks per tenant");
        _meter.CreateObservableGauge("egov.incidents.open", () => Read(f => f.Tenants.Select(t =>
            new Measurement<long>(t.OpenIncidents, new KeyValuePair<string, object?>(EngineTelemetry.TenantTag, t.TenantId)))), "{incident}",
            "Open incidents per tenant");
        _meter.CreateObservableGauge("egov.jobs.backlog", () => Read<long>(f => [new Measurement<long>(f.DueJobs)]), "{job}",
            "Due jobs and start timers that no node has taken yet");
        _meter.CreateObservableGauge("egov.jobs.oldest_due_age", () => ReadWithNow<double>((f, now) =>
            [new Measurement<double>(f.OldestDue is { } due ? Math.Max(0, (now - due).TotalSeconds) : 0)]), "s",
            "How long the oldest due job nobody has taken yet has been due (0 when none waits)");
    }

    private IEnumerable<Measurement<T>> Read<T>(Func<OperationalFigures, IEnumerable<Measurement<T>>> select) where T : struct =>
        ReadWithNow((f, _) => select(f));

    private IEnumerable<Measurement<T>> ReadWithNow<T>(Func<OperationalFigures, Instant, IEnumerable<Measurement<T>>> select) where T : struct
    {
        lock (_lock)
        {
            if (_last is not { } last || Environment.TickCount64 - last.At >= CacheFor.TotalMilliseconds)
            {
                var now = _clock.GetCurrentInstant();
                try { _last = last = (Environment.TickCount64, _store.Figures(now), now); }
                catch (Exception e) when (e is not OutOfMemoryException) { return []; }
            }
            return select(last.Figures, last.Now).ToList();
        }
    }

    public void Dispose() => _meter.Dispose();
}
