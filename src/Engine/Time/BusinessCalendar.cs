using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>
/// Moves a computed due instant to when it is really due (e.g. the next working day).
/// Timer computation calls it last, so a business calendar can be plugged in without touching the timer formats.
/// </summary>
public interface IBusinessCalendar
{
    /// <summary>The instant a timer computed as due at <paramref name="due"/> is really due.</summary>
    Instant Resolve(Instant due, DateTimeZone zone);
}

/// <summary>The calendar that changes nothing: every day is a working day, every hour a working hour.</summary>
public sealed class PlainCalendar : IBusinessCalendar
{
    /// <summary>The one instance.</summary>
    public static PlainCalendar Instance { get; } = new();

    /// <inheritdoc />
    public Instant Resolve(Instant due, DateTimeZone zone) => due;
}
