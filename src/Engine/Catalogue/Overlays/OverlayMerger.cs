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
        var check = Check(overlay, shared);
        if (!check.Fits) return check;
        var models = shared.Models.Select(m => (m.File, Doc: new XDocument(m.Doc))).ToList();
        ApplyToModels(overlay, models.Select(m => m.Doc));
        var relabelled = Forms(overlay, shared);
        var result = new List<ServiceFile>();
        foreach (var (file, doc) in models) result.Add(new ServiceFile(file.Path, Serialize(doc)));
        foreach (var (name, (file, form)) in shared.Forms.OrderBy(f => f.Key, StringComparer.Ordinal))
            result.Add(relabelled.TryGetValue(name, out var copy) && !ReferenceEquals(copy, form) ? new ServiceFile(file.Path, Encoding.UTF8.GetBytes(copy.ToJsonString())) : file);
        result.AddRange(shared.Others);
        return new OverlayMerge(result, check.Problems);
    }

    /// <summary>
    /// The BPMN part of an overlay (texts, groups, paths, Fristen, activities) applied to the models, in place. What the
    /// overlay names that the models do not hold is skipped: the fit was checked against the whole shared service
    /// (<see cref="Check"/>), whose other files may hold it.
    /// </summary>
    private static void ApplyToModels(Overlay overlay, IEnumerable<XDocument> docs)
    {
        var byId = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var doc in docs)
            foreach (var e in doc.Descendants().Where(e => e.Name.Namespace == Bpmn && e.Attribute("id") is not null))
                byId.TryAdd(e.Attribute("id")!.Value, e);

        foreach (var (id, value) in overlay.Section("texts"))
            if (byId.TryGetValue(id, out var e)) e.SetAttributeValue("name", value!.GetValue<string>());

        if (overlay.Root["groups"] is JsonObject)
            foreach (var a in byId.Values.SelectMany(e => new[] { e.Attribute(Camunda + "candidateGroups"), e.Attribute(Camunda + "candidateStarterGroups") }).OfType<XAttribute>())
                if (!a.Value.Contains("${", StringComparison.Ordinal)) a.Value = string.Join(",", Split(a.Value).Select(overlay.Group));

        foreach (var (id, value) in overlay.Section("paths"))
        {
            if (!byId.TryGetValue(id, out var flow) || flow.Element(Bpmn + "conditionExpression") is not { } condition) continue;
            var on = value!.GetValue<bool>();
            var feel = condition.Attribute("language")?.Value.Contains("feel", StringComparison.OrdinalIgnoreCase) == true;
            condition.ReplaceNodes(feel ? (on ? "true" : "false") : (on ? "${true}" : "${false}"));
        }

        foreach (var (id, value) in overlay.Section("fristen"))
            if (byId.TryGetValue(id, out var e) && e.Attribute(Egov + "frist") is { } frist) frist.Value = value!.GetValue<string>();

        foreach (var (id, value) in overlay.Section("activities"))
        {
            if (!byId.TryGetValue(id, out var e)) continue;
            var inputs = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "inputOutput")?.Elements(Camunda + "inputParameter").ToList() ?? [];
            foreach (var (name, v) in value!.AsObject())
                inputs.Find(i => i.Attribute("name")?.Value == name)?.ReplaceNodes(v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v!.ToJsonString());
        }
    }

    /// <summary>
    /// One model of a shared service with the BPMN part of an overlay applied (texts, groups, paths, Fristen, activities):
    /// how a tenant's version kept as a reference (a durable store's row naming the shared version and the overlay) is made
    /// from the shared version's stored model text. For an overlay that fit the shared service when it was deployed: what
    /// it names in the service's other files is skipped. The forms are not part of it (<see cref="Forms"/>).
    /// </summary>
    /// <exception cref="XmlException">The model text cannot be read (no DTDs, no entities).</exception>
    public static string ApplyToModel(Overlay overlay, string modelXml)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        ArgumentNullException.ThrowIfNull(modelXml);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 64L * 1024 * 1024, MaxCharactersFromEntities = 0,
        };
        XDocument doc;
        using (var reader = XmlReader.Create(new StringReader(modelXml), settings)) doc = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        ApplyToModels(overlay, [doc]);
        return Encoding.UTF8.GetString(Serialize(doc));
    }

    /// <summary>
    /// Whether an overlay fits its shared model — every element, group, path, Frist, input and form field it names exists
    /// there (and a Frist is longer than nothing) — checked against the shared model's index (<see cref="SharedService.Index"/>,
    /// built once per shared model), without merging. The problems stand at the overlay's lines and columns; no files.
    /// </summary>
    public static OverlayMerge Check(Overlay overlay, SharedService shared)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        ArgumentNullException.ThrowIfNull(shared);
        var bag = new DiagnosticBag(overlay.File, 200);
        foreach (var p in shared.Problems) bag.Error(new(1, 1), p);
        if (shared.Models.Count == 0) bag.Error(new(1, 1), $"the shared service '{overlay.Service}' has no BPMN model");
        if (bag.HasErrors) return new OverlayMerge([], bag.Items);
        var index = shared.Index;
        var where = index.Where;

        SharedElement? Element(string section, string id)
        {
            if (index.Elements.TryGetValue(id, out var e)) return e;
            bag.Error(overlay.KeyAt($"/{section}/{Escape(id)}"), $"{section}: the shared model ({where}) has no element '{id}'; the overlay no longer fits the shared model");
            return null;
        }

        foreach (var (id, _) in overlay.Section("texts")) Element("texts", id);

        foreach (var (group, _) in overlay.Section("groups"))
            if (!index.Groups.Contains(group))
                bag.Error(overlay.KeyAt($"/groups/{Escape(group)}"), $"groups: no element of the shared model ({where}) names the group '{group}' (camunda:candidateGroups or candidateStarterGroups)");

        foreach (var (id, _) in overlay.Section("paths"))
        {
            if (Element("paths", id) is not { } flow) continue;
            if (!flow.IsConditionalFlow)
                bag.Error(overlay.KeyAt($"/paths/{Escape(id)}"), $"paths: '{id}' is not a conditional sequence flow of the shared model; only a flow with a condition is an optional path");
        }

        foreach (var (id, value) in overlay.Section("fristen"))
        {
            if (Element("fristen", id) is not { } e) continue;
            if (!e.HasFrist)
            {
                bag.Error(overlay.KeyAt($"/fristen/{Escape(id)}"), $"fristen: '{id}' has no egov:frist in the shared model; an overlay sets a Frist only where the shared model has one (where the law leaves room)");
                continue;
            }
            if (value is JsonValue v && v.TryGetValue<string>(out var text) && !text.Any(c => c is >= '1' and <= '9'))
                bag.Error(overlay.KeyAt($"/fristen/{Escape(id)}"), $"fristen: the Frist '{text}' of '{id}' must be longer than nothing");
        }

        foreach (var (id, value) in overlay.Section("activities"))
        {
            if (Element("activities", id) is not { } e) continue;
            var inputs = e.Inputs;
            foreach (var (name, _) in value!.AsObject())
                if (!inputs.Contains(name, StringComparer.Ordinal))
                    bag.Error(overlay.KeyAt($"/activities/{Escape(id)}/{Escape(name)}"), $"activities: '{id}' has no input parameter '{name}' in the shared model (camunda:inputParameter){(inputs.Count == 0 ? "" : $"; it has {string.Join(", ", inputs)}")}");
        }

        foreach (var (formName, labels) in overlay.Section("forms"))
        {
            if (!index.FormFields.TryGetValue(formName, out var keys))
            {
                bag.Error(overlay.KeyAt($"/forms/{Escape(formName)}"), $"forms: the shared service has no form '{formName}.form'{(index.FormFields.Count == 0 ? "" : $" (it has {string.Join(", ", index.FormFields.Keys.Order(StringComparer.Ordinal))})")}");
                continue;
            }
            foreach (var (key, _) in labels!.AsObject())
                if (!keys.Contains(key))
                    bag.Error(overlay.KeyAt($"/forms/{Escape(formName)}/{Escape(key)}"), $"forms: the form '{formName}' has no field with the key '{key}'");
        }
        return new OverlayMerge([], bag.Items);
    }

    /// <summary>
    /// The shared service's forms by name as the tenant sees them: a relabelled copy where the overlay changes a label, else
    /// the shared form itself (not to be changed). Call it for an overlay that fits (<see cref="Check"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, JsonObject> Forms(Overlay overlay, SharedService shared)
    {
        ArgumentNullException.ThrowIfNull(overlay);
        ArgumentNullException.ThrowIfNull(shared);
        var result = shared.Forms.ToDictionary(f => f.Key, f => f.Value.Form, StringComparer.Ordinal);
        foreach (var (formName, labels) in overlay.Section("forms"))
        {
            if (!shared.Forms.TryGetValue(formName, out var form)) continue;
            var copy = form.Form.DeepClone().AsObject();
            var fields = JsonObjects(copy).Where(o => o["key"] is JsonValue).ToList();
            foreach (var (key, label) in labels!.AsObject())
                if (fields.Find(o => o["key"] is JsonValue k && k.TryGetValue<string>(out var ks) && ks == key) is { } field)
                    field["label"] = label!.GetValue<string>();
            result[formName] = copy;
        }
        return result;
    }

    /// <summary>Every JSON object in a form (components nest in groups and dynamic lists).</summary>
    internal static IEnumerable<JsonObject> JsonObjects(JsonNode? node)
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
    private SharedIndex? _index;

    /// <summary>What an overlay's fit check reads of the models and forms (built once, on first use).</summary>
    public SharedIndex Index => _index ??= SharedIndex.Of(this);

    /// <summary>The files as read.</summary>
    public IReadOnlyList<ServiceFile> Files { get; }
    /// <summary>The executable processes (isExecutable true or not given) of its BPMN models: the file and the process id.</summary>
    public IReadOnlyList<(ServiceFile File, string ProcessId)> ExecutableProcesses =>
        Models.SelectMany(m => (m.Doc.Root?.Elements(XName.Get("process", "http://www.omg.org/spec/BPMN/20100524/MODEL")) ?? [])
            .Where(p => p.Attribute("isExecutable")?.Value is not { } e || (bool.TryParse(e.Trim(), out var on) && on))
            .Select(p => (m.File, p.Attribute("id")?.Value ?? ""))).ToList();

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

/// <summary>
/// What an overlay may name in a shared service, read once per shared model: its BPMN elements by id (with whether each is a
/// conditional sequence flow, has an egov:frist, and its input parameters), the groups its elements name, and the field keys
/// of its forms. <see cref="OverlayMerger.Check"/> checks every tenant's overlay against it without merging.
/// </summary>
public sealed class SharedIndex
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";

    private SharedIndex(IReadOnlyDictionary<string, SharedElement> elements, IReadOnlySet<string> groups, IReadOnlyDictionary<string, IReadOnlySet<string>> formFields, string where)
    {
        Elements = elements;
        Groups = groups;
        FormFields = formFields;
        Where = where;
    }

    /// <summary>The BPMN elements with an id (the first of an id across the models).</summary>
    public IReadOnlyDictionary<string, SharedElement> Elements { get; }
    /// <summary>The groups named in camunda:candidateGroups and camunda:candidateStarterGroups.</summary>
    public IReadOnlySet<string> Groups { get; }
    /// <summary>Form name (file name without .form) → the keys of its fields (any depth).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> FormFields { get; }
    /// <summary>The model files, for messages.</summary>
    public string Where { get; }

    internal static SharedIndex Of(SharedService shared)
    {
        var elements = new Dictionary<string, SharedElement>(StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, doc) in shared.Models)
            foreach (var e in doc.Descendants())
            {
                if (e.Name.Namespace != Bpmn || e.Attribute("id")?.Value is not { } id) continue;
                if (!elements.ContainsKey(id))
                {
                    var inputs = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "inputOutput")?.Elements(Camunda + "inputParameter")
                        .Select(i => i.Attribute("name")?.Value ?? "").ToList() ?? [];
                    elements[id] = new SharedElement(e.Name == Bpmn + "sequenceFlow" && e.Element(Bpmn + "conditionExpression") is not null,
                        e.Attribute(EGov.Workflows.Model.Namespaces.Egov + "frist") is not null, inputs);
                }
                foreach (var a in new[] { e.Attribute(Camunda + "candidateGroups"), e.Attribute(Camunda + "candidateStarterGroups") })
                    if (a is not null)
                        foreach (var g in a.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) groups.Add(g);
            }
        var forms = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var (name, (_, form)) in shared.Forms)
            forms[name] = OverlayMerger.JsonObjects(form).Select(o => o["key"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : null).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new SharedIndex(elements, groups, forms, string.Join(", ", shared.Models.Select(m => m.File.Path)));
    }
}

/// <summary>What the fit check needs of one element of a shared model.</summary>
/// <param name="IsConditionalFlow">A sequence flow with a condition (an optional path).</param>
/// <param name="HasFrist">It has an egov:frist (an overlay may set the tenant's).</param>
/// <param name="Inputs">The names of its camunda:inputParameter.</param>
public sealed record SharedElement(bool IsConditionalFlow, bool HasFrist, IReadOnlyList<string> Inputs);
