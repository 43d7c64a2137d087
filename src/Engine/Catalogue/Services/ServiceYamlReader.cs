using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Catalogue.Yaml;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;
using Json.Schema;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>What reading one service.yaml gave: the description when the file is valid, and every problem with its position.</summary>
public sealed record ServiceReadResult(string File, ServiceDescription? Service, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>The file as JSON with positions (null when it was not readable YAML), for checks beside the schema's.</summary>
    public PositionedYaml? Yaml { get; init; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>
/// Reads <c>service.yaml</c>: YAML → JSON with positions, checked against docs/service.schema.json, then the rules a schema
/// cannot say (validTo not before validFrom). Every problem is a <see cref="Diagnostic"/> at the line and column of the
/// field: an unknown field at its key, a bad value at the value, a missing field at its parent.
/// </summary>
public static class ServiceYamlReader
{
    /// <summary>The file name a service folder holds.</summary>
    public const string FileName = "service.yaml";

    private const int MaxBytes = 256 * 1024;

    public static ServiceReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxBytes) return Fail(path, new SourcePosition(1, 1), $"larger than {MaxBytes / 1024} KB");
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, new SourcePosition(1, 1), $"cannot read file: {e.Message}");
        }
        var folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path))) ?? "service";
        return Read(text, path, folder);
    }

    /// <summary>Reads a service description from text; <paramref name="id"/> is the service's folder name.</summary>
    public static ServiceReadResult Read(string text, string file, string id)
    {
        ArgumentNullException.ThrowIfNull(text);
        PositionedYaml yaml;
        try { yaml = PositionedYamlReader.Read(text); }
        catch (YamlSyntaxException e) { return Fail(file, e.At, e.Message); }
        if (yaml.Root is not JsonObject root)
            return Fail(file, new SourcePosition(1, 1), yaml.Root is null ? "the file is empty; a service.yaml is a mapping of fields (see docs/service.schema.json)" : "a service.yaml is a mapping of fields, not a list or a single value");

        var bag = new DiagnosticBag(file);
        var results = ServiceSchema.Evaluate(JsonSerializer.SerializeToElement(root));
        if (!results.IsValid) SchemaMessages.Report(results, yaml, root, bag);
        if (bag.HasErrors) return new ServiceReadResult(file, null, bag.Items) { Yaml = yaml };

        var service = Build(root, file, id);
        if (service.ValidFrom is { } from && service.ValidTo is { } to && to < from)
            bag.Error(yaml.ValueAt("/validTo"), $"validTo {Iso(to)} is before validFrom {Iso(from)}");
        return new ServiceReadResult(file, bag.HasErrors ? null : service, bag.Items) { Yaml = yaml };
    }

    private static ServiceReadResult Fail(string file, SourcePosition at, string message) =>
        new(file, null, [new Diagnostic(file, at, Severity.Error, message)]);

    private static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);

    /// <summary>Builds the description from a document the schema accepted (so every type and form is known).</summary>
    private static ServiceDescription Build(JsonObject o, string file, string id) => new()
    {
        Id = id,
        File = file,
        Leika = Str(o, "leika"),
        Internal = o["internal"]?.GetValue<bool>() ?? false,
        Ozg = o["ozg"] is JsonObject ozg ? new OzgReference(Str(ozg, "id"), Str(ozg, "leistung"), Str(ozg, "themenfeld"), Str(ozg, "lebenslage")) : null,
        Name = new ServiceName(Str(o["name"]!.AsObject(), "de")!, Str(o["name"]!.AsObject(), "en")),
        ProcessId = Str(o, "process")!,
        LegalBases = o["legalBases"]!.AsArray().Select(n => n!.AsObject()).Select(b => new LegalBasis(Str(b, "law")!, Str(b, "paragraph"), Str(b, "link"))).ToList(),
        Responsible = new Responsibility(Str(o["responsible"]!.AsObject(), "orgUnit")!, o["responsible"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ToList()),
        TrustLevel = Str(o, "trustLevel"),
        Bearbeitungsfrist = Period(o, "bearbeitungsfrist"),
        Aufbewahrungsfrist = Period(o, "aufbewahrungsfrist"),
        Aktenplan = o["aktenplan"] is JsonObject ap ? new Aktenplan(Str(ap, "kennzeichen")!, Str(ap, "betreff")) : null,
        Fees = o["fees"] is JsonObject f
            ? new Fee(f["amount"] is { } a ? decimal.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : null, Str(f, "per"), Str(f, "decision"), Str(f, "legalBasis"))
            : null,
        Reifegrad = (int)o["reifegrad"]!.GetValue<long>(),
        Contact = o["contact"] is JsonObject c ? new Contact(Str(c, "name"), Str(c, "email"), Str(c, "phone"), Str(c, "url")) : null,
        ValidFrom = Date(o, "validFrom"),
        ValidTo = Date(o, "validTo"),
    };

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static NodaTime.Period? Period(JsonObject o, string name) =>
        Str(o, name) is { } s ? PeriodPattern.Roundtrip.Parse(s).Value : null;

    private static LocalDate? Date(JsonObject o, string name) =>
        Str(o, name) is { } s ? LocalDatePattern.Iso.Parse(s).Value : null;
}
