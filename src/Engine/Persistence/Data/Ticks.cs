using NodaTime;

namespace EGov.Workflows.Persistence.Data;

/// <summary>Instants as stored: 100-ns ticks since 1970-01-01 UTC.</summary>
internal static class Ticks
{
    public static long Of(Instant i) => i.ToUnixTimeTicks();
    public static long? Of(Instant? i) => i?.ToUnixTimeTicks();
    public static Instant At(long ticks) => Instant.FromUnixTimeTicks(ticks);
}
