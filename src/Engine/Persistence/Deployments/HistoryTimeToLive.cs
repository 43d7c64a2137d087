using System.Globalization;
using NodaTime.Text;

namespace EGov.Workflows.Persistence.Deployments;

/// <summary>camunda:historyTimeToLive as days: a number of days ("180") or an ISO period ("P180D", "P6M", "P1Y").</summary>
public static class HistoryTimeToLive
{
    /// <summary>
    /// The days, or null when unset or unreadable. Months count 31 days and years 366, so history is never deleted
    /// before the period the model states has passed.
    /// </summary>
    public static int? Days(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days)) return days;
        var parsed = PeriodPattern.NormalizingIso.Parse(text.ToUpperInvariant());
        if (!parsed.Success) return null;
        var p = parsed.Value;
        if (p.HasTimeComponent && (p.Hours != 0 || p.Minutes != 0 || p.Seconds != 0 || p.Milliseconds != 0)) return null;
        var total = p.Years * 366L + p.Months * 31L + p.Weeks * 7L + p.Days;
        return total is >= 0 and <= int.MaxValue ? (int)total : null;
    }
}
