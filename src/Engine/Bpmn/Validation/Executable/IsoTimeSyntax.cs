using System.Globalization;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>
/// Recognises the literal forms of BPMN timer values (ISO 8601). Only the syntax: computing due dates is the
/// runtime's job, with its injected clock and calendar.
/// </summary>
public static partial class IsoTimeSyntax
{
    /// <summary>An expression (<c>${…}</c>, or Camunda's <c>#{…}</c>) is evaluated at run time, not parsed here.</summary>
    public static bool IsExpression(string value) =>
        value.Contains("${", StringComparison.Ordinal) || value.Contains("#{", StringComparison.Ordinal);

    public static bool IsDuration(string value) => DurationPattern().IsMatch(value.Trim()) && value.Trim() is not ("P" or "PT");

    public static bool IsDateTime(string value)
    {
        var v = value.Trim();
        return DateTimePattern().IsMatch(v)
            && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);
    }

    /// <summary>R[n]/duration, R[n]/start/duration, R[n]/duration/end or R[n]/start/end.</summary>
    public static bool IsCycle(string value)
    {
        var parts = value.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || !RepeatPattern().IsMatch(parts[0])) return false;
        if (parts.Length == 2) return IsDuration(parts[1]);
        return (IsDateTime(parts[1]) && (IsDuration(parts[2]) || IsDateTime(parts[2]))) || (IsDuration(parts[1]) && IsDateTime(parts[2]));
    }

    [GeneratedRegex(@"^P(?=\d|T\d)(\d+([.,]\d+)?Y)?(\d+([.,]\d+)?M)?(\d+([.,]\d+)?W)?(\d+([.,]\d+)?D)?(T(?=\d)(\d+([.,]\d+)?H)?(\d+([.,]\d+)?M)?(\d+([.,]\d+)?S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^R\d*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepeatPattern();
}
