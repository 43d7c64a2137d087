using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.TimeZones;

namespace EGov.Workflows.Time;

/// <summary>
/// ISO 8601 durations (<c>P3D</c>, <c>PT1H30M</c>, <c>P1M</c>, <c>P2W</c>, <c>P1Y2M3DT4H5M6.5S</c>) and the
/// one way this engine adds them: calendar parts (years, months, weeks, days) as calendar units on the local
/// date in the zone, so <c>P1D</c> keeps the wall-clock time across a DST change; time parts (hours, minutes,
/// seconds) as elapsed time, so <c>PT24H</c> does not.
/// </summary>
public static partial class IsoDuration
{
    [GeneratedRegex(@"^P(?:(?<Y>\d+)Y)?(?:(?<M>\d+)M)?(?:(?<W>\d+)W)?(?:(?<D>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+)(?:[.,](?<f>\d{1,9}))?S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    private const string Expected = "an ISO 8601 duration such as P3D, PT1H30M, P1M, P2W or P1Y2M3DT4H5M6.5S";

    /// <summary>Parses an ISO 8601 duration. Negative or empty durations are rejected with a <see cref="TimerFormatException"/>.</summary>
    public static Period Parse(string text)
    {
        if (!TryParse(text, out var period, out var error))
            throw new TimerFormatException(error);
        return period;
    }

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse(string? text, out Period period, out string error)
    {
        period = Period.Zero;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = $"expected {Expected}, but the text is empty";
            return false;
        }
        if (trimmed[0] == '-' || trimmed.Contains("P-", StringComparison.OrdinalIgnoreCase) || trimmed.Contains("T-", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is a negative duration; timers need a positive one ({Expected})";
            return false;
        }
        var match = DurationPattern().Match(trimmed.ToUpperInvariant());
        if (!match.Success || trimmed.Length == 1 || trimmed.EndsWith('T') || trimmed.EndsWith('t'))
        {
            error = $"'{text}' is not {Expected}";
            return false;
        }
        try
        {
            var builder = new PeriodBuilder
            {
                Years = Number(match, "Y"),
                Months = Number(match, "M"),
                Weeks = Number(match, "W"),
                Days = Number(match, "D"),
                Hours = Number(match, "h"),
                Minutes = Number(match, "m"),
                Seconds = Number(match, "s"),
            };
            if (match.Groups["f"].Success)
                builder.Nanoseconds = long.Parse(match.Groups["f"].Value.PadRight(9, '0'), CultureInfo.InvariantCulture);
            period = builder.Build();
        }
        catch (OverflowException)
        {
            error = $"'{text}' has a number too large for a duration";
            return false;
        }
        if (LongestSeconds(match) > MaximumYears * 366m * 86_400m)
        {
            period = Period.Zero;
            error = $"'{text}' is longer than the longest duration a timer can wait ({MaximumYears} years)";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>
    /// The longest duration a timer may have. Time arithmetic counts nanoseconds in 64 bits (about 292 years), and a
    /// longer timer is a typo, not a Frist — the longest retention periods of the law (110 years, § 7 PStG) fit.
    /// </summary>
    public const int MaximumYears = 250;

    /// <summary>The upper bound of the text's length in seconds, counted in decimal so that no part can overflow.</summary>
    private static decimal LongestSeconds(Match match)
    {
        decimal Part(string group) => match.Groups[group].Success ? decimal.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0m;
        return (Part("Y") * 366m + Part("M") * 31m + Part("W") * 7m + Part("D")) * 86_400m
            + Part("h") * 3_600m + Part("m") * 60m + Part("s") + 1m;
    }

    private static int Number(Match match, string group) =>
        match.Groups[group].Success ? int.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// Adds <paramref name="period"/> to <paramref name="instant"/>: first the calendar parts to the local
    /// date-time in <paramref name="zone"/> (a local time that does not exist is moved forward by the gap, an
    /// ambiguous one takes the earlier offset), then the time parts as elapsed time.
    /// </summary>
    public static Instant AddTo(Instant instant, Period period, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(zone);
        var datePart = new PeriodBuilder { Years = period.Years, Months = period.Months, Weeks = period.Weeks, Days = period.Days }.Build();
        var timePart = TimePart(period);
        var result = instant;
        if (!datePart.Equals(Period.Zero))
        {
            var local = instant.InZone(zone).LocalDateTime + datePart;
            result = local.InZone(zone, Resolvers.LenientResolver).ToInstant();
        }
        return result + timePart.ToDuration();
    }

    /// <summary><paramref name="period"/> with every part multiplied by <paramref name="factor"/>.
    /// Checked: a product that does not fit throws <see cref="OverflowException"/>.</summary>
    internal static Period Multiply(Period period, long factor) => new PeriodBuilder
    {
        Years = checked((int)(period.Years * factor)),
        Months = checked((int)(period.Months * factor)),
        Weeks = checked((int)(period.Weeks * factor)),
        Days = checked((int)(period.Days * factor)),
        Hours = checked(period.Hours * factor),
        Minutes = checked(period.Minutes * factor),
        Seconds = checked(period.Seconds * factor),
        Milliseconds = checked(period.Milliseconds * factor),
        Ticks = checked(period.Ticks * factor),
        Nanoseconds = checked(period.Nanoseconds * factor),
    }.Build();

    /// <summary>An upper bound for how long <paramref name="period"/> can be in any zone (for searching occurrences).</summary>
    internal static Duration UpperBound(Period period) =>
        Duration.FromDays(period.Years * 366L + period.Months * 31L + period.Weeks * 7L + period.Days)
        + Duration.FromHours(period.Years + period.Months + period.Weeks + period.Days > 0 ? 2 : 0)
        + TimePart(period).ToDuration();

    /// <summary>
    /// A lower bound for how long <paramref name="period"/> can be in any zone: a year at least 365 days, a month 28,
    /// a calendar day 23 hours (the day a DST change skips an hour); the time parts as they are.
    /// </summary>
    internal static Duration LowerBound(Period period)
    {
        var calendarDays = period.Years * 365L + period.Months * 28L + period.Weeks * 7L + period.Days;
        var calendar = calendarDays > 0 ? Duration.FromDays(calendarDays) - Duration.FromHours(Math.Min(calendarDays, 2)) : Duration.Zero;
        return calendar + TimePart(period).ToDuration();
    }

    private static Period TimePart(Period period) => new PeriodBuilder
    {
        Hours = period.Hours, Minutes = period.Minutes, Seconds = period.Seconds, Milliseconds = period.Milliseconds,
        Ticks = period.Ticks, Nanoseconds = period.Nanoseconds,
    }.Build();

    /// <summary>The period as ISO 8601 text (for messages).</summary>
    internal static string Format(Period period) => NodaTime.Text.PeriodPattern.NormalizingIso.Format(period);

    /// <summary>True when the period has any positive part (the parser admits no negative ones).</summary>
    internal static bool IsPositive(Period period) => !period.Normalize().Equals(Period.Zero);
}
