using System.Globalization;
using System.Xml.Linq;
using EGov.Workflows.Feel.Builtins;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Dmn.Tck;

/// <summary>
/// Values as the TCK's test files write them (<c>&lt;value xsi:type="xsd:decimal"&gt;</c>, <c>&lt;component&gt;</c>,
/// <c>&lt;list&gt;&lt;item&gt;</c>), read into FEEL values, and the runner's comparison of an expected value with a result.
/// </summary>
public static class TckValues
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The value of an inputNode, resultNode/expected, item or component element.</summary>
    public static object? Read(XElement holder)
    {
        var ns = holder.Name.Namespace;
        var value = holder.Element(ns + "value");
        if (value is not null) return Scalar(value);
        var list = holder.Element(ns + "list");
        if (list is not null) return List(list);
        var components = holder.Elements(ns + "component").ToArray();
        if (components.Length > 0) return FeelContext.From(components.Select(c => new KeyValuePair<string, object?>((string?)c.Attribute("name") ?? "", Read(c))));
        if ((string?)holder.Attribute(Xsi + "nil") == "true") return null;
        return null;
    }

    private static object?[] List(XElement list) => list.Elements(list.Name.Namespace + "item").Select(Read).ToArray();

    private static object? Scalar(XElement value)
    {
        if ((string?)value.Attribute(Xsi + "nil") == "true") return null;
        if (value.Elements().Any())
        {
            // A value may itself hold a list or components.
            return Read(new XElement(value.Name.Namespace + "holder", value.Elements()));
        }
        var text = value.Value;
        var type = (string?)value.Attribute(Xsi + "type") ?? "";
        var local = type.Contains(':') ? type[(type.IndexOf(':') + 1)..] : type;
        return local switch
        {
            "decimal" or "double" or "integer" or "int" or "long" or "float" =>
                decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : (object?)text,
            "boolean" => text.Trim() == "true",
            "date" => Conversions.ParseDate(text.Trim()),
            "dateTime" => Conversions.ParseDateTime(text.Trim()),
            "time" => Conversions.ParseTime(text.Trim()),
            "duration" or "dayTimeDuration" or "yearMonthDuration" => Conversions.ParseDuration(text.Trim()),
            _ => text,
        };
    }

    /// <summary>
    /// Whether a result is what the test expected: FEEL equality, except that numbers agree when they differ by less
    /// than one part in 10^12 (the TCK's expected values come from engines with 34-digit decimals; ours has 28).
    /// </summary>
    public static bool Matches(object? expected, object? actual)
    {
        switch (expected)
        {
            case null: return actual is null;
            case decimal e when actual is decimal a:
                if (e == a) return true;
                var scale = Math.Max(Math.Abs(e), 1m);
                if (Math.Abs(e - a) <= scale * 0.000000000001m) return true;
                // Expected values written to 8 or more places (exp, log, sqrt) agree when the result rounds to them.
                return e.Scale >= 8 && e.Scale <= 28 && Math.Round(a, e.Scale) == e;
            case IReadOnlyList<object?> e when actual is IReadOnlyList<object?> a:
                return e.Count == a.Count && e.Zip(a).All(p => Matches(p.First, p.Second));
            case FeelContext e when actual is FeelContext a:
                return e.Count == a.Count && e.Entries.All(x => a.TryGet(x.Key, out var v) && Matches(x.Value, v));
            case FeelDateTime e when actual is FeelDateTime a:
                return e.Local == a.Local && (e.Offset == a.Offset || e.Offset is null && a.Offset is null) && e.Zone?.Id == a.Zone?.Id
                    || FeelSemantics.Equal(e, a) == true && e.HasZone == a.HasZone;
            case FeelTime e when actual is FeelTime a:
                return FeelSemantics.Equal(e, a) == true;
            case LocalDate e when actual is LocalDate a: return e == a;
            default:
                if (expected.GetType() != actual?.GetType()) return false;
                return FeelSemantics.Equal(expected, actual) == true;
        }
    }
}
