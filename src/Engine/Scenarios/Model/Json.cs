using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Scenarios.Model;

/// <summary>Short, readable renderings of values for reports (umlauts kept, long values cut).</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const int MaxLength = 200;

    public static string Text(JsonNode? node)
    {
        var text = node is null ? "null" : node.ToJsonString(Compact);
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items) + "]";

    internal static string Suffix(JsonObject variables) => variables.Count == 0 ? "" : " with " + Text(variables);
}
