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
                "string" or "date" => value is null ? null : JsonValue.Create(value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : value.ToJsonString()),
                "boolean" => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? JsonValue.Create(b.GetValue<bool>())
                    : value is JsonValue bs && bs.GetValueKind() == JsonValueKind.String && bool.TryParse(bs.GetValue<string>(), out var bb) ? JsonValue.Create(bb)
                    : throw new FormatException($"variable '{name}': type Boolean needs true or false"),
                "integer" or "short" or "long" => Integer(name, value),
                "double" => value is JsonValue d && d.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(d.GetValue<double>())
                    : value is JsonValue ds && ds.GetValueKind() == JsonValueKind.String && double.TryParse(ds.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dd) ? JsonValue.Create(dd)
                    : throw new FormatException($"variable '{name}': type Double needs a number"),
                "json" => ParseJson(name, value),
                "object" when IsJsonObjectInfo(tv) => ParseJson(name, value),
                _ => throw new FormatException($"variable '{name}': type '{tv["type"]}' is not supported (String, Boolean, Integer, Long, Double, Date, Json, Null)"),
            };
        }
        return result;
    }

    private static bool IsJsonObjectInfo(JsonObject tv) =>
        tv["valueInfo"] is JsonObject info && info["serializationDataFormat"] is JsonValue f && f.TryGetValue<string>(out var s) && s.Contains("json", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? Integer(string name, JsonNode? value)
    {
        var text = value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : value?.ToJsonString();
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l)
            : throw new FormatException($"variable '{name}': needs a whole number, got {text ?? "null"}");
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
