namespace EGov.Workflows.Feel.Values;

/// <summary>A FEEL years and months duration (<c>P1Y2M</c>): a whole number of months, normalised, signed.</summary>
public readonly record struct YearsMonthsDuration(long TotalMonths) : IComparable<YearsMonthsDuration>
{
    public long Years => TotalMonths / 12;
    public long Months => TotalMonths % 12;

    public int CompareTo(YearsMonthsDuration other) => TotalMonths.CompareTo(other.TotalMonths);
    public static bool operator <(YearsMonthsDuration a, YearsMonthsDuration b) => a.TotalMonths < b.TotalMonths;
    public static bool operator >(YearsMonthsDuration a, YearsMonthsDuration b) => a.TotalMonths > b.TotalMonths;
    public static bool operator <=(YearsMonthsDuration a, YearsMonthsDuration b) => a.TotalMonths <= b.TotalMonths;
    public static bool operator >=(YearsMonthsDuration a, YearsMonthsDuration b) => a.TotalMonths >= b.TotalMonths;

    public override string ToString()
    {
        if (TotalMonths == 0) return "P0M";
        var sign = TotalMonths < 0 ? "-" : "";
        var m = Math.Abs(TotalMonths);
        var y = m / 12;
        m %= 12;
        return sign + "P" + (y != 0 ? y + "Y" : "") + (m != 0 ? m + "M" : "");
    }
}
