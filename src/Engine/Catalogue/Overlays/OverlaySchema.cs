using System.Text.Json;
using Json.Schema;

namespace EGov.Workflows.Catalogue.Overlays;

/// <summary>docs/overlay.schema.json, embedded at build.</summary>
public static class OverlaySchema
{
    private static readonly Lazy<JsonSchema> Parsed = new(() =>
    {
        using var stream = typeof(OverlaySchema).Assembly.GetManifestResourceStream("overlay.schema.json")
            ?? throw new InvalidOperationException("overlay.schema.json is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    public static EvaluationResults Evaluate(JsonElement document) =>
        Parsed.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
}
