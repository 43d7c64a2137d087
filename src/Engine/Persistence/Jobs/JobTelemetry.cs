using System.Diagnostics;
using System.Diagnostics.Metrics;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Jobs;

/// <summary>
/// The job executor's instruments (meter <see cref="EngineTelemetry.Name"/>): <c>egov.jobs.lag</c>, how late a job started
/// after it became due, in seconds; <c>egov.jobs.executed</c> by kind and outcome. The backlog (due work not yet run) is an
/// observable gauge of the host, which asks the store when it is scraped.
/// </summary>
public static class JobTelemetry
{
    private static readonly Meter Meter = new(EngineTelemetry.Name);

    public static readonly Histogram<double> Lag = Meter.CreateHistogram("egov.jobs.lag", "s",
        "How long after its due time a job, timer or async continuation started",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    public static readonly Counter<long> Executed = Meter.CreateCounter<long>("egov.jobs.executed", "{job}",
        "Jobs, timers and start timers the job executor ran, by kind and outcome");

    internal static void Record(LeasedJob job, string outcome)
    {
        if (Executed.Enabled)
            Executed.Add(1, new KeyValuePair<string, object?>("egov.job.kind", job.Work.Kind.ToString()),
                new KeyValuePair<string, object?>(EngineTelemetry.OutcomeTag, outcome));
    }

    internal static Activity? Start(LeasedJob job, NodaTime.Instant now)
    {
        var lag = Math.Max(0, (now - job.Work.DueAt).TotalSeconds);
        if (Lag.Enabled) Lag.Record(lag, new KeyValuePair<string, object?>("egov.job.kind", job.Work.Kind.ToString()));
        if (!EngineTelemetry.Source.HasListeners()) return null; // the span's name is built for a listener only
        var span = EngineTelemetry.Source.StartActivity("job " + job.Work.Kind, ActivityKind.Consumer);
        if (span is null) return null;
        span.SetTag(EngineTelemetry.TenantTag, job.TenantId);
        span.SetTag("egov.job.id", job.Work.Id);
        span.SetTag("egov.job.kind", job.Work.Kind.ToString());
        if (job.Work.InstanceId is { } instance) span.SetTag(EngineTelemetry.InstanceTag, instance);
        return span;
    }
}
