using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>
/// What a timer definition may ask of the job executor. A cycle of a millisecond (or a cron firing every second
/// when the installation forbids it) turns one model into a flood of jobs and instances that slows every tenant,
/// so definitions below the minimum are refused at deployment, and as an incident when the text comes from a variable.
/// </summary>
public sealed record TimerLimits(Duration MinimumCycleInterval)
{
    /// <summary>The default: no cycle more often than once a second.</summary>
    public static TimerLimits Default { get; } = new(Duration.FromSeconds(1));
}
