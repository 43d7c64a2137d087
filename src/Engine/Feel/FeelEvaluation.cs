using NodaTime;

namespace EGov.Workflows.Feel;

/// <summary>
/// What one evaluation carries besides variables: the clock (<c>now()</c>, <c>today()</c>), the zone for
/// <c>today()</c>, and the warnings FEEL's null results leave (a division by zero, a comparison of a number with a string)
/// so that an audit can tell why a value was null.
/// </summary>
public sealed class FeelEvaluation
{
    private List<string>? _warnings;

    public FeelEvaluation(IClock? clock = null, DateTimeZone? zone = null)
    {
        Clock = clock ?? SystemClock.Instance;
        Zone = zone ?? DateTimeZone.Utc;
    }

    public IClock Clock { get; }
    public DateTimeZone Zone { get; }

    /// <summary>What the caller keeps about this evaluation (the DMN engine: its decision log), reachable from any function it calls.</summary>
    public object? Host { get; set; }

    /// <summary>Guards runaway recursion of user functions.</summary>
    internal int Depth { get; set; }

    /// <summary>The default of <see cref="IterationLimit"/>.</summary>
    public const long DefaultIterationLimit = 1_000_000;

    /// <summary>
    /// The most items the loops (<c>for</c>, <c>some</c>, <c>every</c>) of this evaluation may walk together. A loop that
    /// would pass it ends with null and a warning, and so does every loop around it: <c>for x in 1..999999999999 return x</c>
    /// is an error, not a node busy for hours (or out of memory).
    /// </summary>
    public long IterationLimit { get; init; } = DefaultIterationLimit;

    private long _iterations;

    /// <summary>Counts one item of a loop; false (with a warning, once) when the evaluation has used up <see cref="IterationLimit"/>.</summary>
    internal bool Iterate()
    {
        if (++_iterations <= IterationLimit) return true;
        _iterations = IterationLimit + 1; // stays exhausted, no overflow
        Warn($"the loops of this expression walked more than {IterationLimit:N0} items");
        return false;
    }

    /// <summary>True once the loops of this evaluation walked more than <see cref="IterationLimit"/> items.</summary>
    public bool Exhausted => _iterations > IterationLimit;

    public IReadOnlyList<string> Warnings => (IReadOnlyList<string>?)_warnings ?? [];

    public void Warn(string message)
    {
        _warnings ??= [];
        // Once each: a table whose every rule compares a string input with numbers says so once, not a hundred times.
        if (_warnings.Count < 100 && !_warnings.Contains(message)) _warnings.Add(message);
    }

    /// <summary>Returns null after recording why, the shape of every FEEL error.</summary>
    public object? Null(string why)
    {
        Warn(why);
        return null;
    }
}
