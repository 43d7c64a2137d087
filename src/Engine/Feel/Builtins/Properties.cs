using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>
/// What <c>value.name</c> reads: a context's entry, each list item's (a path over a list maps it), or the
/// properties of dates, times, durations and ranges (<c>year</c>, <c>weekday</c>, <c>time offset</c>, <c>start included</c>, …).
/// </summary>
internal static class Properties
{
    public static object? Get(object? target, string name, FeelEvaluation ev)
    {
        switch (target)
        {
            case null: return null;
            case FeelContext c: return c.TryGet(name, out var v) ? v : null;
            case IReadOnlyList<object?> list:
            {
                var result = new object?[list.Count];
                for (var i = 0; i < list.Count; i++) result[i] = Get(list[i], name, ev);
                return result;
            }
            case LocalDate d: return DateProperty(d, name, ev);
            case FeelDateTime dt:
                return name switch
                {
                    "hour" => (decimal)dt.Local.Hour,
                    "minute" => (decimal)dt.Local.Minute,
                    "second" => (decimal)dt.Local.Second,
                    "time offset" => dt.EffectiveOffset is { } o ? Duration.FromSeconds(o.Seconds) : null,
                    "timezone" => dt.Zone?.Id,
                    _ => DateProperty(dt.Local.Date, name, ev),
                };
            case FeelTime t:
                return name switch
                {
                    "hour" => (decimal)t.Time.Hour,
                    "minute" => (decimal)t.Time.Minute,
                    "second" => (decimal)t.Time.Second,
                    "time offset" => t.Offset is { } o ? Duration.FromSeconds(o.Seconds) : null,
                    "timezone" => t.ZoneId,
                    _ => ev.Null($"a time has no property '{name}'"),
                };
            case Duration d:
            {
                var sign = d < Duration.Zero ? -1 : 1;
                var a = d < Duration.Zero ? -d : d;
                return name switch
                {
                    "days" => (decimal)(sign * a.Days),
                    "hours" => (decimal)(sign * a.Hours),
                    "minutes" => (decimal)(sign * a.Minutes),
                    "seconds" => (decimal)(sign * a.Seconds),
                    _ => ev.Null($"a days and time duration has no property '{name}'"),
                };
            }
            case YearsMonthsDuration ym:
                return name switch
                {
                    "years" => (decimal)ym.Years,
                    "months" => (decimal)ym.Months,
                    _ => ev.Null($"a years and months duration has no property '{name}'"),
                };
            case FeelRange r:
                return name switch
                {
                    "start" => r.Start,
                    "end" => r.End,
                    "start included" => r.StartIncluded,
                    "end included" => r.EndIncluded,
                    _ => ev.Null($"a range has no property '{name}'"),
                };
            default: return ev.Null($"{FeelSemantics.TypeName(target)} has no property '{name}'");
        }
    }

    private static object? DateProperty(LocalDate d, string name, FeelEvaluation ev) => name switch
    {
        "year" => (decimal)d.Year,
        "month" => (decimal)d.Month,
        "day" => (decimal)d.Day,
        "weekday" => (decimal)(int)d.DayOfWeek,
        _ => ev.Null($"a date has no property '{name}'"),
    };
}
