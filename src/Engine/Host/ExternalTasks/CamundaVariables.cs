using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.ExternalTasks;

/// <summary>
/// Camunda 7's typed variables over REST, <c>{"name": {"value": …, "type": "String", "valueInfo": {}}}</c>, to and from
/// the engine's JSON variables. Types are read case-insensitively (the JS client sends "string", "json", …):
/// String, Boolean, Integer, Short, Long, Double, Date (kept as its ISO text), Json (a JSON text, or a JSON value),
/// Object with serializationDataFormat application/json, Null. Anything else is refused with the type named.
/// </summary>
public static class CamundaVariables
{
    public static JsonObject ToTyped(JsonObject variables, IReadOnlyCollection<string>? only = null)
    {
        var result = new JsonObject();
        foreach (var (name, value) in variables)
            if (only is null || only.Contains(name))
                result[name] = Typed(value);
        return result;
    }

    public static JsonObject Typed(JsonNode? value) => value switch
    {
        null => Make(null, "Null"),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Make(JsonValue.Create(v.GetValue<string>()), "String"),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => Make(JsonValue.Create(v.GetValue<bool>()), "Boolean"),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => Make(null, "Null"),
        _ => Make(JsonValue.Create(value.ToJsonString()), "Json"),
    };

    private static JsonObject Number(JsonValue v)
    {
        var text = v.ToJsonString();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            return l is >= int.MinValue and <= int.MaxValue ? Make(JsonValue.Create((int)l), "Integer") : Make(JsonValue.Create(l), "Long");
        return Make(JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)), "Double");
    }

    private static JsonObject Make(JsonNode? value, string type) => new() { ["value"] = value, ["type"] = type, ["valueInfo"] = new JsonObject() };

    /// <summary>Typed variables from a worker to plain JSON variables; null stays null. Throws <see cref="FormatException"/> with the variable named.</summary>
    public static JsonObject? FromTyped(JsonObject? typed)
    {
        if (typed is null) return null;
        var result = new JsonObject();
        foreach (var (name, node) in typed)
        {
            if (node is not JsonObject tv) throw new FormatException($"variable '{name}': expected {{\"value\": …, \"type\": \"String\"}}");
            if (tv["valueInfo"] is JsonObject info && info["transient"] is JsonValue tr && tr.TryGetValue<bool>(out var isTransient) && isTransient) continue;
            var type = (tv["type"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t!.ToLowerInvariant() : null;
            var value = tv["value"];
            result[name] = type switch
            {
                null => value?.DeepClone(),
                "null" => null,
                "date" when value is not null && !IsDate(value) =>
                    throw new FormatException($"variable '{name}': type Date needs a date-time such as 2026-03-01T09:30:00.000+0100, got {Shown(value)}"),
                "string" or "date" => value is null ? null : JsonValue.Create(value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : value.ToJsonString()),
                "boolean" => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? JsonValue.Create(b.GetValue<bool>())
                    : value is JsonValue bs && bs.GetValueKind() == JsonValueKind.String && bool.TryParse(bs.GetValue<string>(), out var bb) ? JsonValue.Create(bb)
                    : throw new FormatException($"variable '{name}': type Boolean needs true or false"),
                "integer" => Integer(name, value, "Integer", int.MinValue, int.MaxValue),
                "short" => Integer(name, value, "Short", short.MinValue, short.MaxValue),
                "long" => Integer(name, value, "Long", long.MinValue, long.MaxValue),
                "double" => Double(name, value),
                "json" => ParseJson(name, value),
                "object" when IsJsonObjectInfo(tv) => ParseJson(name, value),
                _ => throw new FormatException($"variable '{name}': type '{tv["type"]}' is not supported (String, Boolean, Integer, Long, Double, Date, Json, Null)"),
            };
        }
        return result;
    }

    private static bool IsJsonObjectInfo(JsonObject tv) =>
        tv["valueInfo"] is JsonObject info && info["serializationDataFormat"] is JsonValue f && f.TryGetValue<string>(out var s) && s.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A whole number within the Java type's range (Camunda's Integer is 32 bits, Short 16, Long 64).</summary>
    private static JsonNode? Integer(string name, JsonNode? value, string type, long min, long max)
    {
        if (value is null) return null;
        var text = value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : value.ToJsonString();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l >= min && l <= max ? JsonValue.Create(l)
            : throw new FormatException($"variable '{name}': type {type} needs a whole number from {min} to {max}, got {Shown(value)}");
    }

    /// <summary>A finite number: NaN and infinities cannot be stored as JSON, and 1e400 is not a double.</summary>
    private static JsonNode? Double(string name, JsonNode? value)
    {
        if (value is null) return null;
        var text = value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : value.ToJsonString();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? JsonValue.Create(d)
            : throw new FormatException($"variable '{name}': type Double needs a finite number, got {Shown(value)}");
    }

    private static bool IsDate(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String
        && DateTimeOffset.TryParse(CamundaOffset(v.GetValue<string>()), CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Camunda writes offsets without a colon (+0100); .NET wants +01:00.</summary>
    private static string CamundaOffset(string text) =>
        text.Length > 5 && (text[^5] is '+' or '-') && text[^4..].All(char.IsAsciiDigit) ? text[..^2] + ":" + text[^2..] : text;

    /// <summary>The offending value for a message, cut short: a probe's 14-million-character value must not come back.</summary>
    private static string Shown(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    private static JsonNode? ParseJson(string name, JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            try { return JsonNode.Parse(v.GetValue<string>()); }
            catch (JsonException e) { throw new FormatException($"variable '{name}': type Json needs a JSON text ({e.Message})"); }
        }
        return value?.DeepClone();
    }
}
