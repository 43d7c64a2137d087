using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>Public holidays of one place (a Land, a municipality); weekends are not holidays here, see <see cref="FristCalculator"/>.</summary>
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
