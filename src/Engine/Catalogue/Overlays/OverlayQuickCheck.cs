using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Catalogue.Overlays;

/// <summary>
/// A quick check that an overlay is valid against docs/overlay.schema.json, for the common shapes (a fixed fee, groups, texts,
/// form labels, paths, Fristen, activity values, contact): true only when every rule of the schema holds, written out by
/// hand; false when something is wrong or unusual (a fee by decision table, …) — then the schema itself is evaluated, which
/// gives the positioned messages. A server deploying thousands of overlays evaluates the schema only for those.
/// </summary>
/// <remarks>Stricter than the schema where that is simpler (a string's length in UTF-16 units, anchors at the very end).</remarks>
internal static partial class OverlayQuickCheck
{
    public static bool IsValid(JsonObject root)
    {
        foreach (var (key, value) in root)
        {
            var ok = key switch
            {
                "fees" => Fees(value),
                "responsible" => Responsible(value),
                "groups" => Map(value, v => Str(v, out var s) && Name().IsMatch(s)),
                "texts" => Map(value, v => Text(v)),
                "forms" => Map(value, v => v is JsonObject o && o.Count > 0 && o.All(kv => Text(kv.Value))),
                "paths" => Map(value, v => v?.GetValueKind() is JsonValueKind.True or JsonValueKind.False),
                "fristen" => Map(value, v => Str(v, out var s) && Frist().IsMatch(s)),
                "activities" => Map(value, v => v is JsonObject o && o.Count > 0
                    && o.All(kv => kv.Value?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)),
                "contact" => Contact(value),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool Fees(JsonNode? value)
    {
        if (value is not JsonObject o || o["amount"] is not JsonValue amount || amount.GetValueKind() != JsonValueKind.Number) return false;
        // A YAML number is a decimal or a long already; its JSON text parsed again is the same number (and what anything else needs).
        var number = amount.TryGetValue<decimal>(out var a) || (amount.TryGetValue<long>(out var l) && (a = l) == l)
            || decimal.TryParse(amount.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out a);
        if (!number || a < 0 || decimal.Round(a, 2) != a) return false;
        return o.All(kv => kv.Key switch
        {
            "amount" => true,
            "per" or "legalBasis" => Str(kv.Value, out var s) && s.Length > 0,
            _ => false,
        });
    }

    private static bool Responsible(JsonNode? value) =>
        value is JsonObject o && o.Count > 0 && o.All(kv => kv.Key switch
        {
            "orgUnit" => Str(kv.Value, out var s) && s.Length > 0,
            "groups" => kv.Value is JsonArray a && a.Count > 0 && a.All(g => Str(g, out var s) && Name().IsMatch(s)),
            _ => false,
        });

    private static bool Contact(JsonNode? value) =>
        value is JsonObject o && o.Count > 0 && o.All(kv => Str(kv.Value, out var s) && kv.Key switch
        {
            "name" => s.Length > 0,
            "email" => Email().IsMatch(s),
            "phone" => Phone().IsMatch(s),
            "url" => Url().IsMatch(s),
            _ => false,
        });

    private static bool Map(JsonNode? value, Func<JsonNode?, bool> each) => value is JsonObject o && o.All(kv => each(kv.Value));

    private static bool Text(JsonNode? v) => Str(v, out var s) && s.Length is > 0 and <= 500;

    private static bool Str(JsonNode? v, out string s)
    {
        s = "";
        return v is JsonValue j && j.GetValueKind() == JsonValueKind.String && j.TryGetValue(out s!);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\z")]
    private static partial Regex Name();

    [GeneratedRegex(@"^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?\z")]
    private static partial Regex Frist();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+\z")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\+?[0-9 ()/-]{4,30}\z")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^https://[^\s]+\z")]
    private static partial Regex Url();
}
