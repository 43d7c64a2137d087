using NodaTime;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>The scenario's clock: stands still until the runner moves it, never backwards.</summary>
public sealed class VirtualClock(Instant start) : IClock
{
    public Instant Now { get; private set; } = start;

    public Instant GetCurrentInstant() => Now;

    public void MoveTo(Instant instant)
    {
        if (instant > Now) Now = instant;
    }
}

/// <summary>Calendar-aware addition of an ISO 8601 duration: years, months, weeks and days move the local date in the zone
/// (P1D across a daylight-saving change is the same wall-clock time the next day), hours and smaller are elapsed time.</summary>
public static class CalendarTime
{
    public static Instant Add(Instant start, Period period, DateTimeZone zone)
    {
        var datePart = new PeriodBuilder { Years = period.Years, Months = period.Months, Weeks = period.Weeks, Days = period.Days }.Build();
        var timePart = new PeriodBuilder
        {
            Hours = period.Hours, Minutes = period.Minutes, Seconds = period.Seconds,
            Milliseconds = period.Milliseconds, Ticks = period.Ticks, Nanoseconds = period.Nanoseconds,
        }.Build();
        var at = start;
        if (!datePart.Equals(Period.Zero))
            at = (start.InZone(zone).LocalDateTime + datePart).InZoneLeniently(zone).ToInstant();
        return at + timePart.ToDuration();
    }
}
