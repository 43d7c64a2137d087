using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Model;

namespace EGov.Workflows.Host.Forms;

/// <summary>
/// The form-js forms deployed with a tenant's process versions: a user task's (or start event's) <c>camunda:formKey</c> names a
/// <c>.form</c> file next to the model (<c>egov:forms/antrag</c>, <c>forms/antrag</c>, <c>camunda-forms:deployment:antrag.form</c>
/// → <c>forms/antrag.form</c> or <c>antrag.form</c> beside the model). Read when the model is deployed from files, kept
/// per (process, version, form key): a deployed version keeps its forms even when the files change later. An API
/// deployment brings its forms as <c>.form</c> files beside the model in the same multipart request. With a durable
/// store the forms are kept in the database too (deployment_forms) and read back when a node starts.
/// </summary>
public sealed class FormCatalog
{
    private readonly ConcurrentDictionary<(string ProcessId, int Version, string FormKey), JsonObject> _forms = new();

    public JsonObject? Find(string processId, int version, string formKey) =>
        _forms.TryGetValue((processId, version, formKey), out var f) ? (JsonObject)f.DeepClone() : null;

    public int Count => _forms.Count;

    public bool Contains(string processId, int version, string formKey) => _forms.ContainsKey((processId, version, formKey));

    /// <summary>Forgets the forms of a deleted version.</summary>
    public void RemoveVersion(string processId, int version)
    {
        foreach (var key in _forms.Keys.Where(k => k.ProcessId == processId && k.Version == version).ToList()) _forms.TryRemove(key, out _);
    }

    /// <summary>Adds (or replaces) the form of a version and form key (a form kept in the database, read back at start).</summary>
    public void Add(DeployedForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        _forms[(form.ProcessId, form.Version, form.FormKey)] = (JsonObject)form.Form.DeepClone();
    }

    /// <summary>
    /// Reads the forms of the user tasks of deployed versions whose model came from a file on disk. A form file that is
    /// there but is no form-js JSON refuses the deployment (positioned at the file); a missing one is left out (the
    /// task then has no form the server knows: kind "none"). Keep them with <see cref="Tenancy.TenantEngine.KeepForms"/>.
    /// </summary>
    public static IReadOnlyList<DeployedForm> ReadBeside(IEnumerable<DeployedDefinition> deployed)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        var added = new List<DeployedForm>();
        foreach (var d in deployed)
        {
            if (!File.Exists(d.File)) continue;
            var dir = Path.GetDirectoryName(Path.GetFullPath(d.File))!;
            foreach (var key in FormKeys(d))
            {
                var file = Resolve(dir, key);
                if (file is null) continue;
                added.Add(new DeployedForm(d.ProcessId, d.Version, key, file, Read(file)));
            }
        }
        return added;
    }

    /// <summary>
    /// The forms of deployed versions from the <c>.form</c> files of the same request (an API deployment), found by the
    /// file name the form key names (<c>egov:forms/antrag</c> → <c>antrag.form</c>).
    /// </summary>
    public static IReadOnlyList<DeployedForm> FromResources(IEnumerable<DeployedDefinition> deployed, IReadOnlyDictionary<string, JsonObject> forms)
    {
        ArgumentNullException.ThrowIfNull(deployed);
        ArgumentNullException.ThrowIfNull(forms);
        var added = new List<DeployedForm>();
        foreach (var d in deployed)
            foreach (var key in FormKeys(d))
                if (FileName(key) is { } name && forms.TryGetValue(name, out var form))
                    added.Add(new DeployedForm(d.ProcessId, d.Version, key, name, form));
        return added;
    }

    /// <summary>The form keys of a version's user tasks and start events (a start form: what a citizen fills in to apply).</summary>
    private static IEnumerable<string> FormKeys(DeployedDefinition d) => d.FormKeys;

    /// <summary>The relative file name a form key names (<c>egov:forms/antrag</c> → <c>forms/antrag.form</c>), or null when it names none.</summary>
    private static string? RelativeName(string formKey)
    {
        var name = formKey.Trim();
        foreach (var prefix in new[] { "camunda-forms:deployment:", "camunda-forms:app:", "egov:", "deployment:" })
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) name = name[prefix.Length..];
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal)) return null;
        return name.EndsWith(".form", StringComparison.OrdinalIgnoreCase) ? name : name + ".form";
    }

    /// <summary>The bare file name a form key names (<c>antrag.form</c>), as a multipart request carries it.</summary>
    public static string? FileName(string formKey) => RelativeName(formKey) is { } name ? Path.GetFileName(name) : null;

    /// <summary>The form file a form key names, next to the model, or null.</summary>
    public static string? Resolve(string modelDirectory, string formKey)
    {
        if (RelativeName(formKey) is not { } name) return null;
        foreach (var candidate in new[] { Path.Combine(modelDirectory, name), Path.Combine(modelDirectory, "forms", Path.GetFileName(name)) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    private static JsonObject Read(string file)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Runtime.DeploymentException($"{file}:1:1: error: cannot read the form: {e.Message}");
        }
        return Parse(text, file);
    }

    /// <summary>A form-js form from its JSON text; refuses anything else with <c>file:line:column: error: …</c>.</summary>
    public static JsonObject Parse(string text, string file)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            if (node is JsonObject o && o["components"] is JsonArray) return o;
            throw new Runtime.DeploymentException($"{file}:1:1: error: not a form-js form (a JSON object with \"components\")");
        }
        catch (JsonException e)
        {
            throw new Runtime.DeploymentException($"{file}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: error: the form is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// A form-js schema generated from a user task's <c>camunda:formData</c> fields (Camunda's generated task forms):
    /// string, long, boolean, date and enum with their labels, defaults and validation constraints; null when there are none.
    /// </summary>
    public static JsonObject? Generated(BpmnElement? userTask)
    {
        var formData = userTask?.Descendants().FirstOrDefault(e => e.Name == Namespaces.Camunda + "formData");
        if (formData is null) return null;
        var components = new JsonArray();
        foreach (var field in formData.Elements(Namespaces.Camunda + "formField"))
        {
            var id = field.Attribute("id");
            if (string.IsNullOrEmpty(id)) continue;
            var c = new JsonObject { ["key"] = id, ["id"] = "Field_" + id, ["label"] = field.Attribute("label") ?? id };
            var validate = new JsonObject();
            switch (field.Attribute("type") ?? "string")
            {
                case "boolean": c["type"] = "checkbox"; break;
                case "long": c["type"] = "number"; c["decimalDigits"] = 0; break;
                case "date": c["type"] = "datetime"; c["subtype"] = "date"; c["dateLabel"] = c["label"]!.DeepClone(); break;
                case "enum":
                    c["type"] = "select";
                    c["values"] = new JsonArray(field.Elements(Namespaces.Camunda + "value")
                        .Select(v => (JsonNode)new JsonObject { ["label"] = v.Attribute("name") ?? v.Attribute("id"), ["value"] = v.Attribute("id") }).ToArray());
                    break;
                default: c["type"] = "textfield"; break;
            }
            if (field.Attribute("defaultValue") is { } dv) c["defaultValue"] = dv;
            foreach (var constraint in field.Descendants().Where(e => e.Name == Namespaces.Camunda + "constraint"))
            {
                var config = constraint.Attribute("config");
                switch (constraint.Attribute("name"))
                {
                    case "required": validate["required"] = true; break;
                    case "readonly": c["readonly"] = true; break;
                    case "minlength" when int.TryParse(config, CultureInfo.InvariantCulture, out var n): validate["minLength"] = n; break;
                    case "maxlength" when int.TryParse(config, CultureInfo.InvariantCulture, out var n): validate["maxLength"] = n; break;
                    case "min" when decimal.TryParse(config, CultureInfo.InvariantCulture, out var n): validate["min"] = n; break;
                    case "max" when decimal.TryParse(config, CultureInfo.InvariantCulture, out var n): validate["max"] = n; break;
                }
            }
            if (validate.Count > 0) c["validate"] = validate;
            components.Add(c);
        }
        if (components.Count == 0) return null;
        return new JsonObject { ["type"] = "default", ["id"] = "Generated_" + userTask!.Id, ["components"] = components, ["schemaVersion"] = 16 };
    }
}

/// <summary>A form-js form of a deployed version, by the form key its user tasks name, with the file it came from.</summary>
public sealed record DeployedForm(string ProcessId, int Version, string FormKey, string File, JsonObject Form);
