using EGov.Workflows.Feel.Builtins;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>
/// The unary tests most decision table cells are — a constant (<c>"A"</c>, <c>42</c>, <c>false</c>), a comparison with a
/// constant (<c>&gt;= 1000</c>, <c>!= "x"</c>) and an interval of constants (<c>[18..65)</c>) — as testers that compare
/// numbers and strings directly, without a scope, an allocation or a range built per test. Any other value falls back to
/// FEEL's general equality and order, so the answer (true, false, or null for values of different kinds) is the same as
/// the general path's.
/// </summary>
internal static class FastTests
{
    /// <summary>A constant as a test: equal (an incomparable value is false, as before).</summary>
    public static Tester Literal(object? constant) => constant switch
    {
        decimal d => (_, v) => v is decimal x ? x == d : FeelSemantics.Equal(v, d) ?? false,
        string s => (_, v) => v is string x ? string.Equals(x, s, StringComparison.Ordinal) : FeelSemantics.Equal(v, s) ?? false,
        bool b => (_, v) => v is bool x ? x == b : FeelSemantics.Equal(v, b) ?? false,
        _ => (_, v) => FeelSemantics.Equal(v, constant) ?? false,
    };

    /// <summary><c>op constant</c> against the tested value: true, false, or null when the two have no equality or order.</summary>
    public static Tester Comparison(string op, object? constant)
    {
        switch (constant)
        {
            case decimal d:
                return op switch
                {
                    "=" => (_, v) => v is decimal x ? x == d : FeelSemantics.Equal(v, d),
                    "!=" => (_, v) => v is decimal x ? x != d : Not(FeelSemantics.Equal(v, d)),
                    "<" => (_, v) => v is decimal x ? x < d : Order(v, d) is int i ? i < 0 : null,
                    "<=" => (_, v) => v is decimal x ? x <= d : Order(v, d) is int i ? i <= 0 : null,
                    ">" => (_, v) => v is decimal x ? x > d : Order(v, d) is int i ? i > 0 : null,
                    _ => (_, v) => v is decimal x ? x >= d : Order(v, d) is int i ? i >= 0 : null,
                };
            case string s:
                return op switch
                {
                    "=" => (_, v) => v is string x ? string.Equals(x, s, StringComparison.Ordinal) : FeelSemantics.Equal(v, s),
                    "!=" => (_, v) => v is string x ? !string.Equals(x, s, StringComparison.Ordinal) : Not(FeelSemantics.Equal(v, s)),
                    "<" => (_, v) => v is string x ? string.CompareOrdinal(x, s) < 0 : Order(v, s) is int i ? i < 0 : null,
                    "<=" => (_, v) => v is string x ? string.CompareOrdinal(x, s) <= 0 : Order(v, s) is int i ? i <= 0 : null,
                    ">" => (_, v) => v is string x ? string.CompareOrdinal(x, s) > 0 : Order(v, s) is int i ? i > 0 : null,
                    _ => (_, v) => v is string x ? string.CompareOrdinal(x, s) >= 0 : Order(v, s) is int i ? i >= 0 : null,
                };
            default:
                return op switch
                {
                    "=" => (_, v) => FeelSemantics.Equal(v, constant),
                    "!=" => (_, v) => Not(FeelSemantics.Equal(v, constant)),
                    "<" => (_, v) => Order(v, constant) is int i ? i < 0 : null,
                    "<=" => (_, v) => Order(v, constant) is int i ? i <= 0 : null,
                    ">" => (_, v) => Order(v, constant) is int i ? i > 0 : null,
                    _ => (_, v) => Order(v, constant) is int i ? i >= 0 : null,
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
            return (_, v) => v is decimal x
                ? (startIncluded ? x >= low : x > low) && (endIncluded ? x <= high : x < high)
                : RangeFunctions.Contains(range, v);
        }
        return (_, v) => RangeFunctions.Contains(range, v);
    }

    private static int? Order(object? a, object? b) => FeelSemantics.Compare(a, b);

    private static bool? Not(bool? b) => b is bool x ? !x : null;
}
