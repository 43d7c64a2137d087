using NodaTime;

namespace EGov.Workflows.Feel.Values;

/// <summary>
/// A FEEL time: a local time, optionally with a UTC offset or a zone id (<c>10:30:00@Europe/Berlin</c>). NodaTime has
/// no "time in a zone" type, so this one carries both.
/// </summary>
public sealed record FeelTime(LocalTime Time, Offset? Offset = null, string? ZoneId = null)
{
    public bool HasZone => Offset is not null || ZoneId is not null;

    /// <summary>The offset in force: the given one, or the zone's offset on an arbitrary day (zones of a time alone have no date).</summary>
    public Offset? EffectiveOffset => Offset ?? (ZoneId is { } z && DateTimeZoneProviders.Tzdb.GetZoneOrNull(z) is { } zone
        ? zone.GetUtcOffset(Instant.FromUtc(2000, 1, 1, 0, 0)) : null);

    /// <summary>Seconds since midnight UTC (or local midnight without a zone), for comparing times.</summary>
    public decimal Seconds => (Time.TickOfDay / (decimal)NodaConstants.TicksPerSecond) - (EffectiveOffset?.Seconds ?? 0);

    public override string ToString() => FeelFormat.Format(this);
}
