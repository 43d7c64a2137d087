using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Forms;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Citizens;

/// <summary>A line of the summary a citizen confirms before sending: the field's label and the answer as shown.</summary>
public sealed record SummaryLine(string Key, string Label, string Value, bool FromIdentity);

/// <summary>
/// A service's start form as one citizen sees and sends it (once-only): a field whose form-js custom property
/// <c>bundid</c> names an identity attribute (givenName, surname, street, postalCode, city, email, birthDate, …) is
/// prefilled from what BundID proved and read-only — in the browser and on the server, which takes its value from the
/// identity and never from the submission. A field whose attribute BundID did not send stays an ordinary field.
/// </summary>
public sealed class CitizenStartForm
{
    /// <summary>The form-js custom property that binds a field to an identity attribute.</summary>
    public const string IdentityProperty = "bundid";

    private CitizenStartForm(JsonObject schema, JsonObject identity)
    {
        Schema = schema;
        Identity = identity;
    }

    /// <summary>The schema for this citizen: identity fields marked read-only.</summary>
    public JsonObject Schema { get; }

    /// <summary>The identity fields' values by form key (nested as the form's groups with a path nest them).</summary>
    public JsonObject Identity { get; }

    /// <summary>The form's input fields (inside groups too).</summary>
    public IReadOnlyList<JsonObject> Fields => FormValidator.Fields(Schema);

    /// <summary>The keys a citizen may answer: editable fields, not the identity's (a nested field's key is its dotted path).</summary>
    public IReadOnlySet<string> EditableKeys => Editables.Select(f => Str(f, "key")).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private IEnumerable<JsonObject> Editables => Fields.Where(f => !(Bool(f, "readonly") || Bool(f, "disabled") || Str(f, "type") == "expression"));

    /// <summary>The start form of the version for the citizen; an empty form when the process has none (nothing of a submission is taken then).</summary>
    public static CitizenStartForm For(TenantEngine t, DeployedDefinition definition, CitizenIdentity citizen)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(citizen);
        var schema = TrustLevelGuard.StartFormKey(definition) is { } key && t.Forms.Find(definition.ProcessId, definition.Version, key) is { } found
            ? found
            : new JsonObject { ["type"] = "default", ["id"] = "Form_Leer", ["components"] = new JsonArray() };
        var attributes = citizen.Attributes().Where(a => a.Name != "pseudonym").ToDictionary(a => a.Name, a => a.Value, StringComparer.OrdinalIgnoreCase);
        var identity = new JsonObject();
        Bind(schema["components"] as JsonArray, attributes, identity, []);
        return new CitizenStartForm(schema, identity);
    }

    private static void Bind(JsonArray? components, Dictionary<string, string> attributes, JsonObject identity, IReadOnlyList<string> prefix)
    {
        foreach (var c in components?.OfType<JsonObject>() ?? [])
        {
            if (Str(c, "type") == "dynamiclist") continue; // entries are the citizen's, never the identity's
            if (Str(c, "key") is { Length: > 0 } key && Str(c["properties"] as JsonObject, IdentityProperty) is { Length: > 0 } attribute
                && attributes.TryGetValue(attribute.Trim(), out var value))
            {
                c["readonly"] = true; // the browser shows it read-only; FormValidator never takes a read-only field from a submission
                c["defaultValue"] = value;
                FormValidator.Write(identity, [.. prefix, key], value);
            }
            var nested = Str(c, "type") == "group" && Str(c, "path") is { Length: > 0 } p ? p.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            Bind(c["components"] as JsonArray, attributes, identity, [.. prefix, .. nested]);
        }
    }

    /// <summary>The answers to show in the form: the defaults, a draft's answers to editable fields, and the identity's values.</summary>
    public JsonObject Prefill(JsonObject? draft)
    {
        var data = new JsonObject();
        foreach (var f in Fields)
            if (f["defaultValue"] is { } d && !FormValidator.TryRead(data, FormValidator.PathOf(f), out _)) FormValidator.Write(data, FormValidator.PathOf(f), d.DeepClone());
        FormValidator.Merge(data, Editable(draft));
        FormValidator.Merge(data, Identity);
        return data;
    }

    /// <summary>Only the editable keys of a submission (extra keys and identity fields are dropped: ignored, never stored).</summary>
    public JsonObject Editable(JsonObject? submitted)
    {
        var only = new JsonObject();
        foreach (var f in Editables)
            if (FormValidator.TryRead(submitted, FormValidator.PathOf(f), out var value)) FormValidator.Write(only, FormValidator.PathOf(f), value?.DeepClone());
        return only;
    }

    /// <summary>
    /// Checks the submission as the clerks' forms are checked (required, types, patterns, options, hidden fields) and
    /// returns the variables to start with: the checked answers and the identity's values. 400 with every field error.
    /// </summary>
    public JsonObject Validate(JsonObject? submitted)
    {
        var (values, errors) = FormValidator.Validate(Schema, Editable(submitted), Identity);
        if (errors.Count > 0)
        {
            var list = errors.Select(e => new { field = e.Field, message = e.Message }).ToList();
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Angaben unvollständig oder ungültig",
                string.Join(" ", errors.Select(e => e.Message)), new Dictionary<string, object?> { ["errors"] = list, ["fields"] = list });
        }
        FormValidator.Merge(values, Identity);
        return values;
    }

    /// <summary>The summary of checked values in the form's order, each answer as the citizen chose it (the option's label, Ja/Nein, 1,5).</summary>
    public IReadOnlyList<SummaryLine> Summary(JsonObject values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lines = new List<SummaryLine>();
        foreach (var f in Fields)
        {
            var path = FormValidator.PathOf(f);
            if (Str(f, "key") is not { } key || !FormValidator.TryRead(values, path, out var value) || value is null) continue;
            if (lines.Any(l => l.Key == key)) continue;
            lines.Add(new SummaryLine(key, Str(f, "label") is { Length: > 0 } l ? l : key, Show(f, value), FormValidator.TryRead(Identity, path, out _)));
        }
        return lines;
    }

    private static string Show(JsonObject f, JsonNode value)
    {
        string Option(JsonNode v) => (f["values"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(o => o["value"] is { } ov && (JsonNode.DeepEquals(ov, v) || ov.ToJsonString().Trim('"') == v.ToJsonString().Trim('"')))?["label"]?.GetValue<string>()
            ?? v.ToJsonString().Trim('"');
        return Str(f, "type") switch
        {
            "checkbox" => value is JsonValue b && b.TryGetValue<bool>(out var yes) && yes ? "Ja" : "Nein",
            "select" or "radio" => Option(value),
            "checklist" or "taglist" when value is JsonArray items => string.Join(", ", items.OfType<JsonNode>().Select(Option)),
            "number" => decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                ? n.ToString(Formatting.GermanNumbers.Format) : value.ToJsonString(),
            "datetime" when value is JsonValue d && d.TryGetValue<string>(out var s) && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            _ => value is JsonValue t && t.TryGetValue<string>(out var text) ? text : value.ToJsonString(),
        };
    }

    private static string? Str(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
