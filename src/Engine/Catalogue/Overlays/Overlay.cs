using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Catalogue.Yaml;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Catalogue.Overlays;

/// <summary>
/// A tenant's settings on top of a shared model: <c>tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml</c> (schema:
/// docs/overlay.schema.json). Read by <see cref="OverlayReader"/>; merged with the shared model by <see cref="OverlayMerger"/>.
/// Keeps the file as JSON with positions, so every problem of the merge names the overlay's line and column.
/// </summary>
public sealed class Overlay
{
    internal Overlay(string file, string tenant, string service, JsonObject root, PositionedYaml yaml)
    {
        File = file;
        Tenant = tenant;
        Service = service;
        Root = root;
        Yaml = yaml;
    }

    /// <summary>The overlay file (for messages).</summary>
    public string File { get; }
    /// <summary>The tenant: the folder name under tenants/.</summary>
    public string Tenant { get; }
    /// <summary>The shared service: the folder under processes/ (the file name before .overlay.yaml).</summary>
    public string Service { get; }
    /// <summary>The overlay as JSON.</summary>
    public JsonObject Root { get; }
    internal PositionedYaml Yaml { get; }

    /// <summary>
    /// The overlay as compact JSON (<see cref="Restore"/> makes it again): what a version deployed by reference keeps of
    /// its overlay (a few hundred bytes instead of the parsed file with its positions).
    /// </summary>
    public string ToJson() => _json ??= Root.ToJsonString();

    private string? _json;

    /// <summary>
    /// An overlay made again from <see cref="ToJson"/> of one that was read and checked: without positions (every key
    /// stands at 1:1), so only for merging an overlay known to fit.
    /// </summary>
    public static Overlay Restore(string file, string tenant, string service, string json) =>
        new(file, tenant, service, JsonNode.Parse(json)!.AsObject(), PositionedYamlReader.Read("{}"));

    private string? _hash;

    /// <summary>A short content hash: which overlay a deployed version was merged with.</summary>
    public string Hash => _hash ??= Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ToJson())))[..12];

    /// <summary>Where the key at a JSON pointer (<c>/texts/Task_X</c>) stands.</summary>
    public SourcePosition KeyAt(string pointer) => Yaml.KeyAt(pointer);

    internal IEnumerable<(string Key, JsonNode? Value)> Section(string name) =>
        Root[name] is JsonObject o ? o.Select(kv => (kv.Key, kv.Value)) : [];

    /// <summary>The tenant's service description: the shared one with the overlay's fees, responsibility and contact.</summary>
    public ServiceDescription Apply(ServiceDescription shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var s = shared;
        if (Root["fees"] is JsonObject f)
            s = s with
            {
                Fees = new Fee(f["amount"] is { } a ? decimal.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : null,
                    Str(f, "per"), Str(f, "decision"), Str(f, "legalBasis")),
            };
        if (Root["responsible"] is JsonObject r)
            s = s with
            {
                Responsible = new Responsibility(Str(r, "orgUnit") ?? s.Responsible.OrgUnit,
                    r["groups"] is JsonArray g ? g.Select(x => x!.GetValue<string>()).ToList() : s.Responsible.Groups.Select(Group).ToList()),
            };
        else if (Root["groups"] is JsonObject)
            s = s with { Responsible = s.Responsible with { Groups = s.Responsible.Groups.Select(Group).ToList() } };
        if (Root["contact"] is JsonObject c)
            s = s with { Contact = new Contact(Str(c, "name"), Str(c, "email"), Str(c, "phone"), Str(c, "url")) };
        return s;
    }

    /// <summary>The tenant's name of a shared group (itself when the overlay does not rename it).</summary>
    public string Group(string shared) => Root["groups"]?[shared] is JsonValue v && v.TryGetValue<string>(out var name) ? name : shared;

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>What reading one overlay gave: the overlay when the file is valid, and every problem with its position.</summary>
public sealed record OverlayReadResult(string File, Overlay? Overlay, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

/// <summary>Reads <c>&lt;service&gt;.overlay.yaml</c>: YAML with positions, checked against docs/overlay.schema.json.</summary>
public static class OverlayReader
{
    /// <summary>How an overlay file's name ends.</summary>
    public const string Suffix = ".overlay.yaml";

    private const int MaxBytes = 256 * 1024;

    /// <summary>Every overlay under a tenants folder: tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml, in a stable order.</summary>
    public static IReadOnlyList<string> Find(string tenantsDirectory) =>
        !Directory.Exists(tenantsDirectory) ? [] :
        Directory.EnumerateDirectories(tenantsDirectory).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.EnumerateFiles(d, "*" + Suffix).Order(StringComparer.Ordinal)).ToList();

    public static OverlayReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? text;
        try
        {
            text = OverlayFileText.Read(path, MaxBytes);
            if (text is null) return Fail(path, $"larger than {MaxBytes / 1024} KB");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"cannot read file: {e.Message}");
        }
        var full = Path.GetFullPath(path);
        var tenant = Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
        var name = Path.GetFileName(full);
        var service = name.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) ? name[..^Suffix.Length] : Path.GetFileNameWithoutExtension(name);
        return Read(text, path, tenant, service);
    }

    /// <summary>Reads an overlay from text for <paramref name="tenant"/> and the shared service <paramref name="service"/>.</summary>
    public static OverlayReadResult Read(string text, string file, string tenant, string service)
    {
        ArgumentNullException.ThrowIfNull(text);
        PositionedYaml yaml;
        try { yaml = PositionedYamlReader.Read(text); }
        catch (YamlSyntaxException e) { return new OverlayReadResult(file, null, [new Diagnostic(file, e.At, Severity.Error, e.Message)]); }
        if (yaml.Root is null) yaml = PositionedYamlReader.Read("{}");
        if (yaml.Root is not JsonObject root)
            return Fail(file, "an overlay is a mapping of sections (fees, groups, texts, forms, paths, fristen, activities; see docs/overlay.schema.json)");
        var badName = service.Length == 0 || service.Contains('/') || service.Contains('\\') || service.StartsWith('.');
        var quick = OverlayQuickCheck.IsValid(root);
        if (!badName && quick) return new OverlayReadResult(file, new Overlay(file, tenant, service, root, yaml), []); // the common case: nothing to report
        var bag = new DiagnosticBag(file);
        if (badName) bag.Error(new SourcePosition(1, 1), $"'{service}' is not a service folder name");
        if (!quick)
        {
            var results = OverlaySchema.Evaluate(JsonSerializer.SerializeToElement(root));
            if (!results.IsValid) SchemaMessages.Report(results, yaml, root, bag);
        }
        return new OverlayReadResult(file, bag.HasErrors ? null : new Overlay(file, tenant, service, root, yaml), bag.Items);
    }

    private static OverlayReadResult Fail(string file, string message) =>
        new(file, null, [new Diagnostic(file, new SourcePosition(1, 1), Severity.Error, message)]);
}
