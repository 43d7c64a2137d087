using System.Globalization;
using System.Text;
using NodaTime;

namespace EGov.Workflows.Feel.Values;

/// <summary>FEEL's <c>string()</c> of each kind of value, which is also how values print in messages and audit history.</summary>
public static class FeelFormat
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        _ => Inner(value),
    };

    /// <summary>Inside lists and contexts strings are quoted, so <c>["a"]</c> prints as it would be written.</summary>
    private static string Inner(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        bool b => b ? "true" : "false",
        decimal d => Number(d),
        LocalDate d => Date(d),
        FeelTime t => Time(t),
        FeelDateTime dt => Date(dt.Local.Date) + "T" + Time(new FeelTime(dt.Local.TimeOfDay, dt.Zone is null ? dt.Offset : null, dt.Zone?.Id)),
        Duration d => DaysTime(d),
        YearsMonthsDuration ym => ym.ToString(),
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Inner)) + "]",
        FeelContext c => "{" + string.Join(", ", c.Entries.Select(e => Key(e.Key) + ": " + Inner(e.Value))) + "}",
        FeelRange r => (r.StartIncluded ? "[" : "(") + Inner(r.Start) + ".." + Inner(r.End) + (r.EndIncluded ? "]" : ")"),
        FeelFunction f => f.Name,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Key(string key) => key.All(c => char.IsLetterOrDigit(c) || c == '_' || c == ' ') && key.Length > 0 && !char.IsDigit(key[0]) ? key : Inner(key);

    /// <summary>Plain notation without trailing zeros: 1.10 prints as 1.1, 1E-5 as 0.00001.</summary>
    public static string Number(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string Date(LocalDate d)
    {
        var year = d.Year;
        var y = year < 0 ? "-" + (-year).ToString("0000", CultureInfo.InvariantCulture) : year.ToString("0000", CultureInfo.InvariantCulture);
        return y + "-" + d.Month.ToString("00", CultureInfo.InvariantCulture) + "-" + d.Day.ToString("00", CultureInfo.InvariantCulture);
    }

    public static string Time(FeelTime t)
    {
        var sb = new StringBuilder(t.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        var nanos = t.Time.NanosecondOfSecond;
        if (nanos != 0) sb.Append('.').Append(nanos.ToString("000000000", CultureInfo.InvariantCulture).TrimEnd('0'));
        if (t.ZoneId is { } zone) sb.Append('@').Append(zone);
        else if (t.Offset is { } o) sb.Append(Offset(o));
        return sb.ToString();
    }

    public static string Offset(Offset o)
    {
        if (o == NodaTime.Offset.Zero) return "Z";
        var seconds = o.Seconds;
        var sign = seconds < 0 ? '-' : '+';
        seconds = Math.Abs(seconds);
        var text = $"{sign}{seconds / 3600:00}:{seconds / 60 % 60:00}";
        return seconds % 60 != 0 ? text + $":{seconds % 60:00}" : text;
    }

    /// <summary>ISO 8601 days and time: <c>P1DT2H3M4.5S</c>, <c>-PT1H</c>, <c>PT0S</c>.</summary>
    public static string DaysTime(Duration d)
    {
        if (d == Duration.Zero) return "PT0S";
        var negative = d < Duration.Zero;
        if (negative) d = -d;
        var days = d.Days;
        var rest = d - Duration.FromDays(days);
        var hours = (long)rest.TotalHours;
        rest -= Duration.FromHours(hours);
        var minutes = (long)rest.TotalMinutes;
        rest -= Duration.FromMinutes(minutes);
        var nanos = rest.ToInt64Nanoseconds();
        var sb = new StringBuilder(negative ? "-P" : "P");
        if (days != 0) sb.Append(days).Append('D');
        if (hours != 0 || minutes != 0 || nanos != 0)
        {
            sb.Append('T');
            if (hours != 0) sb.Append(hours).Append('H');
            if (minutes != 0) sb.Append(minutes).Append('M');
            if (nanos != 0) sb.Append(Number(nanos / 1_000_000_000m)).Append('S');
        }
        return sb.ToString();
    }
}
