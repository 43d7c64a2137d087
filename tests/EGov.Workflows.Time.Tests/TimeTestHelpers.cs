using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Time.Tests;

internal static class T
{
    public static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>An instant from an ISO text with offset, e.g. 2026-03-28T09:00:00+01:00.</summary>
    public static Instant At(string text) => OffsetDateTimePattern.ExtendedIso.Parse(text).GetValueOrThrow().ToInstant();

    /// <summary>The instant as Berlin wall time with offset, for readable assertions.</summary>
    public static string InBerlin(this Instant instant) =>
        OffsetDateTimePattern.ExtendedIso.Format(instant.InZone(Berlin).ToOffsetDateTime());

    public static string? InBerlin(this Instant? instant) => instant?.InBerlin();
}
