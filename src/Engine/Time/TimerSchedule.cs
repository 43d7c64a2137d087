using System.Globalization;
using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>
/// A parsed BPMN timer definition; immutable, parsed once per model, asked for due instants.
/// <list type="bullet">
/// <item><b>Date</b> (<c>timeDate</c>): an ISO 8601 date-time with offset, a local date-time (in the zone) or a date (its start of day in the zone).</item>
/// <item><b>Duration</b> (<c>timeDuration</c>): an ISO 8601 duration, added calendar-aware (see <see cref="IsoDuration.AddTo"/>).</item>
/// <item><b>Cycle</b> (<c>timeCycle</c>): an ISO 8601 repeating interval — <c>R/PT1H</c>, <c>R3/PT10M</c>,
/// <c>R/2026-01-05T08:00:00+01:00/P1D</c> (from a start), <c>R3/PT1H/2026-02-01T00:00:00Z</c> (until an end),
/// <c>R2/2026-01-01T00:00:00Z/2026-01-02T00:00:00Z</c> (start and end: the interval between them, the end also
/// bounds the cycle) — or a Quartz cron expression (<see cref="CronExpression"/>) evaluated in the zone.</item>
/// </list>
/// </summary>
public sealed class TimerSchedule
{
    private readonly Instant _date;
    private readonly Period _period = Period.Zero;
    private readonly Instant? _start;
    private readonly Instant? _end;
    private readonly CronExpression? _cron;

    private TimerSchedule(TimerKind kind, string text, DateTimeZone zone)
    {
        Kind = kind;
        Text = text;
        Zone = zone;
    }

    private TimerSchedule(TimerKind kind, string text, DateTimeZone zone, Instant date) : this(kind, text, zone) => _date = date;

    private TimerSchedule(TimerKind kind, string text, DateTimeZone zone, Period period) : this(kind, text, zone) => _period = period;

    private TimerSchedule(string text, DateTimeZone zone, int? repetitions, Period period, Instant? start, Instant? end)
        : this(TimerKind.Cycle, text, zone)
    {
        Repetitions = repetitions;
        _period = period;
        _start = start;
        _end = end;
    }

    private TimerSchedule(string text, DateTimeZone zone, CronExpression cron) : this(TimerKind.Cycle, text, zone) => _cron = cron;

    /// <summary>Which kind of timer definition this is.</summary>
    public TimerKind Kind { get; }

    /// <summary>The definition as written.</summary>
    public string Text { get; }

    /// <summary>The zone local times and calendar arithmetic are interpreted in.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>How many times a cycle fires in all; null = unbounded (<c>R/...</c>, cron) and for Date/Duration.</summary>
    public int? Repetitions { get; }

    /// <summary>The cron expression of a cron cycle, else null.</summary>
    public CronExpression? Cron => _cron;

    /// <summary>
    /// Parses a timer definition. Throws <see cref="TimerFormatException"/> with a message naming what was expected.
    /// </summary>
    public static TimerSchedule Parse(TimerKind kind, string text, DateTimeZone zone) => Parse(kind, text, zone, TimerLimits.Default);

    /// <summary>
    /// Parses a timer definition and checks it against <paramref name="limits"/>: a cycle whose interval is shorter
    /// than the minimum, or a cron expression that never fires, is refused like a syntax error — a model or variable
    /// must not be able to flood the job executor or slip past a timer that can never be due.
    /// </summary>
    public static TimerSchedule Parse(TimerKind kind, string text, DateTimeZone zone, TimerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(limits);
        if (string.IsNullOrWhiteSpace(text))
            throw new TimerFormatException($"timer {KindName(kind)} is empty; expected {ExpectedFor(kind)}");
        var trimmed = text.Trim();
        return kind switch
        {
            TimerKind.Date => new TimerSchedule(kind, trimmed, zone, IsoDateTime.Parse(trimmed, zone)),
            TimerKind.Duration => new TimerSchedule(kind, trimmed, zone, IsoDuration.Parse(trimmed)),
            TimerKind.Cycle => ParseCycle(trimmed, zone, limits),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown timer kind"),
        };
    }

    private static string KindName(TimerKind kind) => kind switch
    {
        TimerKind.Date => "timeDate",
        TimerKind.Duration => "timeDuration",
        _ => "timeCycle",
    };

    private const string CycleExpected =
        "an ISO 8601 repeating interval such as R/PT1H, R3/PT10M, R/2026-01-05T08:00:00+01:00/P1D, R3/PT1H/2026-02-01T00:00:00Z, "
        + "R2/2026-01-01T00:00:00Z/2026-01-02T00:00:00Z, or a cron expression such as '0 0 8 ? * MON-FRI'";

    private static string ExpectedFor(TimerKind kind) => kind switch
    {
        TimerKind.Date => IsoDateTime.Expected,
        TimerKind.Duration => "an ISO 8601 duration such as P3D or PT1H30M",
        _ => CycleExpected,
    };

    private static TimerSchedule ParseCycle(string text, DateTimeZone zone, TimerLimits limits)
    {
        if (text[0] is not ('R' or 'r'))
        {
            if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is 6 or 7)
                return CheckedCron(text, zone, CronExpression.Parse(text), limits);
            throw new TimerFormatException($"'{text}' is not {CycleExpected}");
        }

        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3)
            throw new TimerFormatException($"'{text}' is not {CycleExpected}: a repeating interval has two or three parts separated by '/'");

        int? repetitions = null;
        var count = parts[0][1..];
        if (count.Length > 0)
        {
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new TimerFormatException($"'{text}': expected R or R followed by a number of repetitions, found '{parts[0]}'");
            if (n == 0)
                throw new TimerFormatException($"'{text}': R0 would never fire; use R1 or more, or R for unbounded");
            repetitions = n;
        }

        Period period;
        Instant? start = null, end = null;
        if (parts.Length == 2)
        {
            period = CyclePeriod(text, parts[1]);
        }
        else if (IsoDateTime.LooksLikeDuration(parts[1]))
        {
            period = CyclePeriod(text, parts[1]);
            end = CycleDate(text, parts[2], zone, "end");
        }
        else
        {
            start = CycleDate(text, parts[1], zone, "start");
            if (IsoDateTime.LooksLikeDuration(parts[2]))
            {
                period = CyclePeriod(text, parts[2]);
            }
            else
            {
                end = CycleDate(text, parts[2], zone, "end");
                if (end <= start)
                    throw new TimerFormatException($"'{text}': the end {parts[2]} is not after the start {parts[1]}");
                if (end.Value - start.Value > Duration.FromDays(IsoDuration.MaximumYears * 366))
                    throw new TimerFormatException($"'{text}': the interval from {parts[1]} to {parts[2]} is longer than the longest duration a timer can wait ({IsoDuration.MaximumYears} years)");
                period = Period.FromNanoseconds((end.Value - start.Value).ToInt64Nanoseconds());
            }
        }
        var shortest = IsoDuration.LowerBound(period);
        if (shortest < limits.MinimumCycleInterval)
            throw new TimerFormatException(
                $"'{text}': the interval {IsoDuration.Format(period)} is shorter than the minimum of {Seconds(limits.MinimumCycleInterval)} for a cycle");
        return new TimerSchedule(text, zone, repetitions, period, start, end);
    }

    /// <summary>
    /// A cron expression that can never match (30 February) would otherwise leave a timer that is never due; one that
    /// fires more often than the minimum interval would flood the job executor. Both are refused.
    /// </summary>
    private static TimerSchedule CheckedCron(string text, DateTimeZone zone, CronExpression cron, TimerLimits limits)
    {
        var first = cron.NextAfter(CronSearchStart, DateTimeZone.Utc)
            ?? throw new TimerFormatException($"cron expression '{text}' never fires: no date from 1970 to 2099 matches it");
        // The gap between consecutive firings is smallest within a day (seconds, minutes, hours); the first few show it.
        var previous = first;
        for (var i = 0; i < 3 && cron.NextAfter(previous, DateTimeZone.Utc) is { } next; i++, previous = next)
            if (next - previous < limits.MinimumCycleInterval)
                throw new TimerFormatException(
                    $"cron expression '{text}' fires every {Seconds(next - previous)}, more often than the minimum of {Seconds(limits.MinimumCycleInterval)} for a cycle");
        return new TimerSchedule(text, zone, cron);
    }

    private static readonly Instant CronSearchStart = Instant.FromUtc(1970, 1, 1, 0, 0) - Duration.Epsilon;

    private static string Seconds(Duration d) =>
        d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static Period CyclePeriod(string text, string part)
    {
        if (!IsoDuration.TryParse(part, out var period, out var error))
            throw new TimerFormatException($"'{text}': {error}");
        if (!IsoDuration.IsPositive(period))
            throw new TimerFormatException($"'{text}': the interval of a cycle must be longer than zero");
        return period;
    }

    private static Instant CycleDate(string text, string part, DateTimeZone zone, string what) =>
        IsoDateTime.TryParse(part, zone, out var instant)
            ? instant
            : throw new TimerFormatException($"'{text}': the {what} '{part}' is not {IsoDateTime.Expected}");

    /// <summary>
    /// When the timer is first due, given that it starts at <paramref name="now"/>.
    /// Date: the instant itself (possibly in the past: due at once). Duration: now plus the duration.
    /// Cycle: the first occurrence at or after now (a start in the future is the first occurrence; without
    /// a start, now plus the interval); null when a bounded cycle has no occurrence left.
    /// </summary>
    public Instant? FirstDue(Instant now) => Computed(() => FirstDueCore(now));

    private Instant? FirstDueCore(Instant now)
    {
        switch (Kind)
        {
            case TimerKind.Date:
                return _date;
            case TimerKind.Duration:
                return IsoDuration.AddTo(now, _period, Zone);
        }
        if (_cron is not null)
            return _cron.NextAfter(now - Duration.Epsilon, Zone);
        Instant first;
        if (_start is { } start)
        {
            var k = FirstIndexAtOrAfter(start, now);
            if (Repetitions is { } n && k >= n)
                return null;
            first = Occurrence(start, k);
        }
        else
        {
            first = IsoDuration.AddTo(now, _period, Zone);
        }
        return _end is { } end && first > end ? null : first;
    }

    /// <summary>
    /// The occurrence after <paramref name="previousDue"/>, which was the <paramref name="firedCount"/>-th time
    /// the cycle fired (1 after the first firing). Null when the repetitions are used up, the cycle's end has
    /// passed, or for Date and Duration timers. When the timer fired late (<paramref name="now"/> is past several
    /// occurrences: the engine was down, the executor was busy), the missed occurrences are skipped and the cycle
    /// resumes its rhythm at the first occurrence after now — it fires once for the gap, never in a burst (as Camunda 7 does).
    /// </summary>
    public Instant? NextDue(Instant previousDue, int firedCount, Instant now) => Computed(() => NextDueCore(previousDue, firedCount, now));

    /// <summary>The occurrence after <paramref name="previousDue"/> when the timer fired on time.</summary>
    public Instant? NextDue(Instant previousDue, int firedCount) => NextDue(previousDue, firedCount, previousDue);

    private Instant? NextDueCore(Instant previousDue, int firedCount, Instant now)
    {
        if (Kind != TimerKind.Cycle)
            return null;
        var after = now > previousDue ? now : previousDue;
        if (_cron is not null)
            return _cron.NextAfter(after, Zone);
        if (Repetitions is { } n && firedCount >= n)
            return null;
        Instant next;
        if (_start is { } start)
        {
            var k = FirstIndexAtOrAfter(start, after + Duration.Epsilon);
            if (Repetitions is { } m && k >= m)
                return null;
            next = Occurrence(start, k);
        }
        else
        {
            // Unanchored (R/PT1H): the rhythm is set by the previous due instant.
            next = Occurrence(previousDue, FirstIndexAtOrAfter(previousDue, after + Duration.Epsilon));
        }
        return _end is { } end && next > end ? null : next;
    }

    /// <summary>
    /// Runs a due-date computation; an occurrence beyond what the calendar can represent (year 9999, or a multiple
    /// of the interval that overflows) is a <see cref="TimerFormatException"/> — an incident or a refused deployment,
    /// never an exception of the arithmetic.
    /// </summary>
    private Instant? Computed(Func<Instant?> compute)
    {
        try
        {
            return compute();
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new TimerFormatException($"timer {KindName(Kind)} '{Text}': its next occurrence cannot be computed (it lies beyond the year 9999)");
        }
    }

    /// <summary>The k-th occurrence counted from the start: start + k × interval (so P1M from Jan 31 gives Feb 28, then Mar 31).</summary>
    private Instant Occurrence(Instant start, long k) =>
        k == 0 ? start : IsoDuration.AddTo(start, IsoDuration.Multiply(_period, k), Zone);

    /// <summary>
    /// The smallest k with start + k × interval ≥ instant, in closed form: the interval's shortest and longest length
    /// in any zone bound k from both sides (exact for intervals without calendar parts), and a binary search over that
    /// range settles calendar intervals (months, DST days) in a few dozen steps, however far the instant lies in the future.
    /// </summary>
    private long FirstIndexAtOrAfter(Instant start, Instant instant)
    {
        if (instant <= start)
            return 0;
        var distance = (instant - start).ToBigIntegerNanoseconds();
        var longest = IsoDuration.UpperBound(_period).ToBigIntegerNanoseconds();
        var shortest = IsoDuration.LowerBound(_period).ToBigIntegerNanoseconds();
        var low = (long)System.Numerics.BigInteger.Min(distance / longest, long.MaxValue); // occurrence(low) ≤ start + low × longest ≤ instant
        var high = (long)System.Numerics.BigInteger.Min((distance + shortest - 1) / shortest, long.MaxValue); // occurrence(high) ≥ instant
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (Occurrence(start, middle) < instant) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    /// <inheritdoc />
    public override string ToString() => $"{KindName(Kind)} {Text}";
}
