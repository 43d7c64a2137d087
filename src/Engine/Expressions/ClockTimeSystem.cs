using Jint.Runtime;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Jint's time system with "now" taken from a given clock: <c>new Date()</c> and <c>Date.now()</c> return the
/// clock's time; parsing and time-zone offsets stay Jint's own.
/// </summary>
internal sealed class ClockTimeSystem(ITimeSystem inner, Func<DateTimeOffset> clock) : ITimeSystem
{
    public TimeZoneInfo DefaultTimeZone => inner.DefaultTimeZone;

    public DateTimeOffset GetUtcNow() => clock().ToUniversalTime();

    public TimeSpan GetUtcOffset(long epochMilliseconds) => inner.GetUtcOffset(epochMilliseconds);

    public bool TryParse(string date, out long epochMilliseconds) => inner.TryParse(date, out epochMilliseconds);
}
