using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>
/// Legal deadlines (Fristen) under §31 VwVfG with BGB §§187–193, for periods that start with an event
/// (Ereignisfristen: Zustellung, Bekanntgabe, Eingang):
/// <list type="bullet">
/// <item>§187 (1): the day of the event does not count.</item>
/// <item>§188 (1): a period in days ends when its last day ends — event day plus n days.</item>
/// <item>§188 (2): a period in weeks, months or years ends with the day that by its name (weeks) or number
/// (months, years) corresponds to the event day.</item>
/// <item>§188 (3): when that day is missing in the last month, the period ends with the month's last day
/// (event 31 January + 1 month → 28/29 February).</item>
/// <item>§193 / §31 (3) VwVfG: a deadline ending on a Saturday, Sunday or public holiday ends with the next working day.</item>
/// </list>
/// Fristen are counted in years, months, weeks and days only; hours and minutes are refused.
/// </summary>
public sealed class FristCalculator
{
    private readonly IHolidayCalendar _holidays;

    /// <summary>A calculator for the given public holidays.</summary>
    public FristCalculator(IHolidayCalendar holidays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        _holidays = holidays;
    }

    /// <summary>A calculator with the public holidays of Hessen.</summary>
    public static FristCalculator Hessen { get; } = new(HessenHolidays.Instance);

    /// <summary>The last day of the Frist (it ends when this day ends), after moving off weekends and holidays.</summary>
    public LocalDate Fristende(LocalDate ereignistag, Period frist)
    {
        ArgumentNullException.ThrowIfNull(frist);
        if (frist.HasTimeComponent)
            throw new ArgumentException($"a Frist is counted in years, months, weeks and days, not in hours or minutes ({frist})", nameof(frist));
        if (frist.Years < 0 || frist.Months < 0 || frist.Weeks < 0 || frist.Days < 0)
            throw new ArgumentException($"a Frist cannot be negative ({frist})", nameof(frist));
        // §187 (1) + §188: counting starts the day after the event, so the end is the event day plus the period;
        // NodaTime adds years, then months (clamping to the month's last day, §188 (3)), then weeks and days.
        var end = ereignistag + frist;
        return NextWorkingDayOnOrAfter(end);
    }

    /// <summary>
    /// The instant the Frist has run out: the start of the day after <see cref="Fristende"/> in <paramref name="zone"/>
    /// (a timer due at this instant fires once the deadline has passed).
    /// </summary>
    public Instant Fristablauf(LocalDate ereignistag, Period frist, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.AtStartOfDay(Fristende(ereignistag, frist).PlusDays(1)).ToInstant();
    }

    /// <summary>Whether <paramref name="date"/> is neither a Saturday, a Sunday nor a public holiday.</summary>
    public bool IsWorkingDay(LocalDate date) =>
        date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) && _holidays.HolidayName(date) is null;

    /// <summary><paramref name="date"/> itself when it is a working day, else the next working day.</summary>
    public LocalDate NextWorkingDayOnOrAfter(LocalDate date)
    {
        while (!IsWorkingDay(date))
            date = date.PlusDays(1);
        return date;
    }
}

/// <summary>
/// A business calendar that moves a due instant falling on a Saturday, Sunday or public holiday to the same
/// wall-clock time on the next working day (e.g. reminders that should not fire on a weekend).
/// </summary>
public sealed class WorkingDayCalendar(FristCalculator fristen) : IBusinessCalendar
{
    /// <summary>Working days of Hessen.</summary>
    public static WorkingDayCalendar Hessen { get; } = new(FristCalculator.Hessen);

    /// <inheritdoc />
    public Instant Resolve(Instant due, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = due.InZone(zone).LocalDateTime;
        var workingDay = fristen.NextWorkingDayOnOrAfter(local.Date);
        return workingDay == local.Date
            ? due
            : (workingDay + local.TimeOfDay).InZone(zone, NodaTime.TimeZones.Resolvers.LenientResolver).ToInstant();
    }
}
