using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// <c>eakte-file</c>: files the case in the eAkte as one xdomea <c>Abgabe.Abgabe.0401</c> — a Vorgang with the Aktenzeichen
/// (the service's Aktenplan entry and the case), the form data as a document, the given documents and the history summary —
/// checked against the official XSD before anything leaves (a message that fails it is a technical failure naming the
/// schema error; nothing is sent). The DMS's <c>Abgabe.ImportBestaetigen.0402</c> is recorded in the output; a refused
/// import is the BPMN error <c>EAKTE_REJECTED</c>; an unreachable DMS is retried, then an incident. The ProzessID and all
/// object ids derive from the instance and the element (or <c>idempotencyKey</c>), so a retried filing is the same message.
/// </summary>
[Activity("eakte-file", Description = "Vorgang in der eAkte ablegen (xdomea 0401)")]
public sealed class EakteFile(IOptionsMonitor<XdomeaOptions> options, IDmsTransport transport, ILogger<EakteFile> logger) : WorkflowActivity
{
    public const string Rejected = "EAKTE_REJECTED";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("betreff", ActivityValueType.String, Required: true, "Betreff des Vorgangs"),
        new("aktenplaneinheit", ActivityValueType.String, Description: "Kennzeichen im Aktenplan, z. B. 32.10.05 (Standard: aktenplan.kennzeichen der service.yaml)"),
        new("aktenplanbetreff", ActivityValueType.String, Description: "Inhaltsangabe der Aktenplaneinheit"),
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen (Standard: Aktenplaneinheit-Geschäftsschlüssel)"),
        new("formulardaten", ActivityValueType.Object, Description: "Antragsdaten, als Dokument Antragsdaten.xml abgelegt"),
        new("dokumente", ActivityValueType.Array, Description: "[{ name, contentType, inhalt (Base64) oder text, betreff }]"),
        new("fallakte", ActivityValueType.Boolean, Description: "Die Dokumente der Fallakte (Uploads von Bürgerin, Sachbearbeitung, FIT-Connect) mit ablegen (Standard: ja)"),
        new("verlauf", ActivityValueType.Array, Description: "[{ zeit, akteur, aktion }] – die Zusammenfassung der Historie"),
        new("vertraulichkeitsstufe", ActivityValueType.String, Description: "Code der xdomea-Liste Vertraulichkeitsstufe (Standard 003: offen)"),
        new("beginn", ActivityValueType.Date, Description: "Beginn der Laufzeit (Standard: heute)"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel für ProzessID und IDs (Standard: Vorgang und Element)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
        [new("eakte", ActivityValueType.Object, Description: "{ aktenzeichen, prozessId, vorgangId, quittung, erfolgreich, dmsAktenzeichen, dmsId, abgelegtAm }")];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);

        XdomeaSchema schema;
        try { schema = XdomeaSchema.Load(o.SchemaDirectory!); }
        catch (XdomeaSchemaException e) { return ActivityResult.Fail($"eakte-file: {e.Message} (setting {PackServiceCollectionExtensions.SettingKeys(XdomeaOptions.Section, context.TenantId, "SchemaDirectory")})"); }

        var key = context.GetString("idempotencyKey") is { Length: > 0 } k ? k : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";
        AktenVorgang vorgang;
        try { vorgang = Vorgang(context, key); }
        catch (InputException e) { return ActivityResult.Fail($"eakte-file: {e.Message}"); }

        var kopf = new AbgabeKopf(Abgabe.StableId(key + "#prozess"), context.Now, o.Behoerde!, o.Organisationseinheit, o.Empfaenger ?? o.Behoerde!);
        var message = Abgabe.Build(schema.Namespace, kopf, vorgang);
        var errors = schema.Validate(message);
        if (errors.Count > 0)
            return ActivityResult.Fail($"eakte-file: the xdomea message {Abgabe.Nachricht} fails the schema {schema.Version} and was not sent: {string.Join("; ", errors.Take(3))}");

        var container = Abgabe.Container(message, kopf.ProzessId, vorgang.Dokumente);
        var outcome = await transport.DeliverAsync(container, Abgabe.ContainerName(kopf.ProzessId), kopf.ProzessId.ToString("D"), o, context.CancellationToken).ConfigureAwait(false);
        var result = new JsonObject
        {
            ["aktenzeichen"] = vorgang.Aktenzeichen,
            ["prozessId"] = kopf.ProzessId.ToString("D"),
            ["vorgangId"] = vorgang.Id.ToString("D"),
            ["dokumente"] = vorgang.Dokumente.Count,
            ["abgelegtAm"] = context.Now.ToString("O"),
        };
        switch (outcome)
        {
            case DmsOutcome.Dropped d:
                result["quittung"] = "Importordner";
                result["datei"] = Path.GetFileName(d.Path);
                Log(context, kopf, "written into the import folder");
                return ActivityResult.Complete(new JsonObject { ["eakte"] = result });
            case DmsOutcome.Answered a:
                if (Importbestaetigung.Parse(a.Body, schema.Namespace, vorgang.Id) is not { } q || !IsValid(schema, a.Body))
                    return ActivityResult.Fail($"eakte-file: the DMS's answer is no valid {Importbestaetigung.Nachricht} for the Vorgang {vorgang.Id:D}");
                result["quittung"] = Importbestaetigung.Nachricht;
                result["erfolgreich"] = q.Erfolgreich;
                if (!q.Erfolgreich)
                {
                    var reason = q.Fehlermeldungen.Count > 0 ? string.Join("; ", q.Fehlermeldungen) : "ohne Angabe von Gründen";
                    logger.LogWarning("eakte-file: the DMS refused the import of process {ProzessId} for instance {Instance}: {Reason}", kopf.ProzessId, context.ProcessInstanceId, reason);
                    result["fehler"] = reason;
                    return ActivityResult.BpmnError(Rejected, $"Das DMS hat die Ablage abgelehnt: {reason}", new JsonObject { ["eakte"] = result });
                }
                result["dmsAktenzeichen"] = q.DmsAktenzeichen;
                result["dmsId"] = q.DmsId;
                Log(context, kopf, "imported by the DMS");
                return ActivityResult.Complete(new JsonObject { ["eakte"] = result });
            case DmsOutcome.Failed f:
                return ActivityResult.Fail($"eakte-file: {f.Reason}");
            default:
                throw new InvalidOperationException("unknown outcome");
        }
    }

    private void Log(ActivityContext context, AbgabeKopf kopf, string what)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("eakte-file: {Nachricht} {ProzessId} for instance {Instance} at {Element} {What}", Abgabe.Nachricht, kopf.ProzessId, context.ProcessInstanceId, context.ElementId, what);
    }

    private static bool IsValid(XdomeaSchema schema, string xml)
    {
        try { return schema.Validate(XDocument.Parse(xml)).Count == 0; }
        catch (XmlException) { return false; }
    }

    /// <summary>The first required setting that is not there, as a message naming its configuration keys.</summary>
    internal static string? Missing(XdomeaOptions o, string tenant)
    {
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(XdomeaOptions.Section, tenant, s);
        if (string.IsNullOrWhiteSpace(o.SchemaDirectory)) return $"eakte-file: the setting {Keys("SchemaDirectory")} is missing (the folder with the official xdomea.xsd)";
        if (string.IsNullOrWhiteSpace(o.Behoerde)) return $"eakte-file: the setting {Keys("Behoerde")} is missing (the sending authority)";
        if (o.Delivery == DmsDeliveryKind.Http && !Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _)) return $"eakte-file: the setting {Keys("Endpoint")} is missing or not an absolute URL (the DMS's xdomea endpoint)";
        if (o.Delivery == DmsDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Directory)) return $"eakte-file: the setting {Keys("Directory")} is missing (the DMS's import folder)";
        return null;
    }

    internal static AktenVorgang Vorgang(ActivityContext context, string key, Func<string, int, string>? letzteAktion = null, Guid? vorgangId = null)
    {
        var betreff = context.GetString("betreff")?.Trim();
        if (string.IsNullOrEmpty(betreff)) throw new InputException("the input 'betreff' is empty");
        var plan = context.GetString("aktenplaneinheit")?.Trim() is { Length: > 0 } given ? given : context.Service?.AktenplanKennzeichen?.Trim();
        if (string.IsNullOrEmpty(plan))
            throw new InputException("the input 'aktenplaneinheit' is empty and the service.yaml names no aktenplan (kennzeichen) for the process");
        var planBetreff = context.GetString("aktenplanbetreff") is { Length: > 0 } pb ? pb : context.Service?.AktenplanBetreff;
        var fall = string.IsNullOrWhiteSpace(context.BusinessKey) ? context.ProcessInstanceId[..Math.Min(8, context.ProcessInstanceId.Length)] : context.BusinessKey.Trim();
        var aktenzeichen = context.GetString("aktenzeichen") is { Length: > 0 } az ? az.Trim() : $"{plan}-{fall}";
        var heute = DateOnly.FromDateTime(context.Now.UtcDateTime);
        var beginn = context.GetDate("beginn") is { } b ? new DateOnly(b.Year, b.Month, b.Day) : heute;

        var dokumente = new List<AktenDokument>();
        if (context.Input("formulardaten") is JsonObject form)
            dokumente.Add(new AktenDokument(Abgabe.StableId($"{key}#formulardaten"), "Antragsdaten", "Antragsdaten.xml", "application/xml", FormXml(form), context.Now));
        if (context.Input("dokumente") is JsonArray docs)
            foreach (var (d, i) in docs.Select((d, i) => (d, i)))
                dokumente.Add(Dokument(d, i, key, context.Now));
        else if (context.Input("dokumente") is { } other && other.GetValueKind() != System.Text.Json.JsonValueKind.Null)
            throw new InputException("the input 'dokumente' is not a list");
        if (context.GetBoolean("fallakte") ?? !string.Equals(context.GetString("fallakte")?.Trim(), "false", StringComparison.OrdinalIgnoreCase))
            foreach (var d in context.CaseDocuments().OrderBy(d => d.AddedAt).ThenBy(d => d.Hash, StringComparer.Ordinal))
                if (!dokumente.Any(x => x.DateinameOriginal == d.Name && x.Inhalt.AsSpan().SequenceEqual(d.Content.Span)))
                    dokumente.Add(new AktenDokument(Abgabe.StableId($"{key}#fallakte#{d.Hash}#{d.Name}"), Path.GetFileNameWithoutExtension(d.Name), d.Name, d.ContentType,
                        d.Content.ToArray(), d.AddedAt));

        var historie = new List<Protokolleintrag>();
        if (context.Input("verlauf") is JsonArray verlauf)
            foreach (var e in verlauf.OfType<JsonObject>())
            {
                var zeit = e["zeit"] is JsonValue z && z.TryGetValue<string>(out var zs) && DateTimeOffset.TryParse(zs, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : context.Now;
                historie.Add(new Protokolleintrag(zeit, Text(e["akteur"]) ?? "EGov.Workflows", Text(e["aktion"]) ?? "—"));
            }
        historie.Add(new Protokolleintrag(context.Now, "EGov.Workflows", letzteAktion?.Invoke(aktenzeichen, dokumente.Count) ?? $"Vorgang {aktenzeichen} zur Ablage an die eAkte übergeben ({dokumente.Count} Dokument(e))"));
        return new AktenVorgang(vorgangId ?? Abgabe.StableId($"{key}#vorgang"), betreff, aktenzeichen, plan, planBetreff, beginn < heute ? beginn : heute, heute, historie, dokumente,
            context.GetString("vertraulichkeitsstufe")?.Trim() is { Length: > 0 } vs ? vs : "003");
    }

    private static AktenDokument Dokument(JsonNode? node, int index, string key, DateTimeOffset now)
    {
        if (node is not JsonObject d) throw new InputException($"dokumente[{index}] is not an object {{ name, contentType, inhalt | text }}");
        var name = Path.GetFileName((Text(d["name"]) ?? "").Replace('\\', '/'));
        if (string.IsNullOrWhiteSpace(name)) throw new InputException($"dokumente[{index}] has no name");
        byte[] content;
        if (Text(d["inhalt"]) is { } b64)
        {
            try { content = Convert.FromBase64String(b64); }
            catch (FormatException) { throw new InputException($"dokumente[{index}] ('{name}'): 'inhalt' is not Base64"); }
        }
        else if (Text(d["text"]) is { } text) content = Encoding.UTF8.GetBytes(text);
        else throw new InputException($"dokumente[{index}] ('{name}') has neither 'inhalt' (Base64) nor 'text'");
        var type = Text(d["contentType"]) ?? "application/octet-stream";
        return new AktenDokument(Abgabe.StableId($"{key}#dokument#{index}"), Text(d["betreff"]) ?? Path.GetFileNameWithoutExtension(name), name, type, content, now);
    }

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    /// <summary>The form data as a small XML document: one element per field (names encoded as XML names), lists as repeated <c>eintrag</c>.</summary>
    internal static byte[] FormXml(JsonObject form)
    {
        static XElement Node(string name, JsonNode? value)
        {
            var e = new XElement(XmlConvert.EncodeLocalName(name));
            switch (value)
            {
                case JsonObject o: foreach (var (k, v) in o) e.Add(Node(k, v)); break;
                case JsonArray a: foreach (var v in a) e.Add(Node("eintrag", v)); break;
                case JsonValue v: e.Value = v.TryGetValue<string>(out var s) ? s : v.ToJsonString(); break;
            }
            return e;
        }
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null), Node("Antragsdaten", form));
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true })) doc.Save(w);
        return ms.ToArray();
    }

    internal sealed class InputException(string message) : Exception(message);
}
