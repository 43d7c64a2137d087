using System.Globalization;

namespace EGov.Workflows.Host.Formatting;

/// <summary>
/// Numbers as German readers write them (decimal comma, thousands point). The engine runs with invariant globalization
/// (no ICU on the servers), where <c>CultureInfo.GetCultureInfo("de-DE")</c> formats like the invariant culture — 30.7,
/// not 30,7 — so the format is stated here instead of taken from a culture.
/// </summary>
public static class GermanNumbers
{
    public static readonly NumberFormatInfo Format = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = ".", NegativeSign = "-" };
}
