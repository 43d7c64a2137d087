using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace EGov.Workflows.Activities.Notifications;

/// <summary>
/// Renders a Liquid template (Fluid) with the case's variables: <c>{{ antrag.name }}</c> reads the process variable
/// <c>antrag</c>. In HTML every value is HTML-escaped; the text and subject parts are plain. Parsed templates are cached.
/// </summary>
public static partial class MailTemplate
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = CreateOptions();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Cache = new(StringComparer.Ordinal);

    private static TemplateOptions CreateOptions()
    {
        // German number format (30,70); the engine runs with invariant globalization, so the culture is built here.
        var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        german.NumberFormat.NumberDecimalSeparator = ",";
        german.NumberFormat.NumberGroupSeparator = ".";
        german.NumberFormat.CurrencyDecimalSeparator = ",";
        german.NumberFormat.CurrencyGroupSeparator = ".";
        german.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        return new TemplateOptions { CultureInfo = german, MaxSteps = 100_000, MaxRecursion = 16 };
    }

    /// <summary>Renders <paramref name="source"/>; variables are looked up by name through <paramref name="variable"/>.
    /// Throws <see cref="MailTemplateException"/> when the template cannot be parsed.</summary>
    public static string Render(string source, Func<string, JsonNode?> variable, bool html)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(variable);
        var template = Cache.GetOrAdd(source, s => Parser.TryParse(s, out var t, out var error)
            ? t : throw new MailTemplateException($"the template cannot be read: {error}"));
        var context = new TemplateContext(Options);
        // The activity cannot list the case's variables, only read one by name: read each name the template's tags use.
        foreach (var name in Names(source))
            if (variable(name) is { } value) context.SetValue(name, FluidValue.Create(ToClr(value), Options));
        return template.Render(context, html ? HtmlEncoder.Default : NullEncoder.Default);
    }

    private static IEnumerable<string> Names(string source) =>
        Tags().Matches(source).SelectMany(tag => Identifier().Matches(tag.Value).Select(m => m.Groups[1].Value)).Distinct(StringComparer.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex Tags();

    // A name that starts a path (not after a dot) and is not inside quotes is good enough: unknown names read nothing.
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![.\w""'])([A-Za-z_\u00C0-\u024F][\w\u00C0-\u024F]*)")]
    private static partial System.Text.RegularExpressions.Regex Identifier();

    /// <summary>JSON as plain values Liquid understands: objects as dictionaries, arrays as lists, numbers as decimals.</summary>
    internal static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToClr(kv.Value)),
        JsonArray a => a.Select(ToClr).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };
}

public sealed class MailTemplateException(string message) : Exception(message);
