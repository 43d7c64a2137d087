using NodaTime;
using NodaTime.TimeZones;
using NodaTime.Text;

namespace EGov.Workflows.Time;

/// <summary>
/// ISO 8601 points in time as timer definitions write them: with an offset or <c>Z</c>
/// (<c>2026-03-01T10:00:00+01:00</c>), without one (local time in the given zone,
/// <c>2026-03-01T10:00:00</c>, seconds optional), or a plain date (start of that day in the zone).
/// </summary>
internal static partial class IsoDateTime
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?[+-]\d{2})(\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex BasicOffset();

    private static readonly OffsetDateTimePattern[] s_offsetPatterns =
    [
        OffsetDateTimePattern.ExtendedIso,
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss;FFFFFFFFFo<G>"),
    ];

    private static readonly LocalDateTimePattern[] s_localPatterns =
    [
        LocalDateTimePattern.ExtendedIso,
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm"),
        LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss;FFFFFFFFF"),
    ];

    internal const string Expected =
        "an ISO 8601 date-time such as 2026-03-01T10:00:00+01:00, 2026-03-01T10:00:00Z, 2026-03-01T10:00:00 (local time in the zone) or a date such as 2026-03-01";

    public static bool TryParse(string text, DateTimeZone zone, out Instant instant)
    {
        // Accept lower-case 't'/'z' and basic-format offsets (+0200) as Java formatters write them.
        var trimmed = BasicOffset().Replace(text.Trim().ToUpperInvariant(), "$1:$2");
        foreach (var pattern in s_offsetPatterns)
        {
            var result = pattern.Parse(trimmed);
            if (result.Success)
            {
                instant = result.Value.ToInstant();
                return true;
            }
        }
        foreach (var pattern in s_localPatterns)
        {
            var result = pattern.Parse(trimmed);
            if (result.Success)
            {
                instant = result.Value.InZone(zone, Resolvers.LenientResolver).ToInstant();
                return true;
            }
        }
        var date = LocalDatePattern.Iso.Parse(trimmed);
        if (date.Success)
        {
            instant = zone.AtStartOfDay(date.Value).ToInstant();
            return true;
        }
        instant = default;
        return false;
    }

    public static Instant Parse(string text, DateTimeZone zone) =>
        TryParse(text, zone, out var instant)
            ? instant
            : throw new TimerFormatException($"'{text}' is not {Expected}");

    /// <summary>Whether the text looks like a date-time rather than a duration (for the parts of a repeating interval).</summary>
    public static bool LooksLikeDuration(string text) => text.TrimStart().StartsWith('P') || text.TrimStart().StartsWith('p') || text.TrimStart().StartsWith('-');
}
