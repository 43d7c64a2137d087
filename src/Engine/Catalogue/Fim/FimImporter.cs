using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Catalogue.Fim;

/// <summary>A FIM file could not be read: the message is positioned (<c>file:line:column: error: …</c>).</summary>
public sealed class FimFormatException(string message) : Exception(message);

/// <summary>What an import wrote, and what could not be made executable.</summary>
public sealed record FimImportResult(string Directory, string ProcessId, IReadOnlyList<string> Written, IReadOnlyList<string> Report);

/// <summary>
/// <c>egov import fim</c>: reads XProzess 2 files (the embedded BPMN model in its base64 ZIP, the Leistung's LeiKa key, roles,
/// Handlungsgrundlagen), BPMN files, XDatenfelder 2 and 3 Datenschemata and genericode code lists, and writes a service
/// folder: an executable skeleton (lanes or pools → candidate groups, activities → user tasks with a form, a start form),
/// service.yaml, form-js forms from the Datenfelder (types, required, lengths, patterns, code lists as options, groups) and
/// IMPORT.md, the report of what could not be made executable. Hostile input: no DTDs (no XXE, no entity expansion), bounded
/// size and depth, ZIP entries bounded in number, size and compression ratio; every refusal is positioned.
/// </summary>
public static class FimImporter
{
    public const long MaxFileBytes = 64L * 1024 * 1024;
    public const long MaxZipBytes = 32L * 1024 * 1024;
    public const int MaxZipEntries = 64;
    public const int MaxZipRatio = 200;

    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    private static readonly XNamespace Gc = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/";


    public static FimImportResult Import(IReadOnlyList<string> files, string outDir)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new FimFormatException("name at least one FIM file");
        var report = new List<string>();
        XDocument? bpmn = null; string? bpmnFrom = null;
        XElement? prozess = null;
        var schemas = new List<(string File, XElement Root)>();
        var codeLists = new Dictionary<string, List<(string Code, string Name)>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var doc = Load(File.Exists(file) ? ReadBounded(file) : throw new FimFormatException($"{file}:1:1: error: no such file"), file);
            var root = doc.Root!;
            var ns = root.Name.NamespaceName;
            if (ns.Contains("xprozess", StringComparison.OrdinalIgnoreCase))
            {
                prozess = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "prozess")
                    ?? throw new FimFormatException($"{file}:{Pos(root)}: error: an XProzess file without <prozess>");
                var inhalt = prozess.Descendants().FirstOrDefault(e => e.Name.LocalName == "prozessmodelldatei")?.Elements().FirstOrDefault(e => e.Name.LocalName == "inhalt");
                if (inhalt is null) report.Add($"{file}: the XProzess holds no process model (prozessmodelldatei): the skeleton is a start form and one task");
                else { bpmn = Load(Unzip(inhalt, file), file + "#prozessmodelldatei"); bpmnFrom = file; }
            }
            else if (ns.Contains("xdatenfelder", StringComparison.OrdinalIgnoreCase))
            {
                if (ns.EndsWith("xdatenfelder_1", StringComparison.Ordinal))
                    throw new FimFormatException($"{file}:{Pos(root)}: error: XDatenfelder 1 is not read; export the Datenschema as XDatenfelder 2 or 3");
                schemas.Add((file, root));
            }
            else if (root.Name.Namespace == Gc)
            {
                var uri = root.Descendants(Gc + "CanonicalUri").FirstOrDefault()?.Value.Trim() ?? "";
                var rows = root.Descendants(Gc + "Row").Select(r =>
                {
                    var values = r.Elements(Gc + "Value").ToList();
                    string V(string col, int i) => values.FirstOrDefault(v => (string?)v.Attribute("ColumnRef") == col)?.Value.Trim() ?? (values.Count > i ? values[i].Value.Trim() : "");
                    return (V("code", 0), V("name", 1));
                }).Where(r => r.Item1.Length > 0).ToList();
                codeLists[uri] = rows;
            }
            else if (root.Name == Bpmn + "definitions") { bpmn = doc; bpmnFrom = file; }
            else throw new FimFormatException($"{file}:{Pos(root)}: error: not an XProzess 2, XDatenfelder 2/3, genericode or BPMN 2.0 file (root <{root.Name.LocalName}> in '{ns}')");
        }
        if (bpmn is null && prozess is null && schemas.Count == 0)
            throw new FimFormatException($"{files[0]}:1:1: error: a code list alone makes no service; give it with the XDatenfelder Datenschema that uses it");

        var name = Text(prozess, "name") ?? schemas.Select(s => Text(Schema(s.Root), "name")).FirstOrDefault(n => n is not null) ?? "FIM-Leistung";
        var processId = "Process_" + Slug(name, '_', 48);
        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(Path.Combine(outDir, "forms"));
        var written = new List<string>();

        // Forms: the start form from the Datenschema (all schemas in one), the clerks' form per task.
        string? startForm = null;
        if (schemas.Count > 0)
        {
            var components = new JsonArray();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var ids = new Dictionary<string, FimComponent>(StringComparer.Ordinal);
            var elements = new Dictionary<XElement, FimComponent>();
            var rules = new JsonArray();
            foreach (var (file, root) in schemas)
            {
                var schema = Schema(root);
                components.Add(new JsonObject { ["type"] = "text", ["text"] = $"## {Text(schema, "bezeichnungEingabe") ?? Text(schema, "name") ?? "Antrag"}" });
                foreach (var c in Structure(schema, file, codeLists, keys, ids, elements, false, report, 0)) components.Add(c);
            }
            // Regeln: mapped where their wording is one FIM uses for presence rules (a condition shown/hidden, a field
            // required under a condition, at least one of several fields); the others are listed.
            var seen = new HashSet<(string, XElement?)>();
            foreach (var (file, root) in schemas)
                foreach (var rule in Schema(root).Descendants().Where(e => e.Name.LocalName == "regel"))
                {
                    var ruleId = rule.Descendants().FirstOrDefault(e => e.Name.LocalName == "id")?.Value.Trim() ?? "?";
                    var definition = Text(rule, "definition") ?? Text(rule, "freitextRegel");
                    if (!seen.Add((ruleId + "\n" + definition, rule.Ancestors().FirstOrDefault(a => a.Name.LocalName is "datenfeldgruppe" or "stammdatenschema")))) continue; // the same rule twice in one group
                    var mapped = FimRules.Map(ruleId, Text(rule, "name"), definition, Scoped(rule, ids, elements));
                    if (mapped.Check is { } check) rules.Add(check);
                    report.Add(mapped.Note is null
                        ? $"{file}:{Pos(rule)}: rule {Text(rule, "name") ?? "?"} ({ruleId}) not mapped: check it in the task (\"{Trunc(definition, 160)}\")"
                        : $"{file}:{Pos(rule)}: rule {Text(rule, "name") ?? "?"} ({ruleId}) mapped: {mapped.Note}");
                }
            startForm = "antrag";
            var form = Form("Form_Antrag", components);
            if (rules.Count > 0) form["egov:rules"] = rules; // checked by the server (FormValidator); form-js ignores it
            written.Add(WriteJson(outDir, "forms/antrag.form", form));
        }
        written.Add(WriteJson(outDir, "forms/bearbeitung.form", Form("Form_Bearbeitung", new JsonArray
        {
            new JsonObject { ["type"] = "text", ["text"] = "## Vorgang bearbeiten\n\nAus FIM importiert: die Angaben des Antrags stehen im Vorgang." },
            new JsonObject { ["type"] = "textarea", ["key"] = "bemerkung", ["label"] = "Bemerkung" },
        })));

        // The skeleton.
        var groups = new List<string>();
        var definitions = Skeleton(bpmn, bpmnFrom, processId, name, startForm, prozess, groups, report);
        var bpmnFile = Slug(name, '-', 48) + ".bpmn";
        File.WriteAllText(Path.Combine(outDir, bpmnFile), definitions.ToString(SaveOptions.None), new UTF8Encoding(false));
        written.Add(bpmnFile);

        written.Add(WriteText(outDir, "service.yaml", ServiceYaml(prozess, name, processId, groups, report)));
        var md = new StringBuilder($"# FIM-Import: {name}\n\nImportiert aus: {string.Join(", ", files.Select(Path.GetFileName))}\n\n");
        md.Append(report.Count == 0 ? "Alles wurde ausführbar übernommen.\n" : "Was nicht (oder nur als Platzhalter) ausführbar übernommen wurde:\n\n" + string.Concat(report.Select(r => $"- {r}\n")));
        written.Add(WriteText(outDir, "IMPORT.md", md.ToString()));
        return new FimImportResult(outDir, processId, written, report);
    }

    // ---------- BPMN skeleton ----------

    private static readonly string[] Activities = ["task", "userTask", "manualTask", "serviceTask", "sendTask", "receiveTask", "scriptTask", "businessRuleTask", "subProcess", "callActivity", "adHocSubProcess", "transaction"];
    private static readonly string[] Gateways = ["exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"];

    private static XDocument Skeleton(XDocument? source, string? from, string processId, string name, string? startForm, XElement? prozess, List<string> groups, List<string> report)
    {
        var process = new XElement(Bpmn + "process", new XAttribute("id", processId), new XAttribute("name", name), new XAttribute("isExecutable", "true"));
        var defs = new XElement(Bpmn + "definitions",
            new XAttribute(XNamespace.Xmlns + "bpmn", Bpmn), new XAttribute(XNamespace.Xmlns + "bpmndi", BpmnDi),
            new XAttribute(XNamespace.Xmlns + "dc", "http://www.omg.org/spec/DD/20100524/DC"), new XAttribute(XNamespace.Xmlns + "di", "http://www.omg.org/spec/DD/20100524/DI"),
            new XAttribute(XNamespace.Xmlns + "camunda", Camunda), new XAttribute("id", "Definitions_" + processId),
            new XAttribute("targetNamespace", "https://egov-workflows.example/fim"), process);
        var defaultGroup = Slug(prozess?.Descendants().FirstOrDefault(e => e.Name.LocalName == "prozessteilnehmer" && e.Descendants().Any(c => c.Name.LocalName == "code" && c.Value.Trim() == "2")) is { } t ? Text(t, "name") ?? "sachbearbeitung" : "sachbearbeitung", '-', 40);
        var src = source?.Root?.Elements(Bpmn + "process").OrderByDescending(p => p.Elements().Count()).FirstOrDefault();
        if (src is null)
        {
            groups.Add(defaultGroup);
            process.Add(StartEvent("Start", "Antrag eingegangen", startForm),
                Flow("Flow_1", "Start", "Task_Bearbeiten"),
                UserTask("Task_Bearbeiten", "Antrag bearbeiten", defaultGroup), Flow("Flow_2", "Task_Bearbeiten", "Ende"), new XElement(Bpmn + "endEvent", new XAttribute("id", "Ende"), new XAttribute("name", "Beschieden")));
            return new XDocument(new XDeclaration("1.0", "UTF-8", null), defs);
        }
        // Lanes → groups; without lanes, the pool's participant.
        var participant = source!.Root!.Descendants(Bpmn + "participant").FirstOrDefault(p => (string?)p.Attribute("processRef") == (string?)src.Attribute("id"));
        var poolGroup = Slug((string?)participant?.Attribute("name") ?? defaultGroup, '-', 40);
        var laneOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var lane in src.Descendants(Bpmn + "lane"))
            foreach (var r in lane.Elements(Bpmn + "flowNodeRef")) laneOf[r.Value.Trim()] = Slug((string?)lane.Attribute("name") ?? poolGroup, '-', 40);
        if (laneOf.Count == 0) report.Add($"{from}: no lanes; every task goes to the group '{poolGroup}' (the pool '{participant?.Attribute("name")?.Value}')");
        var others = source.Root.Descendants(Bpmn + "participant").Where(p => p != participant).Select(p => (string?)p.Attribute("name")).OfType<string>().ToList();
        if (others.Count > 0) report.Add($"{from}: the other pools ({string.Join(", ", others)}) are outside parties; their message flows are not executable (a wait is a receive task, triggered through the API)");

        var nodes = new Dictionary<string, XElement>(StringComparer.Ordinal);
        var starts = new List<string>();
        var boundaries = new List<XElement>();
        foreach (var e in src.Elements())
        {
            var id = (string?)e.Attribute("id");
            var label = (string?)e.Attribute("name");
            var kind = e.Name.LocalName;
            if (id is null || e.Name.Namespace != Bpmn) continue;
            XElement? n = null;
            if (kind == "startEvent")
            {
                if (starts.Count == 0) n = StartEvent(id, label, startForm);
                else report.Add($"{from}: start event '{label ?? id}' ({id}) left out: the skeleton starts at one none start event");
                if (e.Elements().Any(x => x.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal))) report.Add($"{from}: start event '{label ?? id}' ({id}) starts as a none start event (its trigger is not executable here)");
                if (n is not null) starts.Add(id);
            }
            else if (kind == "endEvent") n = Named(new XElement(Bpmn + "endEvent", new XAttribute("id", id)), label);
            else if (Activities.Contains(kind))
            {
                var group = laneOf.GetValueOrDefault(id, poolGroup);
                if (!groups.Contains(group)) groups.Add(group);
                n = UserTask(id, label ?? id, group);
                if (kind is "subProcess" or "callActivity" && e.Elements().Any(x => x.Name.Namespace == Bpmn && x.Name.LocalName != "incoming" && x.Name.LocalName != "outgoing" && x.Name.LocalName != "extensionElements"))
                    report.Add($"{from}: '{label ?? id}' ({kind}, {id}) is one user task; its inner steps are not modelled");
                else if (kind is not ("task" or "userTask" or "manualTask" or "subProcess"))
                    report.Add($"{from}: '{label ?? id}' ({kind}, {id}) became a user task: connect a service or worker where it should run by itself");
            }
            else if (Gateways.Contains(kind))
            {
                n = new XElement(Bpmn + (kind == "parallelGateway" ? "parallelGateway" : "exclusiveGateway"), new XAttribute("id", id));
                Named(n, label);
                if (kind is not ("parallelGateway" or "exclusiveGateway")) report.Add($"{from}: {kind} '{label ?? id}' ({id}) became an exclusive gateway");
            }
            else if (kind is "intermediateCatchEvent")
            {
                if (e.Element(Bpmn + "timerEventDefinition") is not null)
                {
                    n = Named(new XElement(Bpmn + "intermediateCatchEvent", new XAttribute("id", id), new XElement(Bpmn + "timerEventDefinition", new XElement(Bpmn + "timeDuration", "P14D"))), label);
                    report.Add($"{from}: timer '{label ?? id}' ({id}) waits P14D (a placeholder: set its duration or an egov:frist)");
                }
                else
                {
                    n = Named(new XElement(Bpmn + "receiveTask", new XAttribute("id", id)), label ?? "Warten");
                    report.Add($"{from}: catch event '{label ?? id}' ({id}) became a receive task (triggered through the API)");
                }
            }
            else if (kind is "intermediateThrowEvent") n = Named(new XElement(Bpmn + "intermediateThrowEvent", new XAttribute("id", id)), label);
            else if (kind is "boundaryEvent") boundaries.Add(e);
            else if (kind is not ("sequenceFlow" or "laneSet" or "extensionElements" or "documentation" or "dataObject" or "dataObjectReference" or "dataStoreReference" or "textAnnotation" or "association"))
                report.Add($"{from}: {kind} '{label ?? id}' ({id}) left out");
            if (n is not null) nodes[id] = n;
        }
        foreach (var e in boundaries) Boundary(e, from, nodes, process, report);
        var flows = src.Elements(Bpmn + "sequenceFlow")
            .Select(f => (Id: (string)f.Attribute("id")!, Source: (string?)f.Attribute("sourceRef") ?? "", Target: (string?)f.Attribute("targetRef") ?? "", Name: (string?)f.Attribute("name")))
            .Where(f => f.Id is not null && nodes.ContainsKey(f.Source) && nodes.ContainsKey(f.Target)).ToList();
        // Nodes that nothing reaches would start with the case: leave them out (again and again, as their flows go).
        if (starts.Count == 0)
        {
            var first = nodes.Keys.FirstOrDefault(id => flows.All(f => f.Target != id)) ?? nodes.Keys.FirstOrDefault();
            nodes["Start"] = StartEvent("Start", "Antrag eingegangen", startForm);
            starts.Add("Start");
            if (first is not null) flows.Add(("Flow_Start", "Start", first, null));
            report.Add($"{from}: the model has no start event: one was added");
        }
        for (var changed = true; changed;)
        {
            changed = false;
            // A boundary event is reached through the task it is attached to (while that task is kept).
            foreach (var id in nodes.Keys.Where(id => !starts.Contains(id) && flows.All(f => f.Target != id)
                         && !(nodes[id].Name == Bpmn + "boundaryEvent" && nodes.ContainsKey((string?)nodes[id].Attribute("attachedToRef") ?? ""))).ToList())
            {
                report.Add($"{from}: '{nodes[id].Attribute("name")?.Value ?? id}' ({id}) is not reached from the start (after what was left out): left out");
                nodes.Remove(id);
                flows.RemoveAll(f => f.Source == id);
                changed = true;
            }
        }
        foreach (var n in nodes.Values) process.Add(n);
        foreach (var f in flows)
        {
            var flow = Flow(f.Id, f.Source, f.Target);
            if (f.Name is { Length: > 0 }) flow.SetAttributeValue("name", f.Name);
            process.Add(flow);
        }
        foreach (var gw in nodes.Values.Where(n => n.Name.LocalName == "exclusiveGateway"))
        {
            var gid = (string)gw.Attribute("id")!;
            var outgoing = flows.Where(f => f.Source == gid).ToList();
            if (outgoing.Count < 2) continue;
            gw.SetAttributeValue("default", outgoing[0].Id);
            var variable = "weg_" + Slug(gid, '_', 40);
            foreach (var f in outgoing.Skip(1))
                process.Elements(Bpmn + "sequenceFlow").First(x => (string?)x.Attribute("id") == f.Id)
                    .Add(new XElement(Bpmn + "conditionExpression", new XAttribute(XName.Get("type", "http://www.w3.org/2001/XMLSchema-instance"), "bpmn:tFormalExpression"), $"${{{variable} == \"{f.Id}\"}}"));
            report.Add($"{from}: gateway '{gw.Attribute("name")?.Value ?? gid}' ({gid}): the first path ({outgoing[0].Name ?? outgoing[0].Id}) is the default; the others are taken when the variable {variable} names their flow id ({string.Join(", ", outgoing.Skip(1).Select(o => o.Id))})");
        }
        if (groups.Count == 0) groups.Add(poolGroup);
        // The diagram of what was kept.
        var plane = new XElement(BpmnDi + "BPMNPlane", new XAttribute("id", "Plane_" + processId), new XAttribute("bpmnElement", processId));
        var kept = nodes.Keys.Concat(flows.Select(f => f.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var shape in source.Root.Descendants().Where(e => e.Name.Namespace == BpmnDi && e.Name.LocalName is "BPMNShape" or "BPMNEdge"))
            if (kept.Contains((string?)shape.Attribute("bpmnElement") ?? "")) plane.Add(new XElement(shape));
        if (plane.HasElements) defs.Add(new XElement(BpmnDi + "BPMNDiagram", new XAttribute("id", "Diagram_" + processId), plane));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), defs);
    }

    /// <summary>
    /// A boundary event of the FIM model, kept on the user task it is attached to with the path after it: a timer waits
    /// <c>P14D</c> (a placeholder, reported), every other kind catches a message of its own (correlated through the API) —
    /// a Frist missed, a document not sent, an objection. Compensation and events on left-out elements are left out.
    /// </summary>
    private static void Boundary(XElement e, string? from, Dictionary<string, XElement> nodes, XElement process, List<string> report)
    {
        var id = (string?)e.Attribute("id") ?? "";
        var label = (string?)e.Attribute("name");
        var on = (string?)e.Attribute("attachedToRef") ?? "";
        var definition = e.Elements().FirstOrDefault(x => x.Name.Namespace == Bpmn && x.Name.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal))?.Name.LocalName;
        if (!nodes.TryGetValue(on, out var task) || task.Name != Bpmn + "userTask" || definition == "compensateEventDefinition")
        {
            report.Add($"{from}: boundary event '{label ?? id}' ({id}) on '{on}' left out (and the path after it): {(definition == "compensateEventDefinition" ? "compensation is not modelled in the skeleton" : "the element it is attached to was left out")}");
            return;
        }
        var b = Named(new XElement(Bpmn + "boundaryEvent", new XAttribute("id", id), new XAttribute("attachedToRef", on)), label);
        if ((string?)e.Attribute("cancelActivity") == "false") b.SetAttributeValue("cancelActivity", "false");
        if (definition == "timerEventDefinition")
        {
            b.Add(new XElement(Bpmn + "timerEventDefinition", new XElement(Bpmn + "timeDuration", "P14D")));
            report.Add($"{from}: boundary timer '{label ?? id}' ({id}) on '{task.Attribute("name")?.Value}' fires after P14D (a placeholder: set its duration or an egov:frist)");
        }
        else
        {
            var messageId = "Message_" + Slug(id, '_', 60);
            var name = "fim-" + Slug(label ?? id, '-', 50);
            process.AddBeforeSelf(new XElement(Bpmn + "message", new XAttribute("id", messageId), new XAttribute("name", name)));
            b.Add(new XElement(Bpmn + "messageEventDefinition", new XAttribute("messageRef", messageId)));
            report.Add($"{from}: boundary event '{label ?? id}' ({id}{(definition is null ? "" : ", " + definition)}) on '{task.Attribute("name")?.Value}' catches the message '{name}' (correlated through the API)");
        }
        nodes[id] = b;
    }

    private static XElement StartEvent(string id, string? name, string? form)
    {
        var e = Named(new XElement(Bpmn + "startEvent", new XAttribute("id", id)), name);
        if (form is not null) e.SetAttributeValue(Camunda + "formKey", $"egov:forms/{form}");
        return e;
    }

    private static XElement UserTask(string id, string name, string group) =>
        new(Bpmn + "userTask", new XAttribute("id", id), new XAttribute("name", name), new XAttribute(Camunda + "candidateGroups", group),
            new XAttribute(Camunda + "formKey", "egov:forms/bearbeitung"));

    private static XElement Flow(string id, string source, string target) =>
        new(Bpmn + "sequenceFlow", new XAttribute("id", id), new XAttribute("sourceRef", source), new XAttribute("targetRef", target));

    private static XElement Named(XElement e, string? name)
    {
        if (!string.IsNullOrWhiteSpace(name)) e.SetAttributeValue("name", name.Trim());
        return e;
    }

    // ---------- Datenfelder → form-js ----------

    private static XElement Schema(XElement root) =>
        root.Elements().FirstOrDefault(e => e.Name.LocalName is "stammdatenschema" or "datenfeldgruppe" or "datenfeld") ?? root;

    /// <summary>The form component made of a FIM Datenfeld or Datenfeldgruppe (by its FIM id), for the rules that name it.</summary>
    /// <remarks>Ambiguous: the Datenschema holds the id more than once (a Baustein used twice), so a rule naming it names no one component.</remarks>
    internal sealed record FimComponent(JsonObject Component, bool IsGroup, bool InList, bool Ambiguous = false);

    /// <summary>
    /// The components a rule's ids name: those inside the group (or schema) the rule belongs to first — a Baustein used twice
    /// (Telefon in two Kommunikation groups) is one component in each — then the whole Datenschema's.
    /// </summary>
    private static Dictionary<string, FimComponent> Scoped(XElement rule, Dictionary<string, FimComponent> ids, Dictionary<XElement, FimComponent> elements)
    {
        var scoped = new Dictionary<string, FimComponent>(ids, StringComparer.Ordinal);
        var inScope = new Dictionary<string, FimComponent>(StringComparer.Ordinal);
        if ((rule.Ancestors().FirstOrDefault(a => a.Name.LocalName is "datenfeldgruppe" or "stammdatenschema") ?? rule.Parent) is { } scope)
            foreach (var e in scope.DescendantsAndSelf())
                if (elements.TryGetValue(e, out var c) && e.Elements().FirstOrDefault(x => x.Name.LocalName == "identifikation")?.Elements().FirstOrDefault(x => x.Name.LocalName == "id")?.Value.Trim() is { } id)
                    Remember(inScope, id, c);
        foreach (var (id, c) in inScope) scoped[id] = c;
        return scoped;
    }

    private static void Remember(Dictionary<string, FimComponent> ids, string? fimId, FimComponent c)
    {
        if (fimId is null) return;
        if (!ids.TryAdd(fimId, c)) ids[fimId] = ids[fimId] with { Ambiguous = true };
    }

    private static IEnumerable<JsonObject> Structure(XElement node, string file, Dictionary<string, List<(string, string)>> codeLists, HashSet<string> keys,
        Dictionary<string, FimComponent> ids, Dictionary<XElement, FimComponent> elements, bool inList, List<string> report, int depth)
    {
        if (depth > 16) { report.Add($"{file}:{Pos(node)}: groups nested deeper than 16 left out"); yield break; }
        foreach (var s in node.Elements().Where(e => e.Name.LocalName == "struktur"))
        {
            var anzahl = (Text(s, "anzahl") ?? "0:1").Split(':');
            var min = Int(anzahl[0].Trim()) ?? 0;
            var max = anzahl.Length > 1 ? anzahl[1].Trim() : "1";
            var repeated = max is not ("1" or "");
            foreach (var child in s.Elements().Where(e => e.Name.LocalName == "enthaelt").SelectMany(e => e.Elements()))
            {
                var label = Text(child, "bezeichnungEingabe") ?? Text(child, "name") ?? "Feld";
                var fimId = child.Elements().FirstOrDefault(e => e.Name.LocalName == "identifikation")?.Elements().FirstOrDefault(e => e.Name.LocalName == "id")?.Value.Trim();
                JsonObject? made;
                if (child.Name.LocalName == "datenfeldgruppe")
                {
                    var inner = new JsonArray();
                    foreach (var c in Structure(child, file, codeLists, keys, ids, elements, inList || repeated, report, depth + 1)) inner.Add(c);
                    made = repeated ? List(Key(Text(child, "name") ?? label, keys), label, inner, min, max)
                        : new JsonObject { ["type"] = "group", ["label"] = label, ["components"] = inner };
                    Remember(ids, fimId, elements[child] = new FimComponent(made, true, inList));
                }
                else if (child.Name.LocalName == "datenfeld" && Field(child, label, min > 0, file, codeLists, keys, report) is { } f)
                {
                    // A repeated field: a list whose entries hold the one field (each entry filled).
                    made = repeated && f["key"] is not null ? List(Key((string)f["key"]! + " liste", keys), label, [f], min, max) : f;
                    if (made != f && f["validate"] is not JsonObject) f["validate"] = new JsonObject { ["required"] = true };
                    else if (made != f) f["validate"]!["required"] = true;
                    Remember(ids, fimId, elements[child] = new FimComponent(f, false, inList || made != f));
                }
                else continue;
                yield return made;
            }
        }
    }

    /// <summary>
    /// A repeatable Datenfeld or Datenfeldgruppe (Anzahl <c>0:n</c>, <c>1:5</c>): a form-js dynamic list (entries added and
    /// removed by the person filling it) whose value is a list of entries; the server checks each entry and the Anzahl
    /// (<c>validate.minItems</c>/<c>maxItems</c>, read by FormValidator; form-js ignores them).
    /// </summary>
    private static JsonObject List(string path, string label, JsonArray components, int min, string max)
    {
        var validate = new JsonObject();
        if (min > 0) validate["minItems"] = min;
        if (Int(max) is { } m) validate["maxItems"] = m;
        var list = new JsonObject
        {
            ["type"] = "dynamiclist", ["label"] = label, ["path"] = path, ["isRepeating"] = true, ["allowAddRemove"] = true,
            ["defaultRepetitions"] = Math.Max(1, min), ["components"] = components,
        };
        if (validate.Count > 0) list["validate"] = validate;
        return list;
    }

    private static JsonObject? Field(XElement f, string label, bool required, string file, Dictionary<string, List<(string, string)>> codeLists, HashSet<string> keys, List<string> report)
    {
        var feldart = Code(f, "feldart") ?? "input";
        var datentyp = Code(f, "datentyp") ?? "text";
        var help = Text(f, "hilfetextEingabe");
        if (feldart == "label") return new JsonObject { ["type"] = "text", ["text"] = Text(f, "inhalt") ?? label };
        var key = Key(Text(f, "name") ?? label, keys);
        var c = new JsonObject { ["key"] = key, ["label"] = label };
        if (help is not null) c["description"] = Trunc(help, 300);
        var validate = new JsonObject();
        if (required) validate["required"] = true;
        var (minLength, maxLength, pattern, minValue, maxValue) = Praezisierung(f);
        if (feldart == "select")
        {
            var uri = f.Descendants().FirstOrDefault(e => e.Name.LocalName is "canonicalIdentification" or "canonicalUri")?.Value.Trim();
            if (uri is not null && codeLists.TryGetValue(uri, out var rows) && rows.Count > 0)
            {
                c["type"] = "select";
                c["values"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject { ["label"] = r.Item2.Length > 0 ? r.Item2 : r.Item1, ["value"] = r.Item1 }).ToArray());
            }
            else
            {
                c["type"] = "textfield";
                report.Add($"{file}:{Pos(f)}: '{label}' is a selection from the code list {uri ?? "(none named)"}, which was not given: a text field until the list is imported (give its genericode file)");
            }
        }
        else
        {
            switch (datentyp)
            {
                case "date": c["type"] = "datetime"; c["subtype"] = "date"; c["dateLabel"] = label; c.Remove("label"); break;
                case "bool": c["type"] = "checkbox"; break;
                case "num" or "num_int" or "num_currency":
                    c["type"] = "number";
                    if (datentyp == "num_int") c["decimalDigits"] = 0;
                    if (datentyp == "num_currency") c["decimalDigits"] = 2;
                    break;
                case "file":
                    c["type"] = "filepicker";
                    c["multiple"] = false;
                    report.Add($"{file}:{Pos(f)}: '{label}' is a file upload: a form-js filepicker (the server takes its value as the browser sends it; the document itself goes to the case file)");
                    break;
                case "obj": report.Add($"{file}:{Pos(f)}: '{label}' (a binary object) left out of the form"); keys.Remove(key); return null;
                default: c["type"] = "textfield"; break;
            }
        }
        if ((string?)c["type"] is "textfield")
        {
            if (minLength is { } mi && mi > 0) validate["minLength"] = mi;
            if (maxLength is { } ma) validate["maxLength"] = ma;
            if (pattern is { Length: > 0 }) validate["pattern"] = pattern;
        }
        if ((string?)c["type"] is "number")
        {
            if (minValue is { } mv) validate["min"] = mv;
            if (maxValue is { } xv) validate["max"] = xv;
        }
        // A required yes/no (bool, Anzahl 1:1) is answered by a checkbox either way; form-js's required would force a tick.
        if ((string?)c["type"] is "checkbox") validate.Remove("required");
        if (validate.Count > 0) c["validate"] = validate;
        return c;
    }

    private static (int?, int?, string?, decimal?, decimal?) Praezisierung(XElement f)
    {
        var p = f.Elements().FirstOrDefault(e => e.Name.LocalName == "praezisierung");
        if (p is null) return (null, null, null, null, null);
        string? A(string n) => (string?)p.Attribute(n);
        if (p.HasAttributes) return (Int(A("minLength")), Int(A("maxLength")), A("pattern"), Dec(A("minValue")), Dec(A("maxValue")));
        var text = p.Value.Trim();
        if (!text.StartsWith('{')) return (null, null, null, null, null);
        try
        {
            var o = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) as JsonObject;
            string? J(string n) => o?[n] is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
            return (Int(J("minLength")), Int(J("maxLength")), J("pattern"), Dec(J("minValue")), Dec(J("maxValue")));
        }
        catch (JsonException) { return (null, null, null, null, null); }
    }

    private static int? Int(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
    private static decimal? Dec(string? s) => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static JsonObject Form(string id, JsonArray components) => new()
    {
        ["type"] = "default", ["id"] = id, ["schemaVersion"] = 16,
        ["exporter"] = new JsonObject { ["name"] = "EGov.Workflows FIM-Import", ["version"] = "1.0" }, ["components"] = components,
    };

    // ---------- service.yaml ----------

    private static string ServiceYaml(XElement? prozess, string name, string processId, List<string> groups, List<string> report)
    {
        var id = Text(prozess, "id");
        var sb = new StringBuilder("# yaml-language-server: $schema=../../docs/service.schema.json\n# Written by ./egov import fim: check every field (docs/service-catalogue.md).\n");
        if (id is not null && Regex.IsMatch(id, "^99[0-9]{12}$")) sb.Append($"leika: \"{id}\"\n");
        else { sb.Append("internal: true                       # no LeiKa key in the FIM data: set leika and remove this line\n"); report.Add("service.yaml: no LeiKa key in the FIM data (internal: true until one is set)"); }
        sb.Append($"name:\n  de: {Q(name)}\nprocess: {processId}\nlegalBases:\n");
        var bases = prozess?.Elements().Where(e => e.Name.LocalName == "handlungsgrundlage").ToList() ?? [];
        if (bases.Count == 0 && prozess?.Document?.Root is { } root) // the Prozessklasse of the same export names them
            bases = root.Descendants().Where(e => e.Name.LocalName == "prozessklasse" && Text(e, "id") == id).SelectMany(e => e.Elements().Where(x => x.Name.LocalName == "handlungsgrundlage")).ToList();
        if (bases.Count == 0) { sb.Append("  - law: \"nicht angegeben (FIM-Import)\"\n"); report.Add("service.yaml: no Handlungsgrundlage in the FIM data"); }
        foreach (var b in bases)
        {
            sb.Append($"  - law: {Q(Text(b, "name") ?? "?")}\n");
            if (Text(b, "uri") is { } uri && uri.StartsWith("https://", StringComparison.Ordinal) && !uri.Any(char.IsWhiteSpace)) sb.Append($"    link: {Q(uri)}\n");
        }
        var stelle = Text(prozess, "fachlichFreigebendeStelle");
        sb.Append($"responsible:\n  orgUnit: {Q("zuständige Stelle" + (stelle is null ? "" : $" (FIM: fachlich freigegeben von {stelle})"))}\n  groups: [{string.Join(", ", groups)}]\n");
        sb.Append("reifegrad: 0                         # set it once the service runs online\n");
        return sb.ToString();
    }

    // ---------- reading, safely ----------

    private static byte[] ReadBounded(string file)
    {
        var info = new FileInfo(file);
        if (info.Length > MaxFileBytes) throw new FimFormatException($"{file}:1:1: error: {info.Length:N0} bytes, more than the limit of {MaxFileBytes:N0}");
        return File.ReadAllBytes(file);
    }

    private static XDocument Load(byte[] bytes, string file)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0, MaxCharactersInDocument = MaxFileBytes,
            IgnoreComments = true, IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            var doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
            if (doc.Root is null) throw new FimFormatException($"{file}:1:1: error: empty document");
            if (Depth(doc.Root, 0) > 256) throw new FimFormatException($"{file}:1:1: error: nested more than 256 elements deep");
            return doc;
        }
        catch (XmlException e)
        {
            if (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
            {
                // The reader stops inside the declaration; the person fixing the file looks for its <!DOCTYPE.
                var (line, column) = DoctypeAt(bytes) ?? (e.LineNumber, e.LinePosition);
                throw new FimFormatException($"{file}:{Math.Max(1, line)}:{Math.Max(1, column)}: error: a DTD (<!DOCTYPE) is not allowed (no external entities, no entity expansion)");
            }
            throw new FimFormatException($"{file}:{Math.Max(1, e.LineNumber)}:{Math.Max(1, e.LinePosition)}: error: {e.Message}");
        }
    }

    /// <summary>Line and column (1-based) of the document's <c>&lt;!DOCTYPE</c>, read in the file's encoding (its BOM, else UTF-8); null when not found.</summary>
    private static (int Line, int Column)? DoctypeAt(byte[] bytes)
    {
        string text;
        using (var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true)) text = reader.ReadToEnd();
        var at = text.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        if (at < 0) return null;
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < at; i++)
            if (text[i] == '\n') { line++; lineStart = i + 1; }
        return (line, at - lineStart + 1);
    }

    private static int Depth(XElement e, int d)
    {
        var max = d;
        var stack = new Stack<(XElement, int)>();
        stack.Push((e, d));
        while (stack.Count > 0)
        {
            var (x, depth) = stack.Pop();
            if (depth > max) max = depth;
            if (max > 256) return max;
            foreach (var c in x.Elements()) stack.Push((c, depth + 1));
        }
        return max;
    }

    /// <summary>The embedded model: base64 of a ZIP whose first .xml/.bpmn entry is the BPMN; bounded against zip bombs.</summary>
    private static byte[] Unzip(XElement inhalt, string file)
    {
        byte[] zip;
        try { zip = Convert.FromBase64String(inhalt.Value.Trim()); }
        catch (FormatException) { throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model (inhalt) is not base64"); }
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxZipEntries) throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model's ZIP has {archive.Entries.Count} entries, more than {MaxZipEntries}");
            var entry = archive.Entries.FirstOrDefault(e => e.Name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || e.Name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase))
                ?? throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model's ZIP holds no .xml or .bpmn file");
            if (entry.Length > MaxZipBytes || entry.CompressedLength > 0 && entry.Length / Math.Max(1, entry.CompressedLength) > MaxZipRatio)
                throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model's ZIP entry {entry.FullName} unpacks to {entry.Length:N0} bytes (limit {MaxZipBytes:N0}, ratio {MaxZipRatio}): refused as a zip bomb");
            using var s = entry.Open();
            using var ms = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = s.Read(buffer, 0, buffer.Length)) > 0)
            {
                ms.Write(buffer, 0, read);
                if (ms.Length > MaxZipBytes) throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model unpacks to more than {MaxZipBytes:N0} bytes: refused as a zip bomb");
            }
            return ms.ToArray();
        }
        catch (InvalidDataException e) { throw new FimFormatException($"{file}:{Pos(inhalt)}: error: the process model is not a ZIP archive: {e.Message}"); }
    }

    // ---------- small helpers ----------

    private static string Pos(XElement e) => e is IXmlLineInfo li && li.HasLineInfo() ? $"{li.LineNumber}:{li.LinePosition}" : "1:1";

    private static string? Text(XElement? e, string local) =>
        e?.Elements().FirstOrDefault(x => x.Name.LocalName == local)?.Value.Trim() is { Length: > 0 } s ? s : null;

    private static string? Code(XElement e, string local) =>
        e.Elements().FirstOrDefault(x => x.Name.LocalName == local)?.Descendants().FirstOrDefault(x => x.Name.LocalName == "code")?.Value.Trim();

    private static string Trunc(string? s, int n) => s is null ? "" : s.Length <= n ? s.Replace('\n', ' ').Replace('\r', ' ') : s[..n].Replace('\n', ' ').Replace('\r', ' ') + "…";

    private static string Slug(string text, char sep, int max)
    {
        var s = text.Trim().ToLowerInvariant().Replace("ä", "ae").Replace("ö", "oe").Replace("ü", "ue").Replace("ß", "ss");
        s = Regex.Replace(s, "[^a-z0-9]+", sep.ToString()).Trim(sep);
        if (s.Length > max) s = s[..max].Trim(sep);
        if (s.Length == 0 || !char.IsAsciiLetter(s[0])) s = "x" + sep + s;
        return sep == '_' ? string.Concat(s.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..])) : s;
    }

    private static string Key(string name, HashSet<string> keys)
    {
        var parts = Slug(name, '-', 60).Split('-');
        var key = parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        var unique = key;
        for (var i = 2; !keys.Add(unique); i++) unique = key + i;
        return unique;
    }

    private static string Q(string s) => JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string WriteJson(string dir, string rel, JsonObject o) =>
        WriteText(dir, rel, o.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    private static string WriteText(string dir, string rel, string text)
    {
        File.WriteAllText(Path.Combine(dir, rel), text, new UTF8Encoding(false));
        return rel;
    }
}
