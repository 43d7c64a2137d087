using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Time;

/// <summary>
/// The Frist rules as functions of expressions (JavaScript and FEEL) and scenarios, over texts as process variables hold
/// them: a day is <c>YYYY-MM-DD</c> or an ISO date-time (taken in the authority's zone), a Frist an ISO 8601 period in
/// years, months, weeks or days, a Land its code (<c>BY</c>) or name. Results are days (the last day of the Frist).
/// Every function counts with the tenant's calendar (its Land and local holidays) unless a Land is named.
/// A wrong argument is an <see cref="ArgumentException"/> whose message names the function and the argument.
/// </summary>
public sealed class FristFunctions
{
    /// <summary>The names the expression languages offer (variables of the same name win over them).</summary>
    public static IReadOnlyList<string> Names { get; } = ["frist", "bekanntgabe", "genehmigungsfiktion", "naechsterWerktag", "istWerktag"];

    private readonly FristCalculator _calendar;
    private readonly DateTimeZone _zone;

    /// <summary>Functions counting with <paramref name="calendar"/> (the tenant's) in <paramref name="zone"/>.</summary>
    public FristFunctions(FristCalculator calendar, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(zone);
        _calendar = calendar;
        _zone = zone;
    }

    /// <summary>
    /// <c>frist(beginn, dauer[, land[, art]])</c>: the last day of a Frist of <paramref name="dauer"/> from
    /// <paramref name="beginn"/> (§§187–193 BGB); <paramref name="art"/> <c>Ereignis</c> (default) or <c>Beginn</c>.
    /// </summary>
    public LocalDate Frist(string? beginn, string? dauer, string? land = null, string? art = null)
    {
        var day = Day(beginn, "frist", "beginn");
        var period = Period(dauer, "frist");
        var kind = FristArt.Ereignis;
        if (!string.IsNullOrWhiteSpace(art) && (!Enum.TryParse(art.Trim(), ignoreCase: true, out kind) || int.TryParse(art, out _)))
            throw new ArgumentException($"frist: art '{art}' is neither Ereignis nor Beginn");
        return Calendar(land, "frist").Fristende(day, period, kind);
    }

    /// <summary><c>bekanntgabe(aufgabeZurPost[, land])</c>: §41 (2) VwVfG, the day a Bescheid sent by post counts as made known.</summary>
    public LocalDate Bekanntgabe(string? aufgabeZurPost, string? land = null) =>
        Calendar(land, "bekanntgabe").Bekanntgabetag(Day(aufgabeZurPost, "bekanntgabe", "aufgabeZurPost"));

    /// <summary><c>genehmigungsfiktion(eingangVollstaendig[, dauer[, land]])</c>: §42a VwVfG, the last day to decide (default P3M).</summary>
    public LocalDate Genehmigungsfiktion(string? eingangVollstaendig, string? dauer = null, string? land = null) =>
        Calendar(land, "genehmigungsfiktion").Genehmigungsfiktion(Day(eingangVollstaendig, "genehmigungsfiktion", "eingangVollstaendig"),
            string.IsNullOrWhiteSpace(dauer) ? null : Period(dauer, "genehmigungsfiktion"));

    /// <summary><c>naechsterWerktag(tag[, land])</c>: the day itself when it is a working day, else the next one.</summary>
    public LocalDate NaechsterWerktag(string? tag, string? land = null) =>
        Calendar(land, "naechsterWerktag").NextWorkingDayOnOrAfter(Day(tag, "naechsterWerktag", "tag"));

    /// <summary><c>istWerktag(tag[, land])</c>: neither Saturday, Sunday nor a public holiday.</summary>
    public bool IstWerktag(string? tag, string? land = null) =>
        Calendar(land, "istWerktag").IsWorkingDay(Day(tag, "istWerktag", "tag"));

    /// <summary>Calls a function by name with text arguments (null for a missing one); the result a day or a boolean.</summary>
    public object Call(string name, IReadOnlyList<string?> args)
    {
        string? A(int n) => n < args.Count ? args[n] : null;
        int max = name switch { "frist" => 4, "genehmigungsfiktion" => 3, _ => 2 };
        int min = name == "frist" ? 2 : 1;
        if (args.Count < min || args.Count > max)
            throw new ArgumentException($"{name} takes {(min == max ? $"{min}" : $"{min} to {max}")} arguments, not {args.Count}");
        return name switch
        {
            "frist" => Frist(A(0), A(1), A(2), A(3)),
            "bekanntgabe" => Bekanntgabe(A(0), A(1)),
            "genehmigungsfiktion" => Genehmigungsfiktion(A(0), A(1), A(2)),
            "naechsterWerktag" => NaechsterWerktag(A(0), A(1)),
            "istWerktag" => IstWerktag(A(0), A(1)),
            _ => throw new ArgumentException($"no Frist function '{name}'"),
        };
    }

    /// <summary>A day as the functions return it: <c>YYYY-MM-DD</c>.</summary>
    public static string Text(LocalDate day) => LocalDatePattern.Iso.Format(day);

    private FristCalculator Calendar(string? land, string function)
    {
        if (string.IsNullOrWhiteSpace(land)) return _calendar;
        if (!Bundeslaender.TryParse(land.Trim(), out var l))
            throw new ArgumentException($"{function}: '{land}' is not a Land; expected one of {Bundeslaender.Codes}");
        return _calendar.Land == l ? _calendar : FristCalculator.For(l);
    }

    private LocalDate Day(string? text, string function, string argument)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) throw new ArgumentException($"{function}: {argument} is missing (a day, YYYY-MM-DD)");
        if (LocalDatePattern.Iso.Parse(t) is { Success: true } date) return date.Value;
        if (OffsetDateTimePattern.ExtendedIso.Parse(t) is { Success: true } odt) return odt.Value.ToInstant().InZone(_zone).Date;
        if (InstantPattern.ExtendedIso.Parse(t) is { Success: true } instant) return instant.Value.InZone(_zone).Date;
        if (LocalDateTimePattern.ExtendedIso.Parse(t) is { Success: true } local) return local.Value.Date;
        throw new ArgumentException($"{function}: {argument} '{t}' is not a day (YYYY-MM-DD or an ISO date-time)");
    }

    private static Period Period(string? text, string function)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) throw new ArgumentException($"{function}: the Frist is missing (an ISO 8601 period such as P1M)");
        var parsed = PeriodPattern.NormalizingIso.Parse(t);
        if (!parsed.Success) throw new ArgumentException($"{function}: '{t}' is not a Frist (an ISO 8601 period in years, months, weeks or days: P14D, P2W, P1M)");
        var p = parsed.Value;
        if (p.HasTimeComponent) throw new ArgumentException($"{function}: '{t}' counts hours or minutes; the law counts a Frist in days, weeks, months or years");
        if (p.Years < 0 || p.Months < 0 || p.Weeks < 0 || p.Days < 0 || p.Equals(NodaTime.Period.Zero))
            throw new ArgumentException($"{function}: '{t}' must be longer than nothing and not negative");
        return p;
    }
}
