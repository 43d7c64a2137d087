namespace EGov.Workflows.Time;

/// <summary>The three BPMN timer definitions.</summary>
public enum TimerKind
{
    /// <summary><c>timeDate</c>: one point in time.</summary>
    Date,

    /// <summary><c>timeDuration</c>: once, this long after the timer starts.</summary>
    Duration,

    /// <summary><c>timeCycle</c>: repeatedly (ISO 8601 repeating interval or cron).</summary>
    Cycle,
}

/// <summary>A timer definition could not be read; the message names what was expected.</summary>
public sealed class TimerFormatException(string message) : Exception(message);
