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

    /// <summary>The identity fields' values by form key.</summary>
    public JsonObject Identity { get; }

    /// <summary>The form's input fields (inside groups too).</summary>
    public IReadOnlyList<JsonObject> Fields => FormValidator.Fields(Schema);

    /// <summary>The keys a citizen may answer: editable fields, not the identity's.</summary>
    public IReadOnlySet<string> EditableKeys => Fields
        .Where(f => !(Bool(f, "readonly") || Bool(f, "disabled") || Str(f, "type") == "expression"))
        .Select(f => Str(f, "key")).OfType<string>().ToHashSet(StringComparer.Ordinal);

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
        Bind(schema["components"] as JsonArray, attributes, identity);
        return new CitizenStartForm(schema, identity);
    }

    private static void Bind(JsonArray? components, Dictionary<string, string> attributes, JsonObject identity)
    {
        foreach (var c in components?.OfType<JsonObject>() ?? [])
        {
            if (Str(c, "key") is { Length: > 0 } key && Str(c["properties"] as JsonObject, IdentityProperty) is { Length: > 0 } attribute
                && attributes.TryGetValue(attribute.Trim(), out var value))
            {
                c["readonly"] = true; // the browser shows it read-only; FormValidator never takes a read-only field from a submission
                c["defaultValue"] = value;
                identity[key] = value;
            }
            Bind(c["components"] as JsonArray, attributes, identity);
        }
    }

    /// <summary>The answers to show in the form: the defaults, a draft's answers to editable fields, and the identity's values.</summary>
    public JsonObject Prefill(JsonObject? draft)
    {
        var data = new JsonObject();
        var editable = EditableKeys;
        foreach (var f in Fields)
            if (Str(f, "key") is { } key && f["defaultValue"] is { } d && !data.ContainsKey(key)) data[key] = d.DeepClone();
        foreach (var (key, value) in draft ?? [])
            if (editable.Contains(key)) data[key] = value?.DeepClone();
        foreach (var (key, value) in Identity) data[key] = value?.DeepClone();
        return data;
    }

    /// <summary>Only the editable keys of a submission (extra keys and identity fields are dropped: ignored, never stored).</summary>
    public JsonObject Editable(JsonObject? submitted)
    {
        var only = new JsonObject();
        var editable = EditableKeys;
        foreach (var (name, value) in submitted ?? [])
            if (editable.Contains(name)) only[name] = value?.DeepClone();
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
        foreach (var (key, value) in Identity) values[key] = value?.DeepClone();
        return values;
    }

    /// <summary>The summary of checked values in the form's order, each answer as the citizen chose it (the option's label, Ja/Nein, 1,5).</summary>
    public IReadOnlyList<SummaryLine> Summary(JsonObject values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lines = new List<SummaryLine>();
        foreach (var f in Fields)
        {
            if (Str(f, "key") is not { } key || !values.TryGetPropertyValue(key, out var value) || value is null) continue;
            if (lines.Any(l => l.Key == key)) continue;
            lines.Add(new SummaryLine(key, Str(f, "label") is { Length: > 0 } l ? l : key, Show(f, value), Identity.ContainsKey(key)));
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
