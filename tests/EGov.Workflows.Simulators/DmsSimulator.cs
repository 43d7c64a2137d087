using System.Collections.Concurrent;
using System.Net;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Simulators;

/// <summary>
/// A DMS (eAkte) on loopback that imports xdomea the way the eakte-file pack sends it: <c>POST /xdomea/import</c> with a ZIP
/// container holding <c>&lt;ProzessID&gt;_Abgabe.Abgabe.0401.xml</c> and its primary files. It validates the message against
/// the official XSD (read from a schema folder), checks that every Primaerdokument is in the container, files the Vorgang
/// under its own Aktenzeichen and answers <c>Abgabe.ImportBestaetigen.0402</c> (the DMS's Aktenzeichen and id in the Kopf's
/// AnwendungsspezifischeErweiterung). A repeated ProzessID is answered with the first answer and filed once. Failure modes:
/// <see cref="Unavailable"/> (503 for every request), <see cref="RejectAll"/> (0402 with Erfolgreich 0), a required token.
/// </summary>
public sealed class DmsSimulator : IAsyncDisposable
{
    public const string AppExtension = "urn:egov-workflows:xdomea:dms-rueckmeldung";
    private readonly WebApplication _app;
    private readonly XmlSchemaSet _schema;
    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<Filed> _filed = new();
    private int _requests;
    private int _next;

    /// <summary>One filed Vorgang.</summary>
    public sealed record Filed(string ProzessId, string Aktenzeichen, string DmsAktenzeichen, string Betreff, IReadOnlyList<string> Dateien, XDocument Message);

    private DmsSimulator(WebApplication app, XmlSchemaSet schema, int port)
    {
        _app = app;
        _schema = schema;
        Port = port;
    }

    public int Port { get; }
    /// <summary>The import endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}/xdomea/import";
    /// <summary>Every Vorgang filed, once per ProzessID.</summary>
    public IReadOnlyList<Filed> Vorgaenge => _filed.ToArray();
    /// <summary>Requests received (every attempt, also the refused ones).</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Answer every request with 503 (the DMS is down).</summary>
    public bool Unavailable { get; set; }
    /// <summary>Answer the next <paramref name="requests"/> requests with 503, then work again (a DMS restarting).</summary>
    public void UnavailableFor(int requests) => Volatile.Write(ref _unavailableFor, requests);
    private int _unavailableFor;
    /// <summary>Refuse every import (0402 with Erfolgreich 0 and a reason).</summary>
    public bool RejectAll { get; set; }
    /// <summary>When set, requests need <c>Authorization: Bearer {token}</c> (401 otherwise).</summary>
    public string? RequiredToken { get; set; }
    /// <summary>Raised for each Vorgang filed (the command-line simulator prints it).</summary>
    public event Action<Filed>? Received;

    /// <summary>Starts on <paramref name="port"/> (0: a free port) with the xdomea schema in <paramref name="schemaFolder"/> (holding xdomea.xsd).</summary>
    public static DmsSimulator Start(string schemaFolder, int port = 0)
    {
        port = port == 0 ? SmtpSimulator.FreePort() : port;
        var schema = XdomeaEndpoint.Schema(schemaFolder);
        var app = XdomeaEndpoint.App(port);
        var sim = new DmsSimulator(app, schema, port);
        app.MapPost("/xdomea/import", sim.ImportAsync);
        app.StartAsync().GetAwaiter().GetResult();
        return sim;
    }

    /// <summary>The schema folder of the shared corpus (xdomea 3.1.0) found from the working or the base directory upwards, or null.</summary>
    public static string? FindCorpusSchema(string version = "3.1.0")
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpora", "xdomea", "schemas", version);
                if (File.Exists(Path.Combine(candidate, "xdomea.xsd"))) return candidate;
            }
        return null;
    }

    private async Task<IResult> ImportAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (Unavailable || Interlocked.Decrement(ref _unavailableFor) >= 0) return Results.StatusCode(503);
        if (RequiredToken is { } t && request.Headers.Authorization.ToString() != $"Bearer {t}") return Results.StatusCode(401);
        var (files, refusal) = await XdomeaEndpoint.ContainerAsync(request).ConfigureAwait(false);
        if (files is null) return refusal!;
        var messageName = files.Keys.FirstOrDefault(k => k.EndsWith("_Abgabe.Abgabe.0401.xml", StringComparison.Ordinal));
        if (messageName is null) return Results.Text("the container holds no <ProzessID>_Abgabe.Abgabe.0401.xml", statusCode: 400);

        var errors = new List<string>();
        XDocument doc;
        try { doc = XdomeaEndpoint.Load(files[messageName], _schema, errors); }
        catch (XmlException e) { return Results.Text($"the message is not well-formed XML: {e.Message}", statusCode: 400); }
        var x = doc.Root!.Name.Namespace;
        var prozessId = (string?)doc.Root.Element(x + "Kopf")?.Element(x + "ProzessID") ?? "";
        var vorgang = doc.Root.Element(x + "Schriftgutobjekt")?.Elements().FirstOrDefault();
        var idSgo = (string?)vorgang?.Element(x + "Identifikation")?.Element(x + "ID") ?? "";
        if (_answers.TryGetValue(prozessId, out var earlier)) return Xml(earlier, 200); // the same ProzessID: already imported

        if (errors.Count > 0)
            return Xml(Answer(doc, prozessId, idSgo, false, [$"Die Nachricht entspricht nicht dem xdomea-Schema: {errors[0]}"], null), 400);
        var missing = vorgang!.Descendants(x + "Primaerdokument").Select(p => (string?)p.Element(x + "Dateiname") ?? "").Where(n => !files.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            return Xml(Answer(doc, prozessId, idSgo, false, [$"Primärdokument fehlt im Container: {string.Join(", ", missing)}"], null), 400);
        if (RejectAll)
        {
            var refused = Answer(doc, prozessId, idSgo, false, ["Die Aktenplaneinheit ist im DMS nicht angelegt."], null);
            _answers[prozessId] = refused;
            return Xml(refused, 200);
        }

        var meta = vorgang.Element(x + "AllgemeineMetadaten");
        var dmsAz = $"DMS-{DateTime.UtcNow:yyyy}-{Interlocked.Increment(ref _next):D6}";
        var answer = Answer(doc, prozessId, idSgo, true, [], dmsAz);
        if (!_answers.TryAdd(prozessId, answer)) return Xml(_answers[prozessId], 200);
        var filed = new Filed(prozessId, (string?)meta?.Element(x + "Kennzeichen") ?? "", dmsAz, (string?)meta?.Element(x + "Betreff") ?? "",
            files.Keys.Where(k => k != messageName).ToList(), doc);
        _filed.Enqueue(filed);
        Received?.Invoke(filed);
        return Xml(answer, 200);
    }

    private static IResult Xml(string xml, int status) => XdomeaEndpoint.Xml(xml, status);

    /// <summary>The 0402 for the message, in its namespace, sender and receiver swapped.</summary>
    private string Answer(XDocument request, string prozessId, string idSgo, bool ok, IReadOnlyList<string> errors, string? dmsAz)
    {
        var x = request.Root!.Name.Namespace;
        var kopf = request.Root.Element(x + "Kopf");
        var absender = new XElement(x + "Absender", new XElement(x + "Institution", new XElement(x + "Name", "DMS-Simulator")));
        var empfaenger = kopf?.Element(x + "Absender") is { } a ? new XElement(x + "Empfaenger", a.Elements()) : new XElement(x + "Empfaenger");
        var answerKopf = new XElement(x + "Kopf",
            new XElement(x + "ProzessID", Guid.TryParse(prozessId, out _) ? prozessId : Guid.Empty.ToString("D")),
            new XElement(x + "Nachrichtentyp", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp"), new XAttribute("listVersionID", "2.0"),
                new XElement("code", "0402"), new XElement("name", "Abgabe.ImportBestaetigen")),
            new XElement(x + "Erstellungszeitpunkt", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
            absender, empfaenger,
            new XElement(x + "SendendesSystem", new XElement(x + "Produktname", "EGov.Workflows DMS-Simulator")));
        if (dmsAz is not null)
            answerKopf.Add(new XElement(x + "AnwendungsspezifischeErweiterung",
                new XElement(x + "Kennung", AppExtension),
                new XElement(x + "Name", "Rückmeldung des DMS"),
                new XElement(x + "Feld", new XElement(x + "Name", "Aktenzeichen"), new XElement(x + "Wert", dmsAz)),
                new XElement(x + "Feld", new XElement(x + "Name", "DMS-ID"), new XElement(x + "Wert", Guid.NewGuid().ToString("D")))));
        var objekt = new XElement(x + "AbgegebenesObjekt",
            new XElement(x + "IDSGO", Guid.TryParse(idSgo, out _) ? idSgo : Guid.Empty.ToString("D")),
            new XElement(x + "Erfolgreich", ok ? "1" : "0"),
            errors.Select(e => new XElement(x + "Fehlermeldung", e)));
        var answer = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(x + "Abgabe.ImportBestaetigen.0402", new XAttribute(XNamespace.Xmlns + "xdomea", x.NamespaceName), answerKopf, objekt));
        var problems = new List<string>();
        answer.Validate(_schema, (_, e) => problems.Add(e.Message));
        if (problems.Count > 0) throw new InvalidOperationException($"the simulator's own 0402 fails the schema: {problems[0]}");
        return answer.Declaration + Environment.NewLine + answer.Root;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
