using NodaTime;

namespace EGov.Workflows.Feel.Values;

/// <summary>
/// FEEL's + - * / ** over numbers, strings, dates, times and durations (DMN 1.5 §10.3.2.3). Anything else, an
/// overflow or a division by zero is null with a warning, never an exception.
/// </summary>
public static class FeelArithmetic
{
    public static object? Add(object? a, object? b, FeelEvaluation ev)
    {
        if (a is null || b is null) return null;
        try
        {
            switch (a)
            {
                case decimal x when b is decimal y: return x + y;
                case string x when b is string y: return x + y;
                case Duration x when b is Duration y: return x + y;
                case YearsMonthsDuration x when b is YearsMonthsDuration y: return new YearsMonthsDuration(x.TotalMonths + y.TotalMonths);
                case FeelDateTime x when b is Duration y: return AddDuration(x, y);
                case Duration x when b is FeelDateTime y: return AddDuration(y, x);
                case FeelDateTime x when b is YearsMonthsDuration y: return AddMonths(x, y.TotalMonths);
                case YearsMonthsDuration x when b is FeelDateTime y: return AddMonths(y, x.TotalMonths);
                case LocalDate x when b is Duration y: return AddDuration(FeelSemantics.AtMidnightUtc(x), y).Local.Date;
                case Duration x when b is LocalDate y: return AddDuration(FeelSemantics.AtMidnightUtc(y), x).Local.Date;
                case LocalDate x when b is YearsMonthsDuration y: return x.PlusMonths((int)y.TotalMonths);
                case YearsMonthsDuration x when b is LocalDate y: return y.PlusMonths((int)x.TotalMonths);
                case FeelTime x when b is Duration y: return x with { Time = x.Time.PlusNanoseconds(y.ToInt64Nanoseconds() % NodaConstants.NanosecondsPerDay) };
                case Duration x when b is FeelTime y: return y with { Time = y.Time.PlusNanoseconds(x.ToInt64Nanoseconds() % NodaConstants.NanosecondsPerDay) };
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return ev.Null($"{Describe(a)} + {Describe(b)} is out of range");
        }
        return ev.Null($"cannot add {FeelSemantics.TypeName(a)} and {FeelSemantics.TypeName(b)}");
    }

    public static object? Subtract(object? a, object? b, FeelEvaluation ev)
    {
        if (a is null || b is null) return null;
        try
        {
            switch (a)
            {
                case decimal x when b is decimal y: return x - y;
                case Duration x when b is Duration y: return x - y;
                case YearsMonthsDuration x when b is YearsMonthsDuration y: return new YearsMonthsDuration(x.TotalMonths - y.TotalMonths);
                case FeelDateTime x when b is Duration y: return AddDuration(x, -y);
                case FeelDateTime x when b is YearsMonthsDuration y: return AddMonths(x, -y.TotalMonths);
                case LocalDate x when b is Duration y: return AddDuration(FeelSemantics.AtMidnightUtc(x), -y).Local.Date;
                case LocalDate x when b is YearsMonthsDuration y: return x.PlusMonths((int)-y.TotalMonths);
                case FeelTime x when b is Duration y: return x with { Time = x.Time.PlusNanoseconds(-(y.ToInt64Nanoseconds() % NodaConstants.NanosecondsPerDay)) };
                case FeelDateTime x when b is FeelDateTime y: return Between(x, y, ev);
                case LocalDate x when b is LocalDate y: return Duration.FromDays(Period.Between(y, x, PeriodUnits.Days).Days);
                case LocalDate x when b is FeelDateTime y: return Between(FeelSemantics.AtMidnightUtc(x), y, ev);
                case FeelDateTime x when b is LocalDate y: return Between(x, FeelSemantics.AtMidnightUtc(y), ev);
                case FeelTime x when b is FeelTime y:
                    if (x.HasZone != y.HasZone) return ev.Null("cannot subtract a time with zone and one without");
                    return Duration.FromNanoseconds((long)((x.Seconds - y.Seconds) * 1_000_000_000m));
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return ev.Null($"{Describe(a)} - {Describe(b)} is out of range");
        }
        return ev.Null($"cannot subtract {FeelSemantics.TypeName(b)} from {FeelSemantics.TypeName(a)}");
    }

    public static object? Multiply(object? a, object? b, FeelEvaluation ev)
    {
        if (a is null || b is null) return null;
        try
        {
            switch (a)
            {
                case decimal x when b is decimal y: return x * y;
                case Duration x when b is decimal y: return ScaleDuration(x, y);
                case decimal x when b is Duration y: return ScaleDuration(y, x);
                case YearsMonthsDuration x when b is decimal y: return new YearsMonthsDuration((long)decimal.Truncate(x.TotalMonths * y));
                case decimal x when b is YearsMonthsDuration y: return new YearsMonthsDuration((long)decimal.Truncate(y.TotalMonths * x));
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return ev.Null($"{Describe(a)} * {Describe(b)} is out of range");
        }
        return ev.Null($"cannot multiply {FeelSemantics.TypeName(a)} by {FeelSemantics.TypeName(b)}");
    }

    public static object? Divide(object? a, object? b, FeelEvaluation ev)
    {
        if (a is null || b is null) return null;
        try
        {
            switch (a)
            {
                case decimal when b is 0m: return ev.Null("division by zero");
                case decimal x when b is decimal y: return x / y;
                case Duration x when b is decimal y: return y == 0 ? ev.Null("division by zero") : ScaleDuration(x, 1 / y);
                case Duration x when b is Duration y: return y == Duration.Zero ? ev.Null("division by zero") : (decimal)x.ToInt64Nanoseconds() / y.ToInt64Nanoseconds();
                case YearsMonthsDuration x when b is decimal y: return y == 0 ? ev.Null("division by zero") : new YearsMonthsDuration((long)decimal.Truncate(x.TotalMonths / y));
                case YearsMonthsDuration x when b is YearsMonthsDuration y: return y.TotalMonths == 0 ? ev.Null("division by zero") : (decimal)x.TotalMonths / y.TotalMonths;
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return ev.Null($"{Describe(a)} / {Describe(b)} is out of range");
        }
        return ev.Null($"cannot divide {FeelSemantics.TypeName(a)} by {FeelSemantics.TypeName(b)}");
    }

    public static object? Power(object? a, object? b, FeelEvaluation ev)
    {
        if (a is null || b is null) return null;
        if (a is not decimal x || b is not decimal y) return ev.Null($"cannot raise {FeelSemantics.TypeName(a)} to {FeelSemantics.TypeName(b)}");
        try
        {
            if (y == decimal.Truncate(y) && Math.Abs(y) <= 1000)
            {
                var n = (int)Math.Abs(y);
                var result = 1m;
                var basis = x;
                while (n > 0)
                {
                    if ((n & 1) == 1) result *= basis;
                    n >>= 1;
                    if (n > 0) basis *= basis;
                }
                if (y < 0) return result == 0 ? ev.Null("division by zero") : 1 / result;
                return result;
            }
            var d = Math.Pow((double)x, (double)y);
            return double.IsFinite(d) ? (decimal)d : ev.Null($"{x} ** {y} is not a number");
        }
        catch (OverflowException)
        {
            return ev.Null($"{x} ** {y} is out of range");
        }
    }

    public static object? Negate(object? a, FeelEvaluation ev) => a switch
    {
        null => null,
        decimal d => -d,
        Duration d => -d,
        YearsMonthsDuration ym => new YearsMonthsDuration(-ym.TotalMonths),
        _ => ev.Null($"cannot negate {FeelSemantics.TypeName(a)}"),
    };

    private static FeelDateTime AddDuration(FeelDateTime x, Duration d)
    {
        if (x.Zone is not null) return x with { Local = x.Local.InZoneLeniently(x.Zone).Plus(d).LocalDateTime };
        return x with { Local = x.Local.PlusNanoseconds(d.ToInt64Nanoseconds()) };
    }

    private static FeelDateTime AddMonths(FeelDateTime x, long months) => x with { Local = x.Local.PlusMonths(checked((int)months)) };

    private static object? Between(FeelDateTime x, FeelDateTime y, FeelEvaluation ev)
    {
        if (x.HasZone != y.HasZone)
        {
            // DMN 1.5: a value without zone is read as UTC here (the TCK follows this).
            var ix = x.Instant ?? x.Local.InUtc().ToInstant();
            var iy = y.Instant ?? y.Local.InUtc().ToInstant();
            return ix - iy;
        }
        if (!x.HasZone) return x.Local.InUtc().ToInstant() - y.Local.InUtc().ToInstant();
        return x.Instant!.Value - y.Instant!.Value;
    }

    private static Duration ScaleDuration(Duration d, decimal factor) =>
        Duration.FromNanoseconds((long)decimal.Round(d.ToInt64Nanoseconds() * factor, 0));

    private static string Describe(object? v) => FeelFormat.Format(v);
}
