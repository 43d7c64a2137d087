using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Expressions;

/// <summary>Helpers for process variables held as <see cref="JsonNode"/>.</summary>
public static class JsonVariables
{
    /// <summary>
    /// A variable value from a CLR value: null, bool, string, char, integers (as long), decimal, double/float
    /// (NaN/Infinity become null), dates (ISO 8601 strings), Guid, enums (their name), dictionaries with string
    /// keys (objects), other sequences (arrays), JsonNode (a deep copy), JsonElement; anything else through
    /// System.Text.Json serialization.
    /// </summary>
    public static JsonNode? FromClr(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText()),
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        char c => JsonValue.Create(c.ToString()),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong ul => ul <= long.MaxValue ? JsonValue.Create((long)ul) : JsonValue.Create((decimal)ul),
        decimal m => JsonValue.Create(m),
        double d => FromDouble(d),
        float f => FromDouble(double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
        DateTimeOffset dto => JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture)),
        DateTime dt => JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly time => JsonValue.Create(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        Guid g => JsonValue.Create(g.ToString()),
        Enum e => JsonValue.Create(e.ToString()),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable sequence => new JsonArray(sequence.Cast<object?>().Select(FromClr).ToArray()),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };

    private static JsonValue? FromDouble(double d) =>
        double.IsNaN(d) || double.IsInfinity(d) ? null : JsonValue.Create(d);

    private static JsonObject FromDictionary(IDictionary dictionary)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = FromClr(entry.Value);
        return result;
    }

    /// <summary>
    /// Deep equality: objects by their members regardless of order, arrays element by element,
    /// numbers by value (12.5 equals 12.50 equals 12.5e0; 25 equals 25.0), strings ordinally.
    /// </summary>
    public static bool JsonEquals(JsonNode? a, JsonNode? b)
    {
        if (IsNull(a) || IsNull(b))
            return IsNull(a) && IsNull(b);
        switch (a)
        {
            case JsonObject objectA:
            {
                if (b is not JsonObject objectB || objectA.Count != objectB.Count)
                    return false;
                foreach (var (key, valueA) in objectA)
                    if (!objectB.TryGetPropertyValue(key, out var valueB) || !JsonEquals(valueA, valueB))
                        return false;
                return true;
            }
            case JsonArray arrayA:
            {
                if (b is not JsonArray arrayB || arrayA.Count != arrayB.Count)
                    return false;
                for (var i = 0; i < arrayA.Count; i++)
                    if (!JsonEquals(arrayA[i], arrayB[i]))
                        return false;
                return true;
            }
            case JsonValue valueA when b is JsonValue valueB:
            {
                var kindA = valueA.GetValueKind();
                var kindB = valueB.GetValueKind();
                if (kindA != kindB)
                    return false;
                return kindA switch
                {
                    JsonValueKind.Number => NumbersEqual(valueA, valueB),
                    JsonValueKind.String => string.Equals(StringOf(valueA), StringOf(valueB), StringComparison.Ordinal),
                    JsonValueKind.True or JsonValueKind.False => true,
                    _ => JsonEquals(JsonNode.Parse(valueA.ToJsonString()), JsonNode.Parse(valueB.ToJsonString())),
                };
            }
            default:
                return false;
        }
    }

    /// <summary>
    /// The value of a number node whatever CLR type holds it (long, decimal, double, int, parsed JSON …);
    /// false for non-numbers and numbers outside decimal's range. Use it instead of <c>GetValue&lt;decimal&gt;()</c>,
    /// which throws when the node holds a long.
    /// </summary>
    public static bool TryGetDecimal(JsonNode? node, out decimal value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            return false;
        if (v.TryGetValue(out decimal m)) { value = m; return true; }
        if (v.TryGetValue(out long l)) { value = l; return true; }
        if (v.TryGetValue(out int i)) { value = i; return true; }
        return decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value of a number node as a double whatever CLR type holds it; false for non-numbers.</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
            return false;
        value = JsBridge.NumberToDouble(v);
        return true;
    }

    /// <summary>A deep copy (null stays null).</summary>
    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    private static bool IsNull(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    private static string? StringOf(JsonValue value) =>
        value.TryGetValue(out string? s) ? s : JsonSerializer.Deserialize<string>(value.ToJsonString());

    private static bool NumbersEqual(JsonValue a, JsonValue b)
    {
        var textA = a.ToJsonString();
        var textB = b.ToJsonString();
        var doubleA = double.Parse(textA, NumberStyles.Float, CultureInfo.InvariantCulture);
        var doubleB = double.Parse(textB, NumberStyles.Float, CultureInfo.InvariantCulture);
        // Decimal when both fit it without loss of magnitude (exact for 0.1 vs 0.10), else double (1e300, 1e-30).
        if (decimal.TryParse(textA, NumberStyles.Float, CultureInfo.InvariantCulture, out var decimalA)
            && decimal.TryParse(textB, NumberStyles.Float, CultureInfo.InvariantCulture, out var decimalB)
            && (double)decimalA == doubleA && (double)decimalB == doubleB)
            return decimalA == decimalB;
        return doubleA == doubleB;
    }
}
