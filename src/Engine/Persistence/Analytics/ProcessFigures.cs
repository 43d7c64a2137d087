using NodaTime;

namespace EGov.Workflows.Persistence.Analytics;

/// <summary>What the analytics of one process are asked for: a version (null: every version) and a period of days (both inclusive, in the engine's zone).</summary>
public sealed record AnalyticsQuery(string TenantId, string ProcessId, int? Version, LocalDate From, LocalDate To);

/// <summary>
/// How long something took, over <see cref="Count"/> cases: the median and the 90th percentile (nearest rank: the smallest
/// value with at least half, nine tenths of all values at or below it), in milliseconds; null without cases.
/// </summary>
public sealed record DurationStats(long Count, long? MedianMs, long? P90Ms)
{
    public static readonly DurationStats None = new(0, null, null);
}

/// <summary>
/// One element's figures in the period: element instances that ended (<see cref="Count"/>, of them
/// <see cref="Cancelled"/> without completing), their time from start to end, for a user task the wait from created to its
/// first assignment (claim), and the incidents created at it. A multi-instance element appears twice: its inner instances
/// under its id, the whole body under <c>Id#multiInstanceBody</c>.
/// </summary>
public sealed record ElementFigures(string ElementId, long Count, long Cancelled, DurationStats Duration, DurationStats ClaimWait, long Incidents)
{
    /// <summary>Element instances that completed after their own Frist (egov:frist on a user or receive task) had passed.</summary>
    public long FristenMissed { get; init; }

    /// <summary>Open user tasks and receive tasks whose Frist passed in the period and is past now (still open after it).</summary>
    public long FristenOpenPast { get; init; }
}

/// <summary>The lead time of the instances that completed in one ISO week (Monday to Sunday).</summary>
public sealed record WeekFigures(LocalDate WeekStart, DurationStats LeadTime);

/// <summary>
/// The figures of one process over a period: instances started and ended (completed or cancelled) in it, the lead time of
/// those that completed (start to end, exact), per week, per element, and how often each sequence flow was taken.
/// </summary>
public sealed record ProcessFigures(
    long Started, long Completed, long Cancelled, DurationStats LeadTime, IReadOnlyList<WeekFigures> Weeks,
    IReadOnlyList<ElementFigures> Elements, IReadOnlyDictionary<string, long> FlowsTaken)
{
    /// <summary>Cases that completed in the period after their own Frist (egov:frist on the process, or the service's Bearbeitungsfrist) had passed.</summary>
    public long CaseFristenMissed { get; init; }

    /// <summary>Running cases whose own Frist passed in the period and is past now.</summary>
    public long CaseFristenOpenPast { get; init; }
}

/// <summary>The KVP analytics of the processes of a durable store (<see cref="SqlProcessAnalytics"/>).</summary>
public interface IProcessAnalytics
{
    /// <summary>Folds history written since the last call into the aggregates; returns how many history rows it read.</summary>
    long CatchUp();

    /// <summary>The figures of a process over a period (after catching up). A period without instances gives zeros, not an error.</summary>
    ProcessFigures Figures(AnalyticsQuery query);
}

/// <summary>Durations kept as a histogram of logarithmic buckets (4 % wide), each with its count and sum.</summary>
public static class DurationHistogram
{
    private static readonly double LogBase = Math.Log(1.04);

    /// <summary>The bucket of a duration in milliseconds: 0 for none (or negative), else 1 + ⌊log₁.₀₄ ms⌋.</summary>
    public static int Bucket(long ms) => ms <= 0 ? 0 : 1 + (int)Math.Floor(Math.Log(ms) / LogBase);

    /// <summary>
    /// The nearest-rank percentile <paramref name="p"/> (0 &lt; p ≤ 1) of sorted values: the value at rank ⌈p·n⌉.
    /// </summary>
    public static long? Percentile(IReadOnlyList<long> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return null;
        var rank = Math.Max(1, (int)Math.Ceiling(p * sorted.Count));
        return sorted[rank - 1];
    }

    /// <summary>Median and p90 of exact values (sorts the list).</summary>
    public static DurationStats Exact(List<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.Sort();
        return new DurationStats(values.Count, Percentile(values, 0.5), Percentile(values, 0.9));
    }

    /// <summary>
    /// Median and p90 of a histogram (bucket → count, sum): the rank's bucket answers with the mean of its values, which is
    /// exact when they are equal and otherwise within the bucket's 4 %.
    /// </summary>
    public static DurationStats Of(IReadOnlyList<(int Bucket, long Count, long SumMs)> buckets)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var sorted = buckets.Where(b => b.Count > 0).OrderBy(b => b.Bucket).ToList();
        var n = sorted.Sum(b => b.Count);
        if (n == 0) return DurationStats.None;
        return new DurationStats(n, At(sorted, n, 0.5), At(sorted, n, 0.9));
    }

    private static long At(List<(int Bucket, long Count, long SumMs)> sorted, long n, double p)
    {
        var rank = Math.Max(1L, (long)Math.Ceiling(p * n));
        long seen = 0;
        foreach (var b in sorted)
        {
            seen += b.Count;
            if (seen >= rank) return (long)Math.Round((double)b.SumMs / b.Count, MidpointRounding.AwayFromZero);
        }
        var last = sorted[^1];
        return last.SumMs / last.Count;
    }
}
