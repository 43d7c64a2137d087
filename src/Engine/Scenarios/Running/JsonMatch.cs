using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>How <c>expect: variables</c> compares: JSON equality where numbers compare by value (1 = 1.0 = 1.00) and an
/// expected object only constrains the keys it lists (the actual object may have more). Arrays compare element by element.</summary>
public static class JsonMatch
{
    public static bool Matches(JsonNode? expected, JsonNode? actual)
    {
        var ek = Kind(expected);
        var ak = Kind(actual);
        if (ek == JsonValueKind.Number && ak == JsonValueKind.Number) return NumbersEqual(expected!, actual!);
        if (ek != ak) return false;
        switch (ek)
        {
            case JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                return string.Equals(expected!.GetValue<string>(), actual!.GetValue<string>(), StringComparison.Ordinal);
            case JsonValueKind.Array:
            {
                var e = expected!.AsArray();
                var a = actual!.AsArray();
                if (e.Count != a.Count) return false;
                for (var i = 0; i < e.Count; i++)
                    if (!Matches(e[i], a[i])) return false;
                return true;
            }
            case JsonValueKind.Object:
            {
                var a = actual!.AsObject();
                foreach (var (key, value) in expected!.AsObject())
                    if (!a.TryGetPropertyValue(key, out var av) || !Matches(value, av)) return false;
                return true;
            }
            default:
                return false;
        }
    }

    private static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    private static bool NumbersEqual(JsonNode expected, JsonNode actual)
    {
        var e = expected.ToJsonString();
        var a = actual.ToJsonString();
        if (decimal.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out var ed)
            && decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var ad))
            return ed == ad;
        return double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out var edbl)
            && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var adbl)
            && edbl.Equals(adbl);
    }
}
