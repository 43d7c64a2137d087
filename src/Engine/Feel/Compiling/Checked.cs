using EGov.Workflows.Feel.Builtins;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>
/// FEEL's equality, order and range membership as compiled code uses them: values of kinds that cannot be compared (a
/// number with a string) give null, as FEEL prescribes, and leave a warning in the evaluation (DMN 1.5 §10.3.2.2), so the
/// history of a decision says why a rule did not match. A null operand is no such error (a missing input): no warning.
/// </summary>
internal static class Checked
{
    public static int? Compare(Scope s, object? a, object? b)
    {
        var c = FeelSemantics.Compare(a, b);
        if (c is null && a is not null && b is not null) Warn(s, a, b);
        return c;
    }

    public static bool? Equal(Scope s, object? a, object? b)
    {
        var e = FeelSemantics.Equal(a, b);
        if (e is null && a is not null && b is not null) Warn(s, a, b);
        return e;
    }

    public static bool? Contains(Scope s, FeelRange range, object? value)
    {
        var r = RangeFunctions.Contains(range, value);
        if (r is null && value is not null && (range.Start ?? range.End) is { } endpoint && FeelSemantics.Compare(value, endpoint) is null)
            Warn(s, value, endpoint);
        return r;
    }

    private static void Warn(Scope s, object a, object b) =>
        s.Evaluation.Warn($"cannot compare {FeelSemantics.TypeName(a)} with {FeelSemantics.TypeName(b)}");
}
