using NodaTime;

namespace EGov.Workflows.Feel.Values;

/// <summary>
/// A FEEL date and time: local, or with a UTC offset, or in a zone (<c>2018-12-10T10:30:00@Europe/Paris</c>).
/// </summary>
public sealed record FeelDateTime(LocalDateTime Local, Offset? Offset = null, DateTimeZone? Zone = null)
{
    public bool HasZone => Offset is not null || Zone is not null;

    /// <summary>The instant, when the value has an offset or zone.</summary>
    public Instant? Instant => Zone is not null
        ? Local.InZoneLeniently(Zone).ToInstant()
        : Offset is { } o ? Local.WithOffset(o).ToInstant() : null;

    /// <summary>The offset in force: the given one or the zone's at that moment.</summary>
    public Offset? EffectiveOffset => Offset ?? (Zone is not null ? Local.InZoneLeniently(Zone).Offset : null);

    public override string ToString() => FeelFormat.Format(this);
}
