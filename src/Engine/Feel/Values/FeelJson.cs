using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Feel.Values;

/// <summary>
/// Process variables are JSON; FEEL has its own values. JSON numbers become decimals, objects contexts, arrays
/// lists; back, dates and durations become their ISO 8601 text, ranges and functions their FEEL text.
/// </summary>
public static class FeelJson
{
    public static object? FromJson(JsonNode? node)
    {
        switch (node)
        {
            case null: return null;
            case JsonObject o: return FeelContext.From(o.Select(kv => new KeyValuePair<string, object?>(kv.Key, FromJson(kv.Value))));
            case JsonArray a: return a.Select(FromJson).ToArray();
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: return v.GetValue<string>();
                    case JsonValueKind.True: return true;
                    case JsonValueKind.False: return false;
                    case JsonValueKind.Number:
                        if (v.TryGetValue<decimal>(out var d)) return d;
                        if (v.TryGetValue<double>(out var dbl) && double.IsFinite(dbl) && Math.Abs(dbl) < 7.9e28) return (decimal)dbl;
                        return decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null;
                    default: return null;
                }
            default: return null;
        }
    }

    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => JsonValue.Create((long)d),
        // Without trailing zeros: 61.40 is written 61.4, as FEEL prints it.
        decimal d => JsonValue.Create(d / 1.000000000000000000000000000000000m),
        IReadOnlyList<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        FeelContext c => new JsonObject(c.Entries.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, ToJson(e.Value)))),
        _ => JsonValue.Create(FeelFormat.Format(value)),
    };

    /// <summary>Variables as FEEL sees them, converted once each.</summary>
    public static IReadOnlyDictionary<string, object?> FromJson(JsonObject? variables)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (variables is null) return result;
        foreach (var kv in variables) result[kv.Key] = FromJson(kv.Value);
        return result;
    }

    /// <summary>Reads a JSON string as the temporal value a typed input asks for ("2026-12-01" for a date input).</summary>
    public static object? ParseTemporal(string text, string type) => type switch
    {
        "date" => Builtins.Conversions.ParseDate(text),
        "date and time" or "dateTime" => Builtins.Conversions.ParseDateTime(text),
        "time" => Builtins.Conversions.ParseTime(text),
        "days and time duration" or "dayTimeDuration" or "years and months duration" or "yearMonthDuration" or "duration" => Builtins.Conversions.ParseDuration(text),
        _ => null,
    };
}
