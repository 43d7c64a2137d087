using System.Collections.Concurrent;
using NodaTime;
using PublicHoliday;

namespace EGov.Workflows.Time;

/// <summary>
/// The public holidays of one Land (all sixteen), from the maintained library PublicHoliday (its
/// <c>GermanPublicHoliday</c> per state), with our corrections where it is wrong, and the municipality's own
/// (<see cref="LocalHolidays"/>: Augsburg's Friedensfest, Mariä Himmelfahrt only in Bavaria's Catholic communities,
/// Fronleichnam in Catholic communities of Saxony and Thuringia). Immutable and safe to share; each year is computed once.
/// </summary>
public sealed class GermanHolidays : IHolidayCalendar
{
    private static readonly ConcurrentDictionary<Bundesland, GermanHolidays> Plain = new();

    /// <summary>Days the library (4.0.0) misses: one-off holidays by law.</summary>
    private static readonly (Bundesland Land, LocalDate Date, string Name)[] Corrections =
    [
        // Berlin, Gesetz über die Sonn- und Feiertage § 1 (2) in der Fassung von 2020: 75. Jahrestag der Befreiung.
        (Bundesland.BE, new LocalDate(2020, 5, 8), "Tag der Befreiung"),
    ];

    /// <summary>The official German names; the library names most days in English when cultures are invariant.</summary>
    private static readonly Dictionary<string, string> OfficialNames = new(StringComparer.Ordinal)
    {
        ["New Year"] = "Neujahr", ["Neujahrstag"] = "Neujahr",
        ["Epiphany"] = "Heilige Drei Könige",
        ["Weltfrauentag"] = "Internationaler Frauentag",
        ["Good Friday"] = "Karfreitag",
        ["Easter"] = "Ostersonntag",
        ["Easter Monday"] = "Ostermontag",
        ["Labour Day"] = "Tag der Arbeit",
        ["Ascension"] = "Christi Himmelfahrt",
        ["Whit Sunday"] = "Pfingstsonntag",
        ["Whit Monday"] = "Pfingstmontag",
        ["Corpus Christi"] = "Fronleichnam",
        ["Assumption"] = "Mariä Himmelfahrt",
        ["Kindertag"] = "Weltkindertag",
        ["Reformation Day"] = "Reformationstag",
        ["All Saints"] = "Allerheiligen",
        ["Weihnachtstag"] = "1. Weihnachtstag",
        ["Zweiter Weihnachtsfeiertag"] = "2. Weihnachtstag",
    };

    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<LocalDate, string>> _years = new();

    static GermanHolidays()
    {
        // The library creates the culture de-DE by name in its type initializer; in globalization-invariant mode that
        // throws unless predefined cultures are not required (Directory.Build.props sets it for our programs; this is
        // for a host built elsewhere, and works when no culture was created by name before).
        AppContext.SetSwitch("System.Globalization.PredefinedCulturesOnly", false);
    }

    private GermanHolidays(Bundesland land, LocalHolidays local)
    {
        Land = land;
        Local = local;
    }

    /// <summary>The Land.</summary>
    public Bundesland Land { get; }

    /// <summary>The municipality's additions and removals (empty: the Land's holidays as they are).</summary>
    public LocalHolidays Local { get; }

    /// <summary>The holidays of <paramref name="land"/> (one shared instance per Land).</summary>
    public static GermanHolidays Of(Bundesland land) => Plain.GetOrAdd(land, l => new GermanHolidays(l, LocalHolidays.None));

    /// <summary>The holidays of <paramref name="land"/> with a municipality's own added or removed.</summary>
    public static GermanHolidays Of(Bundesland land, LocalHolidays local)
    {
        ArgumentNullException.ThrowIfNull(local);
        return local.IsEmpty ? Of(land) : new GermanHolidays(land, local);
    }

    /// <inheritdoc />
    public string? HolidayName(LocalDate date) =>
        date.Year is < 1990 or > 9000 ? null : Year(date.Year).TryGetValue(date, out var name) ? name : null;

    /// <summary>Every holiday of <paramref name="year"/> in date order (for documentation and the tests against the official lists).</summary>
    public IReadOnlyList<(LocalDate Date, string Name)> InYear(int year) =>
        Year(year).OrderBy(h => h.Key).Select(h => (h.Key, h.Value)).ToList();

    private IReadOnlyDictionary<LocalDate, string> Year(int year) => _years.GetOrAdd(year, Compute);

    private Dictionary<LocalDate, string> Compute(int year)
    {
        var library = new GermanPublicHoliday { State = State(Land) };
        var days = new Dictionary<LocalDate, string>();
        foreach (var (day, names) in library.PublicHolidayNames(year))
        {
            var name = names.Length == 0 ? "Feiertag" : names[0];
            days[LocalDate.FromDateTime(day)] = OfficialNames.TryGetValue(name, out var official) ? official : name;
        }
        foreach (var (land, date, name) in Corrections)
            if (land == Land && date.Year == year) days[date] = name;
        // The library has Reformationstag in the four northern Länder before their laws of 2018 made it one (2017 was once everywhere).
        if (Land is Bundesland.HB or Bundesland.HH or Bundesland.NI or Bundesland.SH && year < 2017) days.Remove(new LocalDate(year, 10, 31));
        Local.Apply(year, days);
        return days;
    }

    private static GermanPublicHoliday.States State(Bundesland land) => land switch
    {
        Bundesland.BW => GermanPublicHoliday.States.BW,
        Bundesland.BY => GermanPublicHoliday.States.BY,
        Bundesland.BE => GermanPublicHoliday.States.BE,
        Bundesland.BB => GermanPublicHoliday.States.BB,
        Bundesland.HB => GermanPublicHoliday.States.HB,
        Bundesland.HH => GermanPublicHoliday.States.HH,
        Bundesland.HE => GermanPublicHoliday.States.HE,
        Bundesland.MV => GermanPublicHoliday.States.MV,
        Bundesland.NI => GermanPublicHoliday.States.NI,
        Bundesland.NW => GermanPublicHoliday.States.NW,
        Bundesland.RP => GermanPublicHoliday.States.RP,
        Bundesland.SL => GermanPublicHoliday.States.SL,
        Bundesland.SN => GermanPublicHoliday.States.SN,
        Bundesland.ST => GermanPublicHoliday.States.ST,
        Bundesland.SH => GermanPublicHoliday.States.SH,
        Bundesland.TH => GermanPublicHoliday.States.TH,
        _ => throw new ArgumentOutOfRangeException(nameof(land), land, "not a Land"),
    };
}
