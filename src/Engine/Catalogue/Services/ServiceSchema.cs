using System.Text.Json;
using Json.Schema;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>docs/service.schema.json, embedded at build: the one schema authors, editors and <c>egov validate</c> use.</summary>
public static class ServiceSchema
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(ServiceSchema).Assembly.GetManifestResourceStream("service.schema.json")
            ?? throw new InvalidOperationException("service.schema.json is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly Lazy<JsonSchema> Parsed = new(() => JsonSchema.FromText(Text.Value));

    /// <summary>The schema's JSON text.</summary>
    public static string Json => Text.Value;

    /// <summary>Evaluates a document; the list output holds one entry per failing keyword with its instance location.</summary>
    public static EvaluationResults Evaluate(JsonElement document) =>
        Parsed.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
}
