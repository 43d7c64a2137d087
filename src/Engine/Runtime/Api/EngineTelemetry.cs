using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EGov.Workflows.Runtime;

/// <summary>
/// What the engine reports about its commands, with the framework's own types only (<see cref="System.Diagnostics.Metrics"/>
/// and <see cref="ActivitySource"/>); the host decides where it goes (OTLP, Prometheus), this layer knows no exporter.
/// <para>
/// Metrics (meter <see cref="Name"/>): <c>egov.commands</c> by command and outcome, <c>egov.command.duration</c> and
/// <c>egov.commit.duration</c> in seconds. Traces (source <see cref="Name"/>): one span per command (<c>egov.command</c>,
/// <c>egov.tenant</c>, <c>egov.instance.id</c>, <c>egov.process.id</c>, <c>egov.element.id</c>) with a child span for its
/// commit. Only names and ids are attributes — never a variable value, never a message that could quote one.
/// </para>
/// </summary>
public static class EngineTelemetry
{
    /// <summary>The name of the engine's meter and activity source (every layer of the engine uses it).</summary>
    public const string Name = Expressions.ScriptTelemetry.MeterName;

    /// <summary>Attribute names on spans and metrics.</summary>
    public const string CommandTag = "egov.command", OutcomeTag = "egov.outcome", TenantTag = "egov.tenant",
        InstanceTag = "egov.instance.id", ProcessTag = "egov.process.id", ElementTag = "egov.element.id";

    private static readonly double[] Seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static readonly ActivitySource Source = new(Name);
    private static readonly Meter Meter = new(Name);

    /// <summary>Commands run, by command (the engine method) and outcome (<c>ok</c>, <c>conflict</c>, <c>refused</c>, <c>error</c>).</summary>
    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("egov.commands", "{command}",
        "Engine commands (one unit of work each) by command and outcome");

    /// <summary>How long a command took from its start to its commit, in seconds.</summary>
    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram("egov.command.duration", "s",
        "Time of one engine command, including its commit", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    /// <summary>How long the store took to commit a command's changes, in seconds (with a group commit: the wait for it).</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("egov.commit.duration", "s",
        "Time of one command's commit in the store", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });

    internal static string Outcome(Exception? e) => e switch
    {
        null => "ok",
        Store.ConcurrencyConflictException => "conflict",
        WorkflowCommandException or WorkflowNotFoundException or ArgumentException or InvalidOperationException => "refused",
        _ => "error",
    };
}
