using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EGov.Workflows.Expressions;

/// <summary>
/// What the sandbox reports about itself, as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <c>EGov.Workflows</c> (the host exports them; nothing here knows an exporter): how many JavaScript evaluations ran,
/// by kind and outcome, and how long they took. FEEL expressions are not counted here (they do not run in Jint).
/// Never a source text or a value: only the kind (<c>expression</c>, <c>script</c>) and the outcome (<c>ok</c>, <c>error</c>).
/// </summary>
public static class ScriptTelemetry
{
    /// <summary>The meter's name, shared by every layer of the engine.</summary>
    public const string MeterName = "EGov.Workflows";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Jint evaluations: <c>egov.script.evaluations</c> (tags <c>egov.script.kind</c>, <c>egov.outcome</c>).</summary>
    public static readonly Counter<long> Evaluations = Meter.CreateCounter<long>("egov.script.evaluations", "{evaluation}",
        "JavaScript evaluations (conditions, expressions, scripts) run in the Jint sandbox");

    /// <summary>How long one evaluation took, in seconds: <c>egov.script.duration</c>.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram("egov.script.duration", "s",
        "Time of one JavaScript evaluation in the Jint sandbox",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5] });

    internal static void Record(string kind, long startedAt, bool ok)
    {
        var kindTag = new KeyValuePair<string, object?>("egov.script.kind", kind);
        var outcome = new KeyValuePair<string, object?>("egov.outcome", ok ? "ok" : "error");
        Evaluations.Add(1, kindTag, outcome);
        if (Duration.Enabled) Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, kindTag, outcome);
    }
}
