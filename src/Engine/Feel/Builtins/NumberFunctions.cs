using EGov.Workflows.Feel.Values;
using NodaTime;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>decimal, floor, ceiling, the round functions, abs, modulo, sqrt, log, exp, odd, even (DMN 1.5 §10.3.4.5).</summary>
internal static class NumberFunctions
{
    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "decimal", [["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.ToEven));
        Def(f, "floor", [["n"], ["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.ToNegativeInfinity));
        Def(f, "ceiling", [["n"], ["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.ToPositiveInfinity));
        Def(f, "round up", [["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.AwayFromZero, directed: true));
        Def(f, "round down", [["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.ToZero));
        Def(f, "round half up", [["n", "scale"]], (ev, a) => Round(ev, a, MidpointRounding.AwayFromZero));
        Def(f, "round half down", [["n", "scale"]], (ev, a) => RoundHalfDown(ev, a));
        Def(f, "abs", [["n"]], (ev, a) => a[0] switch
        {
            decimal d => Math.Abs(d),
            Duration d => d < Duration.Zero ? -d : d,
            YearsMonthsDuration ym => new YearsMonthsDuration(Math.Abs(ym.TotalMonths)),
            _ => ev.Null("abs() needs a number or duration"),
        });
        Def(f, "modulo", [["dividend", "divisor"]], (ev, a) =>
        {
            if (a[0] is not decimal x || a[1] is not decimal y) return ev.Null("modulo() needs numbers");
            if (y == 0) return ev.Null("modulo by zero");
            // The result takes the divisor's sign: x - y * floor(x / y).
            return x - y * decimal.Floor(x / y);
        });
        Def(f, "sqrt", [["number"]], (ev, a) => a[0] is decimal d
            ? d < 0 ? ev.Null("sqrt of a negative number") : Sqrt(d)
            : ev.Null("sqrt() needs a number"));
        Def(f, "log", [["number"]], (ev, a) => a[0] is decimal d
            ? d <= 0 ? ev.Null("log of a number not above zero") : (decimal)Math.Log((double)d)
            : ev.Null("log() needs a number"));
        Def(f, "exp", [["number"]], (ev, a) =>
        {
            if (a[0] is not decimal d) return ev.Null("exp() needs a number");
            var r = Math.Exp((double)d);
            return double.IsFinite(r) && r < 7.9e28 ? (decimal)r : ev.Null("exp() out of range");
        });
        Def(f, "odd", [["number"]], (ev, a) => IsInteger(a[0]) ? Math.Abs((decimal)a[0]! % 2) == 1 : ev.Null("odd() needs a whole number"));
        Def(f, "even", [["number"]], (ev, a) => IsInteger(a[0]) ? (decimal)a[0]! % 2 == 0 : ev.Null("even() needs a whole number"));
    }

    /// <summary>Newton's method in decimal, from the double's estimate: 28 digits instead of a double's 16.</summary>
    private static decimal Sqrt(decimal d)
    {
        if (d == 0) return 0;
        var x = (decimal)Math.Sqrt((double)d);
        for (var i = 0; i < 4; i++)
        {
            if (x == 0) break;
            x = (x + d / x) / 2;
        }
        return x;
    }

    private static object? Round(FeelEvaluation ev, IReadOnlyList<object?> a, MidpointRounding mode, bool directed = false)
    {
        if (a[0] is not decimal n) return ev.Null("a number is needed");
        var scale = 0;
        if (a.Count > 1)
        {
            if (ToInt(a[1]) is not int s) return ev.Null("the scale must be a number");
            if (s < -6111 || s > 6176) return ev.Null("the scale is out of range");
            scale = s;
        }
        if (scale > 28) return n;
        if (scale < 0)
        {
            var factor = Pow10(-scale);
            if (factor is null) return 0m;
            return RoundAt(n / factor.Value, 0, mode, directed) * factor.Value;
        }
        return RoundAt(n, scale, mode, directed);
    }

    private static decimal RoundAt(decimal n, int scale, MidpointRounding mode, bool directed)
    {
        if (!directed) return Math.Round(n, scale, mode);
        // Round up = away from zero for every discarded fraction, not only halves.
        var truncated = Math.Round(n, scale, MidpointRounding.ToZero);
        if (truncated == n) return truncated;
        var step = 1m / Pow10(scale)!.Value;
        return n > 0 ? truncated + step : truncated - step;
    }

    private static object? RoundHalfDown(FeelEvaluation ev, IReadOnlyList<object?> a)
    {
        if (a[0] is not decimal n || ToInt(a[1]) is not int scale) return ev.Null("round half down needs a number and a scale");
        if (scale < -6111 || scale > 6176) return ev.Null("the scale is out of range");
        if (scale > 28) return n;
        var factor = Pow10(Math.Abs(scale)) ?? 1;
        var scaled = scale >= 0 ? n * factor : n / factor;
        var floor = decimal.Truncate(scaled);
        var frac = Math.Abs(scaled - floor);
        var r = frac > 0.5m ? floor + Math.Sign(scaled) : floor;
        return scale >= 0 ? r / factor : r * factor;
    }

    private static decimal? Pow10(int n)
    {
        if (n > 28) return null;
        var r = 1m;
        for (var i = 0; i < n; i++) r *= 10;
        return r;
    }
}
