using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>
/// The unary tests most decision table cells are — a constant (<c>"A"</c>, <c>42</c>, <c>false</c>), a comparison with a
/// constant (<c>&gt;= 1000</c>, <c>!= "x"</c>) and an interval of constants (<c>[18..65)</c>) — as testers that compare
/// numbers and strings directly, without a scope, an allocation or a range built per test. Any other value falls back to
/// FEEL's general equality and order, so the answer (true, false, or null for values of different kinds, with the warning
/// of <see cref="Checked"/>) is the same as the general path's.
/// </summary>
internal static class FastTests
{
    /// <summary>A constant as a test: equal (an incomparable value is false, as before).</summary>
    public static Tester Literal(object? constant) => constant switch
    {
        decimal d => (s, v) => v is decimal x ? x == d : Checked.Equal(s, v, d) ?? false,
        string s => (sc, v) => v is string x ? string.Equals(x, s, StringComparison.Ordinal) : Checked.Equal(sc, v, s) ?? false,
        bool b => (s, v) => v is bool x ? x == b : Checked.Equal(s, v, b) ?? false,
        _ => (s, v) => Checked.Equal(s, v, constant) ?? false,
    };

    /// <summary><c>op constant</c> against the tested value: true, false, or null when the two have no equality or order.</summary>
    public static Tester Comparison(string op, object? constant)
    {
        switch (constant)
        {
            case decimal d:
                return op switch
                {
                    "=" => (s, v) => v is decimal x ? x == d : Checked.Equal(s, v, d),
                    "!=" => (s, v) => v is decimal x ? x != d : Not(Checked.Equal(s, v, d)),
                    "<" => (s, v) => v is decimal x ? x < d : Checked.Compare(s, v, d) is int i ? i < 0 : null,
                    "<=" => (s, v) => v is decimal x ? x <= d : Checked.Compare(s, v, d) is int i ? i <= 0 : null,
                    ">" => (s, v) => v is decimal x ? x > d : Checked.Compare(s, v, d) is int i ? i > 0 : null,
                    _ => (s, v) => v is decimal x ? x >= d : Checked.Compare(s, v, d) is int i ? i >= 0 : null,
                };
            case string s:
                return op switch
                {
                    "=" => (sc, v) => v is string x ? string.Equals(x, s, StringComparison.Ordinal) : Checked.Equal(sc, v, s),
                    "!=" => (sc, v) => v is string x ? !string.Equals(x, s, StringComparison.Ordinal) : Not(Checked.Equal(sc, v, s)),
                    "<" => (sc, v) => v is string x ? string.CompareOrdinal(x, s) < 0 : Checked.Compare(sc, v, s) is int i ? i < 0 : null,
                    "<=" => (sc, v) => v is string x ? string.CompareOrdinal(x, s) <= 0 : Checked.Compare(sc, v, s) is int i ? i <= 0 : null,
                    ">" => (sc, v) => v is string x ? string.CompareOrdinal(x, s) > 0 : Checked.Compare(sc, v, s) is int i ? i > 0 : null,
                    _ => (sc, v) => v is string x ? string.CompareOrdinal(x, s) >= 0 : Checked.Compare(sc, v, s) is int i ? i >= 0 : null,
                };
            default:
                return op switch
                {
                    "=" => (s, v) => Checked.Equal(s, v, constant),
                    "!=" => (s, v) => Not(Checked.Equal(s, v, constant)),
                    "<" => (s, v) => Checked.Compare(s, v, constant) is int i ? i < 0 : null,
                    "<=" => (s, v) => Checked.Compare(s, v, constant) is int i ? i <= 0 : null,
                    ">" => (s, v) => Checked.Compare(s, v, constant) is int i ? i > 0 : null,
                    _ => (s, v) => Checked.Compare(s, v, constant) is int i ? i >= 0 : null,
                };
        }
    }

    /// <summary>Membership in an interval whose endpoints are constants (built and checked once).</summary>
    public static Tester Interval(FeelRange range)
    {
        if (range is { Start: decimal low, End: decimal high })
        {
            var startIncluded = range.StartIncluded;
            var endIncluded = range.EndIncluded;
            return (s, v) => v is decimal x
                ? (startIncluded ? x >= low : x > low) && (endIncluded ? x <= high : x < high)
                : Checked.Contains(s, range, v);
        }
        return (s, v) => Checked.Contains(s, range, v);
    }

    private static bool? Not(bool? b) => b is bool x ? !x : null;
}
