using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>Public holidays of one place (a Land); weekends are not holidays here, see <see cref="FristCalculator"/>.</summary>
public interface IHolidayCalendar
{
    /// <summary>The holiday's name when <paramref name="date"/> is a public holiday, else null.</summary>
    string? HolidayName(LocalDate date);
}

/// <summary>Easter Sunday in the Gregorian calendar (the anonymous algorithm of Meeus/Jones/Butcher).</summary>
public static class Easter
{
    /// <summary>Easter Sunday of <paramref name="year"/> (1583 or later).</summary>
    public static LocalDate Sunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new LocalDate(year, month, day);
    }
}

/// <summary>
/// Public holidays in Hessen: Neujahr, Karfreitag, Ostermontag, Tag der Arbeit, Christi Himmelfahrt, Pfingstmontag,
/// Fronleichnam, Tag der Deutschen Einheit, 1. and 2. Weihnachtstag, and the one-off Reformationstag 2017.
/// Easter Sunday and Pfingstsonntag fall on Sundays anyway and are not listed.
/// </summary>
public sealed class HessenHolidays : IHolidayCalendar
{
    /// <summary>The one instance.</summary>
    public static HessenHolidays Instance { get; } = new();

    /// <inheritdoc />
    public string? HolidayName(LocalDate date)
    {
        switch (date.Month, date.Day)
        {
            case (1, 1): return "Neujahr";
            case (5, 1): return "Tag der Arbeit";
            case (10, 3) when date.Year >= 1990: return "Tag der Deutschen Einheit";
            case (10, 31) when date.Year == 2017: return "Reformationstag (500. Jahrestag)";
            case (12, 25): return "1. Weihnachtstag";
            case (12, 26): return "2. Weihnachtstag";
        }
        if (date.Year < 1583)
            return null;
        var fromEaster = Period.Between(Easter.Sunday(date.Year), date, PeriodUnits.Days).Days;
        return fromEaster switch
        {
            -2 => "Karfreitag",
            1 => "Ostermontag",
            39 => "Christi Himmelfahrt",
            50 => "Pfingstmontag",
            60 => "Fronleichnam",
            _ => null,
        };
    }
}
