using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// Reads every free-form JSON value of a request body (variables, typed values) strictly, before any command sees it:
/// a property named twice, a string that is not valid UTF-16 (a lone surrogate such as <c>"\ud800"</c>) and a number
/// that is no finite double (<c>1e400</c>) are refused as bad JSON — a 400 naming the path — instead of failing later,
/// half-way through a command, as a 500.
/// </summary>
internal sealed class StrictJsonNodeConverter<T> : JsonConverter<T> where T : JsonNode
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        using var document = JsonDocument.ParseValue(ref reader);
        Check(document.RootElement, "$");
        var node = JsonNode.Parse(document.RootElement.GetRawText());
        return node as T ?? throw new JsonException($"expected a JSON {(typeof(T) == typeof(JsonObject) ? "object" : typeof(T) == typeof(JsonArray) ? "array" : "value")}, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => value.WriteTo(writer, options);

    private static void Check(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = Text(property, path);
                    if (!names.Add(name)) throw new JsonException($"{path}: the property '{Cut(name)}' appears twice (duplicate property)");
                    Check(property.Value, $"{path}.{name}");
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray()) Check(item, $"{path}[{index++}]");
                break;
            case JsonValueKind.String:
                try { _ = element.GetString(); }
                catch (InvalidOperationException) { throw new JsonException($"{path}: the string is not valid Unicode (a lone surrogate)"); }
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDouble(out var d) || !double.IsFinite(d))
                    throw new JsonException($"{path}: the number {Cut(element.GetRawText())} is out of range (at most ±1.7976931348623157E+308)");
                break;
        }
    }

    private static string Text(JsonProperty property, string path)
    {
        try { return property.Name; }
        catch (InvalidOperationException) { throw new JsonException($"{path}: a property name is not valid Unicode (a lone surrogate)"); }
    }

    private static string Cut(string text) => text.Length <= 30 ? text : text[..30] + "…";
}
