using System.Globalization;
using System.Text.RegularExpressions;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>Reading FEEL's temporal literals: dates, times (with offset or <c>@zone</c>), dates and times, and both kinds of duration.</summary>
public static partial class Conversions
{
    [GeneratedRegex(@"^(-?\d{4,9})-(\d\d)-(\d\d)$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d(?::\d\d)?|@[A-Za-z0-9_/+\-]+)?$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^-?\d{4,9}-\d\d-\d\dT")]
    private static partial Regex DateTimeStart();

    [GeneratedRegex(@"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex DurationPattern();

    /// <summary>An <c>@"…"</c> literal's value, or null when the text is none of the temporal forms.</summary>
    public static object? ParseAtLiteral(string text) =>
        text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal) ? ParseDuration(text)
        : DateTimeStart().IsMatch(text) ? ParseDateTime(text)
        : text.Contains(':') ? ParseTime(text)
        : ParseDate(text);

    public static LocalDate? ParseDate(string text)
    {
        var m = DatePattern().Match(text);
        if (!m.Success) return null;
        if (!int.TryParse(m.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var y)) return null;
        var mo = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var d = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        return MakeDate(y, mo, d);
    }

    public static LocalDate? MakeDate(long y, long mo, long d)
    {
        if (y < -9998 || y > 9999 || mo < 1 || mo > 12 || d < 1) return null;
        if (d > CalendarSystem.Iso.GetDaysInMonth((int)y, (int)mo)) return null;
        return new LocalDate((int)y, (int)mo, (int)d);
    }

    public static FeelTime? ParseTime(string text)
    {
        var m = TimePattern().Match(text);
        if (!m.Success) return null;
        var h = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var mi = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var s = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (h == 24 && mi == 0 && s == 0) h = 0;
        if (h > 23 || mi > 59 || s > 59) return null;
        long nanos = 0;
        if (m.Groups[4].Success)
        {
            var frac = m.Groups[4].Value[1..];
            frac = frac.Length > 9 ? frac[..9] : frac.PadRight(9, '0');
            nanos = long.Parse(frac, CultureInfo.InvariantCulture);
        }
        var time = new LocalTime(h, mi, s).PlusNanoseconds(nanos);
        if (!m.Groups[5].Success) return new FeelTime(time);
        var zone = m.Groups[5].Value;
        if (zone == "Z") return new FeelTime(time, Offset.Zero);
        if (zone.StartsWith('@'))
        {
            var id = zone[1..];
            return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is null ? null : new FeelTime(time, null, id);
        }
        var offset = ParseOffset(zone);
        return offset is null ? null : new FeelTime(time, offset);
    }

    public static Offset? ParseOffset(string text)
    {
        var sign = text[0] == '-' ? -1 : 1;
        var parts = text[1..].Split(':');
        var hours = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var minutes = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var seconds = parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
        if (hours > 18 || minutes > 59) return null;
        var total = sign * (hours * 3600 + minutes * 60 + seconds);
        return Math.Abs(total) > 18 * 3600 ? null : Offset.FromSeconds(total);
    }

    public static FeelDateTime? ParseDateTime(string text)
    {
        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            // A date alone is that day at midnight.
            return ParseDate(text) is { } d ? new FeelDateTime(d.AtMidnight()) : null;
        }
        if (ParseDate(text[..t]) is not { } date) return null;
        if (ParseTime(text[(t + 1)..]) is not { } time) return null;
        var wasMidnight24 = text[(t + 1)..].StartsWith("24:", StringComparison.Ordinal);
        var local = date.At(time.Time);
        if (wasMidnight24) local = local.PlusDays(1);
        if (time.ZoneId is { } zoneId) return new FeelDateTime(local, null, DateTimeZoneProviders.Tzdb[zoneId]);
        return new FeelDateTime(local, time.Offset);
    }

    /// <summary>A days and time duration (<c>P1DT2H</c>) or a years and months duration (<c>P1Y2M</c>); a mix of both is refused.</summary>
    public static object? ParseDuration(string text)
    {
        var m = DurationPattern().Match(text);
        if (!m.Success || text.EndsWith('T') || text is "P" or "-P") return null;
        var negative = m.Groups[1].Success;
        var hasYm = m.Groups[2].Success || m.Groups[3].Success;
        var hasDt = m.Groups[4].Success || m.Groups[5].Success || m.Groups[6].Success || m.Groups[7].Success;
        try
        {
            if (hasYm && !hasDt)
            {
                var months = checked(long.Parse(m.Groups[2].Success ? m.Groups[2].Value : "0", CultureInfo.InvariantCulture) * 12
                    + long.Parse(m.Groups[3].Success ? m.Groups[3].Value : "0", CultureInfo.InvariantCulture));
                return new YearsMonthsDuration(negative ? -months : months);
            }
            if (hasYm) return null;
            var seconds = decimal.Parse(m.Groups[4].Success ? m.Groups[4].Value : "0", CultureInfo.InvariantCulture) * 86400
                + decimal.Parse(m.Groups[5].Success ? m.Groups[5].Value : "0", CultureInfo.InvariantCulture) * 3600
                + decimal.Parse(m.Groups[6].Success ? m.Groups[6].Value : "0", CultureInfo.InvariantCulture) * 60
                + decimal.Parse(m.Groups[7].Success ? m.Groups[7].Value : "0", CultureInfo.InvariantCulture);
            var nanos = decimal.Round(seconds * 1_000_000_000m, 0);
            if (nanos > long.MaxValue) return null;
            var d = Duration.FromNanoseconds((long)nanos);
            return negative ? -d : d;
        }
        catch (Exception e) when (e is OverflowException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A <c>Duration</c> from a number of seconds (FEEL numbers are decimals).</summary>
    public static Duration SecondsToDuration(decimal seconds) => Duration.FromNanoseconds((long)decimal.Round(seconds * 1_000_000_000m, 0));

    public static decimal DurationSeconds(Duration d) => d.ToInt64Nanoseconds() / 1_000_000_000m;
}
