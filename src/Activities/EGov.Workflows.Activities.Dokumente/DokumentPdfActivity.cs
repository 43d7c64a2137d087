using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Activities.Dokumente;

/// <summary>
/// <c>dokument-pdf</c>: makes a document of the case as PDF — a permit, a Bescheid, a confirmation — from what the model
/// gives: a title, fields (label and value, e.g. Ausweisnummer, Kennzeichen, gültig bis) and text paragraphs, headed by
/// the issuing authority and the date (Europe/Berlin). The PDF goes into the case file (as a document of this task), so
/// the clerk sees it in the Postkorb and the eAkte filing sends it along; the variable <c>dokument</c> says its name,
/// SHA-256, pages and size. Wrong inputs are a modelling error: the task fails with the reason (retries, then an incident).
/// </summary>
[Activity("dokument-pdf", Title = "Dokument als PDF erstellen", Description = "Bescheid, Ausweis oder Bestätigung als PDF erzeugen und in die Fallakte legen")]
public sealed class DokumentPdfActivity(IOptionsMonitor<DokumenteOptions> options) : WorkflowActivity
{
    /// <summary>Bounds of one document, so that no model or variable can make the node write for minutes.</summary>
    public const int MaxFields = 100, MaxLabel = 200, MaxValue = 2_000, MaxText = 20_000, MaxTitle = 300, MaxCharacters = 60_000;

    // Stated, not taken from CultureInfo "de-DE": with invariant globalization that culture writes 30.7.
    private static readonly NumberFormatInfo GermanNumber = new() { NumberDecimalSeparator = ",", NumberGroupSeparator = "." };

    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("dateiname", ActivityValueType.String, Required: true, "Name der Datei in der Fallakte, endet auf .pdf (z. B. Parkausweis-${parkausweisNummer}.pdf)"),
        new("titel", ActivityValueType.String, Required: true, "Überschrift des Dokuments (z. B. Bewohnerparkausweis)"),
        new("felder", ActivityValueType.Object, Description: "Angaben als Bezeichnung → Wert, in dieser Reihenfolge (Text, Zahl, ja/nein, Datum JJJJ-MM-TT oder Liste)"),
        new("text", ActivityValueType.String, Description: "Fließtext; Absätze durch Leerzeilen getrennt"),
        new("absender", ActivityValueType.String, Description: "Ausstellende Behörde (Standard: Einstellung Packs:Dokumente:Behoerde, sonst contact.name der service.yaml)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("dokument", ActivityValueType.Object, Description: "{ name, sha256, seiten, bytes }"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = options.Get(context.TenantId);
        var (content, name, problem) = Read(context, o);
        if (problem is not null) return Task.FromResult(ActivityResult.Fail("dokument-pdf: " + problem));
        if (PdfFonts.Ensure(options.CurrentValue) is { } noFont) return Task.FromResult(ActivityResult.Fail(noFont));

        var (pdf, pages) = PdfDocumentLayout.Render(content!, context.Now);
        var result = new JsonObject
        {
            ["dokument"] = new JsonObject
            {
                ["name"] = name, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(pdf)), ["seiten"] = pages, ["bytes"] = pdf.Length,
            },
        };
        return Task.FromResult(ActivityResult.Complete(result, [new NewCaseDocument(name!, "application/pdf", pdf)]));
    }

    private static (DocumentContent? Content, string? Name, string? Problem) Read(ActivityContext context, DokumenteOptions o)
    {
        var name = context.GetString("dateiname")?.Trim();
        if (string.IsNullOrEmpty(name)) return (null, null, "the input dateiname is missing");
        if (!name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) || name.Length > 200 || name.IndexOfAny(['/', '\\', '"']) >= 0 || name.Any(char.IsControl))
            return (null, null, $"the input dateiname '{Short(name)}' is no plain file name ending in .pdf (at most 200 characters)");
        var title = context.GetString("titel")?.Trim();
        if (string.IsNullOrEmpty(title)) return (null, null, "the input titel is missing");
        if (title.Length > MaxTitle) return (null, null, $"the input titel has {title.Length} characters; at most {MaxTitle}");
        var absender = context.GetString("absender")?.Trim() is { Length: > 0 } a ? a
            : o.Behoerde?.Trim() is { Length: > 0 } b ? b : context.Service?.Behoerde?.Trim();
        if (string.IsNullOrEmpty(absender))
            return (null, null, $"the issuing authority is missing: give the input absender, the setting {PackServiceCollectionExtensions.SettingKeys(DokumenteOptions.Section, context.TenantId, "Behoerde")} or contact.name in the service.yaml");
        if (absender.Length > MaxTitle) return (null, null, $"the absender has {absender.Length} characters; at most {MaxTitle}");

        var fields = new List<(string, string)>();
        switch (context.Input("felder"))
        {
            case null: break;
            case JsonObject felder:
                if (felder.Count > MaxFields) return (null, null, $"the input felder has {felder.Count} entries; at most {MaxFields}");
                foreach (var (label, node) in felder)
                {
                    if (label.Length > MaxLabel) return (null, null, $"a label of felder has {label.Length} characters; at most {MaxLabel}");
                    var (value, why) = Text(node);
                    if (why is not null) return (null, null, $"felder.{Short(label)}: {why}");
                    if (value!.Length > MaxValue) return (null, null, $"felder.{Short(label)} has {value.Length} characters; at most {MaxValue}");
                    fields.Add((label, value));
                }
                break;
            default: return (null, null, "the input felder is no object (label → value)");
        }
        var text = context.Input("text") switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => null,
        };
        if (text is null) return (null, null, "the input text is no string");
        if (text.Length > MaxText) return (null, null, $"the input text has {text.Length} characters; at most {MaxText}");
        var total = title.Length + absender.Length + text.Length + fields.Sum(f => f.Item1.Length + f.Item2.Length);
        if (total > MaxCharacters) return (null, null, $"the document would have {total} characters; at most {MaxCharacters}");

        var paragraphs = text.Replace("\r\n", "\n").Split("\n\n").Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        var date = Instant.FromDateTimeOffset(context.Now).InZone(Berlin).Date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
        var dateLine = o.Ort is { Length: > 0 } ort ? $"{ort.Trim()}, {date}" : date;
        return (new DocumentContent(absender, dateLine, title, fields, paragraphs), name, null);
    }

    /// <summary>A field's value as printed: dates as TT.MM.JJJJ, yes/no in German, lists joined; objects are refused.</summary>
    private static (string? Text, string? Problem) Text(JsonNode? node)
    {
        switch (node)
        {
            case null: return ("–", null);
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                return (LocalDatePattern.Iso.Parse(s) is { Success: true } d ? d.Value.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) : s, null);
            case JsonValue v when v.GetValueKind() == JsonValueKind.True: return ("ja", null);
            case JsonValue v when v.GetValueKind() == JsonValueKind.False: return ("nein", null);
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                return (decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                    ? n.ToString(GermanNumber) : v.ToJsonString(), null);
            case JsonArray list:
                var parts = new List<string>();
                foreach (var item in list)
                {
                    if (item is JsonObject or JsonArray) return (null, "a list may hold only plain values");
                    parts.Add(Text(item).Text!);
                }
                return (string.Join(", ", parts), null);
            default: return (null, "an object cannot be printed as one value; give its parts as separate fields");
        }
    }

    private static string Short(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
