using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Catalogue.Overlays;

/// <summary>One file of a service folder (a BPMN or DMN model, a form-js form), by its path for messages.</summary>
public sealed record ServiceFile(string Path, byte[] Bytes);

/// <summary>The merge of an overlay with its shared model: the files to deploy for the tenant, or the problems (positioned in the overlay).</summary>
public sealed record OverlayMerge(IReadOnlyList<ServiceFile> Files, IReadOnlyList<Diagnostic> Problems)
{
    public bool Fits => Problems.All(p => p.Severity != Severity.Error);
}

/// <summary>
/// Merges an overlay into the shared model's files at deploy, in memory (the BPMN is never copied on disk): element names,
/// candidate groups, conditional paths on/off, egov:frist values, input parameters of activities, form labels. Every id, group,
/// path, input and form field the overlay names must exist in the shared model; what does not is a problem at the overlay's
/// line and column ("the overlay no longer fits"), and nothing is merged.
/// </summary>
public static class OverlayMerger
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    private static readonly XNamespace Egov = EGov.Workflows.Model.Namespaces.Egov;
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static OverlayMerge Merge(Overlay overlay, IReadOnlyList<ServiceFile> shared) => Merge(overlay, SharedService.Read(shared));

    /// <summary>
    /// Merges an overlay into a shared service read once (<see cref="SharedService.Read"/>): its parsed models and forms are
    /// copied, never changed, so one read serves every tenant.
    /// </summary>
    public static OverlayMerge Merge(Overlay overlay, SharedService shared)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        ArgumentNullException.ThrowIfNull(shared);
        var bag = new DiagnosticBag(overlay.File, 200);
        foreach (var p in shared.Problems) bag.Error(new(1, 1), p);
        if (shared.Models.Count == 0) bag.Error(new(1, 1), $"the shared service '{overlay.Service}' has no BPMN model");
        if (bag.HasErrors) return new OverlayMerge([], bag.Items);
        var models = shared.Models.Select(m => (m.File, Doc: new XDocument(m.Doc))).ToList();
        var forms = shared.Forms;
        var others = shared.Others;

        var byId = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (_, doc) in models)
            foreach (var e in doc.Descendants().Where(e => e.Name.Namespace == Bpmn && e.Attribute("id") is not null))
                byId.TryAdd(e.Attribute("id")!.Value, e);
        var where = string.Join(", ", models.Select(m => m.File.Path));

        XElement? Element(string section, string id)
        {
            if (byId.TryGetValue(id, out var e)) return e;
            bag.Error(overlay.KeyAt($"/{section}/{Escape(id)}"), $"{section}: the shared model ({where}) has no element '{id}'; the overlay no longer fits the shared model");
            return null;
        }

        foreach (var (id, value) in overlay.Section("texts"))
            if (Element("texts", id) is { } e) e.SetAttributeValue("name", value!.GetValue<string>());

        var groupAttributes = byId.Values.SelectMany(e => new[] { e.Attribute(Camunda + "candidateGroups"), e.Attribute(Camunda + "candidateStarterGroups") }).OfType<XAttribute>().ToList();
        foreach (var (group, value) in overlay.Section("groups"))
        {
            var uses = groupAttributes.Where(a => Split(a.Value).Contains(group)).ToList();
            if (uses.Count == 0)
            {
                bag.Error(overlay.KeyAt($"/groups/{Escape(group)}"), $"groups: no element of the shared model ({where}) names the group '{group}' (camunda:candidateGroups or candidateStarterGroups)");
                continue;
            }
        }
        if (!bag.HasErrors && overlay.Root["groups"] is JsonObject)
            foreach (var a in groupAttributes)
                if (!a.Value.Contains("${", StringComparison.Ordinal)) a.Value = string.Join(",", Split(a.Value).Select(overlay.Group));

        foreach (var (id, value) in overlay.Section("paths"))
        {
            if (Element("paths", id) is not { } flow) continue;
            var condition = flow.Element(Bpmn + "conditionExpression");
            if (flow.Name != Bpmn + "sequenceFlow" || condition is null)
            {
                bag.Error(overlay.KeyAt($"/paths/{Escape(id)}"), $"paths: '{id}' is not a conditional sequence flow of the shared model; only a flow with a condition is an optional path");
                continue;
            }
            var on = value!.GetValue<bool>();
            var feel = condition.Attribute("language")?.Value.Contains("feel", StringComparison.OrdinalIgnoreCase) == true;
            condition.ReplaceNodes(feel ? (on ? "true" : "false") : (on ? "${true}" : "${false}"));
        }

        foreach (var (id, value) in overlay.Section("fristen"))
        {
            if (Element("fristen", id) is not { } e) continue;
            if (e.Attribute(Egov + "frist") is not { } frist)
            {
                bag.Error(overlay.KeyAt($"/fristen/{Escape(id)}"), $"fristen: '{id}' has no egov:frist in the shared model; an overlay sets a Frist only where the shared model has one (where the law leaves room)");
                continue;
            }
            frist.Value = value!.GetValue<string>();
        }

        foreach (var (id, value) in overlay.Section("activities"))
        {
            if (Element("activities", id) is not { } e) continue;
            var inputs = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "inputOutput")?.Elements(Camunda + "inputParameter").ToList() ?? [];
            foreach (var (name, v) in value!.AsObject())
            {
                var input = inputs.Find(i => i.Attribute("name")?.Value == name);
                if (input is null)
                {
                    bag.Error(overlay.KeyAt($"/activities/{Escape(id)}/{Escape(name)}"), $"activities: '{id}' has no input parameter '{name}' in the shared model (camunda:inputParameter){(inputs.Count == 0 ? "" : $"; it has {string.Join(", ", inputs.Select(i => i.Attribute("name")?.Value))}")}");
                    continue;
                }
                input.ReplaceNodes(v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v!.ToJsonString());
            }
        }

        var relabelled = new Dictionary<string, JsonObject>(StringComparer.Ordinal); // copies: the shared forms stay as read
        foreach (var (formName, labels) in overlay.Section("forms"))
        {
            if (!forms.TryGetValue(formName, out var form))
            {
                bag.Error(overlay.KeyAt($"/forms/{Escape(formName)}"), $"forms: the shared service has no form '{formName}.form'{(forms.Count == 0 ? "" : $" (it has {string.Join(", ", forms.Keys.Order(StringComparer.Ordinal))})")}");
                continue;
            }
            var copy = form.Form.DeepClone().AsObject();
            var fields = JsonObjects(copy).Where(o => o["key"] is JsonValue).ToList();
            foreach (var (key, label) in labels!.AsObject())
            {
                var field = fields.Find(o => o["key"] is JsonValue k && k.TryGetValue<string>(out var ks) && ks == key);
                if (field is null)
                {
                    bag.Error(overlay.KeyAt($"/forms/{Escape(formName)}/{Escape(key)}"), $"forms: the form '{formName}' has no field with the key '{key}'");
                    continue;
                }
                field["label"] = label!.GetValue<string>();
                relabelled[formName] = copy;
            }
        }

        if (bag.HasErrors) return new OverlayMerge([], bag.Items);
        var result = new List<ServiceFile>();
        foreach (var (file, doc) in models) result.Add(new ServiceFile(file.Path, Serialize(doc)));
        foreach (var (name, (file, _)) in forms.OrderBy(f => f.Key, StringComparer.Ordinal))
            result.Add(relabelled.TryGetValue(name, out var copy) ? new ServiceFile(file.Path, Encoding.UTF8.GetBytes(copy.ToJsonString())) : file);
        result.AddRange(others);
        return new OverlayMerge(result, bag.Items);
    }

    /// <summary>Every JSON object in a form (components nest in groups and dynamic lists).</summary>
    private static IEnumerable<JsonObject> JsonObjects(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, v) in o) foreach (var x in JsonObjects(v)) yield return x;
        }
        else if (node is JsonArray a)
            foreach (var v in a) foreach (var x in JsonObjects(v)) yield return x;
    }

    private static string Escape(string key) => Yaml.PositionedYamlReader.Escape(key);

    private static string[] Split(string groups) => groups.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    internal static XDocument? Load(ServiceFile f, List<string> problems)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 64L * 1024 * 1024, MaxCharactersFromEntities = 0,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(f.Bytes), settings);
            return XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            problems.Add($"the shared model {f.Path} cannot be read: {e.Message}");
            return null;
        }
    }

    private static byte[] Serialize(XDocument doc)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
            doc.Save(w);
        return ms.ToArray();
    }
}

/// <summary>
/// A shared service's files read once for every tenant's merge: the BPMN models as XML trees, the form-js forms as JSON, the
/// other files (DMN) as they are, and the forms its user tasks and start events name (camunda:formKey). Never changed after reading.
/// </summary>
public sealed class SharedService
{
    private static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";

    private SharedService(IReadOnlyList<ServiceFile> files, IReadOnlyList<(ServiceFile File, XDocument Doc)> models, IReadOnlyDictionary<string, (ServiceFile File, JsonObject Form)> forms,
        IReadOnlyList<ServiceFile> others, IReadOnlyList<string> problems, IReadOnlySet<string> formsNamed, IReadOnlySet<string> processIds)
    {
        Files = files;
        ProcessIds = processIds;
        Models = models;
        Forms = forms;
        Others = others;
        Problems = problems;
        FormsNamed = formsNamed;
    }

    internal IReadOnlyList<(ServiceFile File, XDocument Doc)> Models { get; }
    internal IReadOnlyDictionary<string, (ServiceFile File, JsonObject Form)> Forms { get; }
    internal IReadOnlyList<ServiceFile> Others { get; }
    /// <summary>The files as read.</summary>
    public IReadOnlyList<ServiceFile> Files { get; }
    /// <summary>The ids of the processes its BPMN models hold.</summary>
    public IReadOnlySet<string> ProcessIds { get; }
    /// <summary>Why a file of the shared service cannot be read (then no overlay fits it).</summary>
    public IReadOnlyList<string> Problems { get; }
    /// <summary>The form files (<c>name.form</c>) the user tasks and start events of the models name: those are deployed with a tenant's version.</summary>
    public IReadOnlySet<string> FormsNamed { get; }

    public static SharedService Read(IReadOnlyList<ServiceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<string>();
        var models = new List<(ServiceFile, XDocument)>();
        var forms = new Dictionary<string, (ServiceFile, JsonObject)>(StringComparer.Ordinal);
        var others = new List<ServiceFile>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        var processIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            if (f.Path.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.Path.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase))
            {
                if (OverlayMerger.Load(f, problems) is not { } doc) continue;
                models.Add((f, doc));
                foreach (var p in doc.Root?.Elements(XName.Get("process", "http://www.omg.org/spec/BPMN/20100524/MODEL")) ?? [])
                    if (p.Attribute("id")?.Value is { } id) processIds.Add(id);
                foreach (var e in doc.Descendants().Where(e => e.Name.LocalName is "userTask" or "startEvent"))
                    if (e.Attribute(Camunda + "formKey")?.Value is { } key && FormFile(key) is { } name) named.Add(name);
            }
            else if (f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase))
            {
                try { forms[Path.GetFileNameWithoutExtension(f.Path)] = (f, JsonNode.Parse(f.Bytes)!.AsObject()); }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { problems.Add($"the shared form {f.Path} is not a form-js JSON object: {e.Message}"); }
            }
            else others.Add(f);
        }
        return new SharedService(files.ToList(), models, forms, others, problems, named, processIds);
    }

    /// <summary>The file a form key names (<c>egov:forms/pruefung</c> → <c>pruefung.form</c>), as the host's form catalogue resolves it; null for none.</summary>
    private static string? FormFile(string formKey)
    {
        var name = formKey.Trim();
        foreach (var prefix in new[] { "camunda-forms:deployment:", "camunda-forms:app:", "egov:", "deployment:" })
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) name = name[prefix.Length..];
        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal)) return null;
        return Path.GetFileName(name.EndsWith(".form", StringComparison.OrdinalIgnoreCase) ? name : name + ".form");
    }
}
