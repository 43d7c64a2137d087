using NodaTime;

namespace EGov.Workflows.Feel.Values;

/// <summary>
/// FEEL's equality and order (DMN 1.5 §10.3.2.2): values of different kinds are neither equal nor ordered (null, not
/// false: the caller decides), lists and contexts compare deeply, a date compares with a date and time as its midnight UTC,
/// and a date and time without zone is read as UTC when compared with one that has a zone.
/// </summary>
public static class FeelSemantics
{
    /// <summary>True, false, or null when the two values cannot be compared.</summary>
    public static bool? Equal(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        switch (a)
        {
            case decimal x when b is decimal y: return x == y;
            case string x when b is string y: return string.Equals(x, y, StringComparison.Ordinal);
            case bool x when b is bool y: return x == y;
            case LocalDate x when b is LocalDate y: return x == y;
            case LocalDate x when b is FeelDateTime y: return SameDateTime(AtMidnightUtc(x), y);
            case FeelDateTime x when b is LocalDate y: return SameDateTime(x, AtMidnightUtc(y));
            case FeelDateTime x when b is FeelDateTime y: return SameDateTime(x, y);
            case FeelTime x when b is FeelTime y: return Millis(x.Seconds) == Millis(y.Seconds) && x.HasZone == y.HasZone;
            case Duration x when b is Duration y: return x == y;
            case YearsMonthsDuration x when b is YearsMonthsDuration y: return x == y;
            case IReadOnlyList<object?> x when b is IReadOnlyList<object?> y:
            {
                if (x.Count != y.Count) return false;
                for (var i = 0; i < x.Count; i++)
                {
                    var e = Equal(x[i], y[i]);
                    if (e != true) return e;
                }
                return true;
            }
            case FeelContext x when b is FeelContext y:
            {
                if (x.Count != y.Count) return false;
                foreach (var entry in x.Entries)
                {
                    if (!y.TryGet(entry.Key, out var other)) return false;
                    var e = Equal(entry.Value, other);
                    if (e != true) return e;
                }
                return true;
            }
            case FeelRange x when b is FeelRange y:
                return x.StartIncluded == y.StartIncluded && x.EndIncluded == y.EndIncluded && x.Operator == y.Operator
                    && Equal(x.Start, y.Start) == true && Equal(x.End, y.End) == true;
            case FeelFunction x when b is FeelFunction y: return ReferenceEquals(x, y);
            default: return null;
        }
    }

    /// <summary>Negative, zero or positive; null when the two values have no order between them.</summary>
    public static int? Compare(object? a, object? b)
    {
        switch (a)
        {
            case decimal x when b is decimal y: return x.CompareTo(y);
            case string x when b is string y: return Math.Sign(string.CompareOrdinal(x, y));
            case LocalDate x when b is LocalDate y: return x.CompareTo(y);
            case LocalDate x when b is FeelDateTime y: return CompareDateTimes(AtMidnightUtc(x), y);
            case FeelDateTime x when b is LocalDate y: return CompareDateTimes(x, AtMidnightUtc(y));
            case FeelDateTime x when b is FeelDateTime y: return CompareDateTimes(x, y);
            case FeelTime x when b is FeelTime y: return x.Seconds.CompareTo(y.Seconds);
            case Duration x when b is Duration y: return x.CompareTo(y);
            case YearsMonthsDuration x when b is YearsMonthsDuration y: return x.CompareTo(y);
            default: return null;
        }
    }

    public static FeelDateTime AtMidnightUtc(LocalDate d) => new(d.AtMidnight(), Offset.Zero);

    /// <summary>Times are equal to the millisecond (the TCK's engines keep milliseconds; finer digits are not compared).</summary>
    private static decimal Millis(decimal seconds) => decimal.Truncate(seconds * 1000);

    private static bool SameDateTime(FeelDateTime x, FeelDateTime y)
    {
        if (!x.HasZone && !y.HasZone) return Truncate(x.Local) == Truncate(y.Local);
        var ix = x.Instant ?? x.Local.InUtc().ToInstant();
        var iy = y.Instant ?? y.Local.InUtc().ToInstant();
        return ix.ToUnixTimeMilliseconds() == iy.ToUnixTimeMilliseconds();
    }

    private static LocalDateTime Truncate(LocalDateTime t) => t.PlusNanoseconds(-(t.NanosecondOfSecond % 1_000_000));

    private static int CompareDateTimes(FeelDateTime x, FeelDateTime y)
    {
        if (!x.HasZone && !y.HasZone) return x.Local.CompareTo(y.Local);
        var ix = x.Instant ?? x.Local.InUtc().ToInstant();
        var iy = y.Instant ?? y.Local.InUtc().ToInstant();
        return ix.CompareTo(iy);
    }

    /// <summary>The FEEL type name of a value, as <c>instance of</c> and messages use it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "Null",
        decimal => "number",
        string => "string",
        bool => "boolean",
        LocalDate => "date",
        FeelTime => "time",
        FeelDateTime => "date and time",
        Duration => "days and time duration",
        YearsMonthsDuration => "years and months duration",
        IReadOnlyList<object?> => "list",
        FeelContext => "context",
        FeelRange => "range",
        FeelFunction => "function",
        _ => value.GetType().Name,
    };
}
