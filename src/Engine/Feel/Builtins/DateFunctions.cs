using System.Globalization;
using EGov.Workflows.Feel.Values;
using NodaTime;
using NodaTime.Calendars;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>now, today, day of year, day of week, month of year, week of year, is (DMN 1.5 §10.3.4.6–7).</summary>
internal static class DateFunctions
{
    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "now", [[]], (ev, _) =>
        {
            var now = ev.Clock.GetCurrentInstant().InZone(ev.Zone);
            return new FeelDateTime(now.LocalDateTime, now.Offset);
        });
        Def(f, "today", [[]], (ev, _) => ev.Clock.GetCurrentInstant().InZone(ev.Zone).Date);
        Def(f, "day of year", [["date"]], (ev, a) => DateOf(a[0]) is { } d ? (decimal)d.DayOfYear : ev.Null("day of year() needs a date"));
        Def(f, "day of week", [["date"]], (ev, a) => DateOf(a[0]) is { } d ? CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(d.ToDateTimeUnspecified().DayOfWeek) : ev.Null("day of week() needs a date"));
        Def(f, "month of year", [["date"]], (ev, a) => DateOf(a[0]) is { } d ? CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month) : ev.Null("month of year() needs a date"));
        Def(f, "week of year", [["date"]], (ev, a) => DateOf(a[0]) is { } d ? (decimal)WeekYearRules.Iso.GetWeekOfWeekYear(d) : ev.Null("week of year() needs a date"));
        Def(f, "is", [["value1", "value2"]], (ev, a) => (a[0], a[1]) switch
        {
            (FeelTime x, FeelTime y) => x.Time == y.Time && x.Offset == y.Offset && x.ZoneId == y.ZoneId,
            (FeelDateTime x, FeelDateTime y) => x.Local == y.Local && x.Offset == y.Offset && x.Zone?.Id == y.Zone?.Id,
            (LocalDate x, LocalDate y) => x == y,
            (LocalDate, FeelDateTime) or (FeelDateTime, LocalDate) => false,
            _ => FeelSemantics.Equal(a[0], a[1]) ?? false,
        });
    }

    private static LocalDate? DateOf(object? v) => v switch
    {
        LocalDate d => d,
        FeelDateTime dt => dt.Local.Date,
        _ => null,
    };
}
