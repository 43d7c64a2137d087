using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>How a Frist starts counting (BGB §187).</summary>
public enum FristArt
{
    /// <summary>
    /// Ereignisfrist, §187 (1): the Frist starts with an event during a day (Zustellung, Bekanntgabe, Eingang); that day does
    /// not count. A Frist of one month from the event on 15 March ends when 15 April ends.
    /// </summary>
    Ereignis,

    /// <summary>
    /// Beginnfrist, §187 (2): the Frist starts at the beginning of a day (a date set as its start, a day of birth); that day
    /// counts. A Frist of one month beginning on 1 March ends when 31 March ends.
    /// </summary>
    Beginn,
}

/// <summary>
/// Legal deadlines (Fristen) as §31 VwVfG counts them with BGB §§187–193:
/// <list type="bullet">
/// <item>§187 (1) Ereignisfrist: the day of the event does not count; §187 (2) Beginnfrist: the first day counts.</item>
/// <item>§188 (1): a Frist in days ends when its last day ends.</item>
/// <item>§188 (2): a Frist in weeks, months or years ends with the day that by its name (weeks) or number (months, years)
/// corresponds to the event day — for a Beginnfrist, with the day before the one that corresponds to its first day.</item>
/// <item>§188 (3): when that day is missing in the last month, the Frist ends with the month's last day
/// (event 31 January + 1 month → 28/29 February).</item>
/// <item>§193 / §31 (3) VwVfG: a Frist ending on a Saturday, Sunday or public holiday (of the Land, and the municipality's
/// own) ends with the next working day.</item>
/// <item>Hemmung (§209 BGB): days on which the Frist was suspended, each day on which it was at least in part, are not
/// counted: the end moves by that many days before §193 is applied.</item>
/// </list>
/// Fristen are counted in years, months, weeks and days only; hours and minutes are refused. Immutable and thread-safe.
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

    // Before Hessen: static initializers run in the order they are written.
    private static readonly FristCalculator[] Shared =
        Enum.GetValues<Bundesland>().Select(l => new FristCalculator(GermanHolidays.Of(l))).ToArray();

    /// <summary>A calculator with the public holidays of Hessen (the default Land).</summary>
    public static FristCalculator Hessen { get; } = For(Bundesland.HE);

    /// <summary>A calculator with the public holidays of <paramref name="land"/> and, when given, the municipality's own.</summary>
    public static FristCalculator For(Bundesland land, LocalHolidays? local = null) =>
        local is null || local.IsEmpty ? Shared[(int)land] : new FristCalculator(GermanHolidays.Of(land, local));

    /// <summary>The holidays this calculator moves Fristen off.</summary>
    public IHolidayCalendar Holidays => _holidays;

    /// <summary>The Land whose holidays count, when the calendar is a Land's.</summary>
    public Bundesland? Land => _holidays is GermanHolidays g ? g.Land : null;

    /// <summary>The last day of an Ereignisfrist (it ends when this day ends), after moving off weekends and holidays.</summary>
    public LocalDate Fristende(LocalDate ereignistag, Period frist) => Fristende(ereignistag, frist, FristArt.Ereignis);

    /// <summary>
    /// The last day of the Frist (it ends when this day ends): counted from <paramref name="tag"/> (the event day, or the
    /// first day of a Beginnfrist), moved by <paramref name="hemmungstage"/> days of Hemmung, then off weekends and holidays.
    /// </summary>
    public LocalDate Fristende(LocalDate tag, Period frist, FristArt art, int hemmungstage = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hemmungstage);
        return NextWorkingDayOnOrAfter(RechnerischesEnde(tag, frist, art).PlusDays(hemmungstage));
    }

    /// <summary>
    /// The end as §188 counts it, before Hemmung and before §193 moves it off a weekend or holiday.
    /// </summary>
    public static LocalDate RechnerischesEnde(LocalDate tag, Period frist, FristArt art)
    {
        Check(frist);
        if (art == FristArt.Ereignis)
        {
            // §187 (1) + §188: counting starts the day after the event, so the end is the event day plus the period;
            // NodaTime adds years, then months (clamping to the month's last day, §188 (3)), then weeks and days.
            return tag + frist;
        }
        // §187 (2) + §188 (2): the day before the one that corresponds to the first day.
        var months = frist.Years * 12 + frist.Months;
        var days = frist.Weeks * 7 + frist.Days;
        if (months == 0) return tag.PlusDays(days - 1);
        LocalDate end;
        var firstOfTarget = new LocalDate(tag.Year, tag.Month, 1).PlusMonths(months);
        if (tag.Day == 1) end = firstOfTarget.PlusDays(-1); // the day before the 1st: the previous month's last day
        else
        {
            var last = firstOfTarget.Calendar.GetDaysInMonth(firstOfTarget.Year, firstOfTarget.Month);
            end = new LocalDate(firstOfTarget.Year, firstOfTarget.Month, Math.Min(tag.Day - 1, last)); // §188 (3)
        }
        return end.PlusDays(days);
    }

    /// <summary>
    /// The instant the Frist has run out: the start of the day after <see cref="Fristende(LocalDate, Period)"/> in
    /// <paramref name="zone"/> (a timer due at this instant fires once the deadline has passed).
    /// </summary>
    public Instant Fristablauf(LocalDate ereignistag, Period frist, DateTimeZone zone) =>
        Ablauf(Fristende(ereignistag, frist), zone);

    /// <summary>The instant a Frist ending with <paramref name="fristende"/> has run out: midnight after it in <paramref name="zone"/>.</summary>
    public static Instant Ablauf(LocalDate fristende, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.AtStartOfDay(fristende.PlusDays(1)).ToInstant();
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

    /// <summary>
    /// §41 (2) VwVfG, Bekanntgabefiktion: the day a Verwaltungsakt sent by post within Germany counts as made known —
    /// the fourth day after it was posted (the third for letters posted before 1 January 2025, when the
    /// Postrechtsmodernisierungsgesetz changed the rule), moved to the next working day when that day is a Saturday, Sunday
    /// or holiday (as the Federal Finance and Social Courts apply §193 BGB to the like rules of §122 AO and §37 SGB X). It
    /// does not hold when the letter did not arrive or arrived later; the authority must then prove receipt and its day.
    /// A Frist that runs from the Bekanntgabe (the Widerspruchsfrist of one month) is an Ereignisfrist from this day.
    /// </summary>
    public LocalDate Bekanntgabetag(LocalDate aufgabeZurPost) =>
        NextWorkingDayOnOrAfter(aufgabeZurPost.PlusDays(BekanntgabeTageNachAufgabe(aufgabeZurPost)));

    /// <summary>How many days after posting §41 (2) VwVfG counts: 4 from 1 January 2025, 3 before.</summary>
    public static int BekanntgabeTageNachAufgabe(LocalDate aufgabeZurPost) => aufgabeZurPost >= Postrechtsreform ? 4 : 3;

    /// <summary>The first day of posting to which the four-day rule of §41 (2) VwVfG applies.</summary>
    public static LocalDate Postrechtsreform { get; } = new(2025, 1, 1);

    /// <summary>The Frist of §42a (2) VwVfG when the law names no other: three months.</summary>
    public static Period GenehmigungsfiktionFrist { get; } = Period.FromMonths(3);

    /// <summary>
    /// §42a VwVfG, Genehmigungsfiktion: the last day on which the authority can decide; when it passes without a decision the
    /// permit counts as granted. The Frist (default three months, §42a (2) sentence 1) starts with the receipt of the
    /// complete documents (sentence 2) — an Ereignisfrist from <paramref name="eingangVollstaendig"/>.
    /// </summary>
    public LocalDate Genehmigungsfiktion(LocalDate eingangVollstaendig, Period? frist = null) =>
        Fristende(eingangVollstaendig, frist ?? GenehmigungsfiktionFrist, FristArt.Ereignis);

    /// <summary>
    /// The days of a Hemmung from <paramref name="von"/> to <paramref name="bis"/> (both in the authority's zone): every day on
    /// which it lasted at least in part, so both the first and the last day count (a Hemmung begun and ended the same day is one day).
    /// </summary>
    public static int Hemmungstage(LocalDate von, LocalDate bis) =>
        bis < von ? 0 : Period.Between(von, bis, PeriodUnits.Days).Days + 1;

    private static void Check(Period frist)
    {
        ArgumentNullException.ThrowIfNull(frist);
        if (frist.HasTimeComponent)
            throw new ArgumentException($"a Frist is counted in years, months, weeks and days, not in hours or minutes ({frist})", nameof(frist));
        if (frist.Years < 0 || frist.Months < 0 || frist.Weeks < 0 || frist.Days < 0)
            throw new ArgumentException($"a Frist cannot be negative ({frist})", nameof(frist));
        if (frist.Equals(Period.Zero))
            throw new ArgumentException("a Frist of no length is not a Frist (P0D)", nameof(frist));
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
