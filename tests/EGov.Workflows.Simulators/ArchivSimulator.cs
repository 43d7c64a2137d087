using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Simulators;

/// <summary>
/// An archive on loopback that runs the xdomea Aussonderung (0501–0507) the way the eakte-aussondern pack speaks it:
/// <c>POST /xdomea/aussonderung</c> takes a ZIP container <c>&lt;ProzessID&gt;_&lt;Nachricht&gt;.zip</c>;
/// <c>GET /xdomea/aussonderung/{ProzessID}/{Nachricht}</c> hands out the archive's own messages (404 while there is none).
/// Every incoming message is validated against the official XSD (400 with the schema error otherwise), and so is every
/// message the archive writes. The offer (0501) is answered with its receipt (0504) and evaluated per object with
/// <see cref="Decision"/> (A or V) into a 0502 — at once, or only after <see cref="ReleaseEvaluations"/> when
/// <see cref="HoldEvaluations"/> is set (an archivist takes weeks). A hand-over (0503) must follow an evaluation that
/// said A for each of its objects and bring every primary file; it is answered with the receipt (0507) and an import
/// confirmation (0506) with an Archivkennung — or, with <see cref="RejectImport"/>, one that refuses it. Failure modes:
/// <see cref="Unavailable"/> (503), a required token.
/// Callbacks: with <see cref="CallbackUrl"/> and <see cref="CallbackSecret"/> the archive posts each 0502 and 0506 it writes
/// to the authority (signed: header <c>X-Xdomea-Signature: t=…,v1=hex HMAC-SHA256("t.body")</c>) — at once in the
/// background, or, while <see cref="HoldEvaluations"/>/<see cref="HoldImports"/> keep them back, when
/// <see cref="ReleaseEvaluationsAsync"/>/<see cref="ReleaseImportsAsync"/> write them (awaited, so a test knows the answer).
/// </summary>
public sealed class ArchivSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly XmlSchemaSet _schema;
    private readonly ConcurrentDictionary<(string ProzessId, string Nachricht), string> _outbox = new();
    private readonly ConcurrentDictionary<string, Offer> _offers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(string ProzessId, string Nachricht, XDocument Message, IReadOnlyList<string> Dateien)> _received = new();
    private readonly ConcurrentDictionary<string, (Offer Offer, IReadOnlyList<string> Objekte)> _heldImports = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(string ProzessId, string Nachricht, int Status, string Body)> _callbacks = new();
    private static readonly HttpClient CallbackHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _requests;
    private int _next;

    private sealed record Offer(XNamespace Ns, XElement AbsenderKopf, IReadOnlyList<string> Objekte, Dictionary<string, string> Bewertung);

    private ArchivSimulator(WebApplication app, XmlSchemaSet schema, int port)
    {
        _app = app;
        _schema = schema;
        Port = port;
    }

    public int Port { get; }
    /// <summary>The archive's xdomea endpoint (setting <c>Packs:Xdomea:Archiv:Endpoint</c>).</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}/xdomea/aussonderung";
    /// <summary>The archivist's decision for every object offered: <c>A</c> (archivwürdig) or <c>V</c> (vernichten).</summary>
    public string Decision { get; set; } = "A";
    /// <summary>A decision for single objects by their id (an Akte or Vorgang of a larger Anbieteverzeichnis), over <see cref="Decision"/>.</summary>
    public ConcurrentDictionary<string, string> DecisionById { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Keep evaluations back until <see cref="ReleaseEvaluations"/>.</summary>
    public bool HoldEvaluations { get; set; }
    /// <summary>Keep the import confirmations (0506) back until <see cref="ReleaseImportsAsync"/> (the receipt 0507 is answered at once).</summary>
    public bool HoldImports { get; set; }
    /// <summary>Where the archive posts its 0502 and 0506 (the authority's <c>/api/callbacks/{tenant}/xdomea/archiv</c>); null: no callbacks, the authority polls.</summary>
    public string? CallbackUrl { get; set; }
    /// <summary>The secret the callbacks are signed with (the authority's <c>Archiv:CallbackSecret</c>).</summary>
    public string? CallbackSecret { get; set; }
    /// <summary>Every callback sent: the message, the authority's status code and answer.</summary>
    public IReadOnlyList<(string ProzessId, string Nachricht, int Status, string Body)> Callbacks => _callbacks.ToArray();
    /// <summary>Refuse the import of every hand-over (0506 with Erfolgreich 0).</summary>
    public bool RejectImport { get; set; }
    /// <summary>Answer every request with 503.</summary>
    public bool Unavailable { get; set; }
    /// <summary>When set, requests need <c>Authorization: Bearer {token}</c>.</summary>
    public string? RequiredToken { get; set; }
    /// <summary>Requests received, also refused ones.</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Every message received (after its schema check), with the primary files of its container.</summary>
    public IReadOnlyList<(string ProzessId, string Nachricht, XDocument Message, IReadOnlyList<string> Dateien)> Received => _received.ToArray();
    /// <summary>Raised for each message received (the command-line simulator prints it).</summary>
    public event Action<string, string>? MessageReceived;

    /// <summary>Starts on <paramref name="port"/> (0: a free port) with the xdomea schema in <paramref name="schemaFolder"/>.</summary>
    public static ArchivSimulator Start(string schemaFolder, int port = 0)
    {
        port = port == 0 ? SmtpSimulator.FreePort() : port;
        var schema = XdomeaEndpoint.Schema(schemaFolder);
        var app = XdomeaEndpoint.App(port);
        var sim = new ArchivSimulator(app, schema, port);
        app.MapPost("/xdomea/aussonderung", sim.ReceiveAsync);
        app.MapGet("/xdomea/aussonderung/{prozessId}/{nachricht}", (HttpRequest r, string prozessId, string nachricht) => sim.Outbox(r, prozessId, nachricht));
        app.StartAsync().GetAwaiter().GetResult();
        return sim;
    }

    /// <summary>Writes the evaluations held back (<see cref="HoldEvaluations"/>) with the current <see cref="Decision"/>; sends no callback (the authority polls, or a test calls <see cref="CallBackAsync"/>).</summary>
    public void ReleaseEvaluations()
    {
        foreach (var (pid, offer) in _offers)
            if (!_outbox.ContainsKey((pid, "Aussonderung.Bewertungsverzeichnis.0502"))) Evaluate(pid, offer, callBack: false);
    }

    /// <summary>Writes the evaluations held back and, with a <see cref="CallbackUrl"/>, posts each to the authority; answers the status codes.</summary>
    public async Task<IReadOnlyList<int>> ReleaseEvaluationsAsync()
    {
        var statuses = new List<int>();
        foreach (var (pid, offer) in _offers)
        {
            if (_outbox.ContainsKey((pid, "Aussonderung.Bewertungsverzeichnis.0502"))) continue;
            Evaluate(pid, offer, callBack: false);
            if (CallbackUrl is not null) statuses.Add(await CallBackAsync(pid, "Aussonderung.Bewertungsverzeichnis.0502").ConfigureAwait(false));
        }
        return statuses;
    }

    /// <summary>Writes the import confirmations held back (<see cref="HoldImports"/>) and, with a <see cref="CallbackUrl"/>, posts each; answers the status codes.</summary>
    public async Task<IReadOnlyList<int>> ReleaseImportsAsync()
    {
        var statuses = new List<int>();
        foreach (var pid in _heldImports.Keys.ToList())
        {
            if (!_heldImports.TryRemove(pid, out var held)) continue;
            WriteImport(pid, held.Offer, held.Objekte);
            if (CallbackUrl is not null) statuses.Add(await CallBackAsync(pid, "Aussonderung.AussonderungImportBestaetigen.0506").ConfigureAwait(false));
        }
        return statuses;
    }

    /// <summary>Posts the archive's message <paramref name="nachricht"/> of a process to <see cref="CallbackUrl"/>, signed; answers the status code (also again: a duplicate).</summary>
    public async Task<int> CallBackAsync(string prozessId, string nachricht, string? secret = null)
    {
        var url = CallbackUrl ?? throw new InvalidOperationException("no CallbackUrl");
        var key = secret ?? CallbackSecret ?? throw new InvalidOperationException("no CallbackSecret");
        var xml = Message(prozessId, nachricht) ?? throw new InvalidOperationException($"the archive has no {nachricht} for {prozessId}");
        var body = System.Text.Encoding.UTF8.GetBytes(xml);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml") { CharSet = "utf-8" };
        request.Headers.Add("X-Xdomea-Signature", Sign(key, DateTimeOffset.UtcNow, body));
        using var response = await CallbackHttp.SendAsync(request).ConfigureAwait(false);
        var answer = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        _callbacks.Enqueue((prozessId, nachricht, (int)response.StatusCode, answer));
        return (int)response.StatusCode;
    }

    /// <summary>The signature header of a callback: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t." + body)&gt;</c>.</summary>
    public static string Sign(string secret, DateTimeOffset at, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var t = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var data = System.Text.Encoding.ASCII.GetBytes(t + ".").Concat(body).ToArray();
        return $"t={t},v1={Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), data))}";
    }

    /// <summary>Without a hold, a callback goes out in the background once the message is written (lost or early: the authority polls).</summary>
    private void CallBackLater(string prozessId, string nachricht)
    {
        if (CallbackUrl is null || CallbackSecret is null) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // after the request that caused it has been answered
            try { await CallBackAsync(prozessId, nachricht).ConfigureAwait(false); }
            catch (HttpRequestException) { } // the authority is away: it polls
            catch (TaskCanceledException) { }
        });
    }

    /// <summary>The archive's message of a process as it would be handed out, or null.</summary>
    public string? Message(string prozessId, string nachricht) => _outbox.TryGetValue((prozessId, nachricht), out var m) ? m : null;

    private IResult Outbox(HttpRequest request, string prozessId, string nachricht)
    {
        Interlocked.Increment(ref _requests);
        if (Unavailable) return Results.StatusCode(503);
        if (RequiredToken is { } t && request.Headers.Authorization.ToString() != $"Bearer {t}") return Results.StatusCode(401);
        return _outbox.TryGetValue((prozessId, nachricht), out var xml) ? Xml(xml, 200) : Results.NotFound();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (Unavailable) return Results.StatusCode(503);
        if (RequiredToken is { } t && request.Headers.Authorization.ToString() != $"Bearer {t}") return Results.StatusCode(401);
        var (files, refusal) = await XdomeaEndpoint.ContainerAsync(request).ConfigureAwait(false);
        if (files is null) return refusal!;
        var messageName = files.Keys.FirstOrDefault(k => k.Contains("_Aussonderung.", StringComparison.Ordinal) && k.EndsWith(".xml", StringComparison.Ordinal));
        if (messageName is null) return Results.Text("the container holds no <ProzessID>_Aussonderung.*.xml", statusCode: 400);

        var errors = new List<string>();
        XDocument doc;
        try { doc = XdomeaEndpoint.Load(files[messageName], _schema, errors); }
        catch (XmlException e) { return Results.Text($"the message is not well-formed XML: {e.Message}", statusCode: 400); }
        if (errors.Count > 0) return Results.Text($"the message fails the xdomea schema: {errors[0]}", statusCode: 400);
        var x = doc.Root!.Name.Namespace;
        var nachricht = doc.Root.Name.LocalName;
        var kopf = doc.Root.Element(x + "Kopf")!;
        var prozessId = (string?)kopf.Element(x + "ProzessID") ?? "";
        if (!messageName.StartsWith(prozessId + "_" + nachricht, StringComparison.Ordinal))
            return Results.Text($"the container's message '{messageName}' is not named <ProzessID>_<Nachricht>.xml of what it holds", statusCode: 400);
        var objekte = doc.Root.Elements(x + "Schriftgutobjekt").SelectMany(s => s.Elements()).Select(o => (string?)o.Element(x + "Identifikation")?.Element(x + "ID") ?? "").ToList();

        switch (nachricht)
        {
            case "Aussonderung.Anbieteverzeichnis.0501":
            {
                var offer = _offers.GetOrAdd(prozessId, _ => new Offer(x, kopf, objekte, []));
                Record(prozessId, nachricht, doc, []);
                if (!HoldEvaluations && !_outbox.ContainsKey((prozessId, "Aussonderung.Bewertungsverzeichnis.0502"))) Evaluate(prozessId, offer);
                return Xml(Write(prozessId, "Aussonderung.AnbietungEmpfangBestaetigen.0504", Basis(offer, prozessId, "0504", "Aussonderung.AnbietungEmpfangBestaetigen")), 200);
            }
            case "Aussonderung.BewertungEmpfangBestaetigen.0505":
                if (!_offers.ContainsKey(prozessId)) return Results.Text($"no Aussonderung with the ProzessID {prozessId}", statusCode: 409);
                Record(prozessId, nachricht, doc, []);
                return Results.Accepted();
            case "Aussonderung.Aussonderung.0503":
            {
                if (!_offers.TryGetValue(prozessId, out var offer) || !_outbox.ContainsKey((prozessId, "Aussonderung.Bewertungsverzeichnis.0502")))
                    return Results.Text($"the ProzessID {prozessId} was never offered and evaluated", statusCode: 409);
                if (_outbox.TryGetValue((prozessId, "Aussonderung.AussonderungEmpfangBestaetigen.0507"), out var earlier)) return Xml(earlier, 200); // a repeat
                var notWanted = objekte.Where(o => !offer.Bewertung.TryGetValue(o, out var b) || b != "A").ToList();
                if (notWanted.Count > 0) return Results.Text($"objects handed over that were not evaluated A: {string.Join(", ", notWanted)}", statusCode: 409);
                var missing = doc.Descendants(x + "Primaerdokument").Select(p => (string?)p.Element(x + "Dateiname") ?? "").Where(n => !files.ContainsKey(n)).ToList();
                if (missing.Count > 0) return Results.Text($"primary files missing in the container: {string.Join(", ", missing)}", statusCode: 400);
                Record(prozessId, nachricht, doc, files.Keys.Where(k => k != messageName).ToList());
                if (HoldImports) _heldImports[prozessId] = (offer, objekte);
                else
                {
                    WriteImport(prozessId, offer, objekte);
                    CallBackLater(prozessId, "Aussonderung.AussonderungImportBestaetigen.0506");
                }
                return Xml(Write(prozessId, "Aussonderung.AussonderungEmpfangBestaetigen.0507", Basis(offer, prozessId, "0507", "Aussonderung.AussonderungEmpfangBestaetigen")), 200);
            }
            default:
                return Results.Text($"the archive does not take {nachricht}", statusCode: 400);
        }
    }

    private void Record(string prozessId, string nachricht, XDocument doc, IReadOnlyList<string> dateien)
    {
        _received.Enqueue((prozessId, nachricht, doc, dateien));
        MessageReceived?.Invoke(prozessId, nachricht);
    }

    private void WriteImport(string prozessId, Offer offer, IReadOnlyList<string> objekte)
    {
        var x = offer.Ns;
        var import = Basis(offer, prozessId, "0506", "Aussonderung.AussonderungImportBestaetigen");
        foreach (var o in objekte)
            import.Add(new XElement(x + "AusgesondertesSGO",
                new XElement(x + "IDSGO", o),
                new XElement(x + "Erfolgreich", RejectImport ? "0" : "1"),
                RejectImport ? new XElement(x + "Fehlermeldung", "Die Primärdatei ist kein archivfähiges Format.") : null,
                RejectImport ? null : new XElement(x + "Archivkennung", $"StA-Best. 12 Nr. {Interlocked.Increment(ref _next)}")));
        Write(prozessId, "Aussonderung.AussonderungImportBestaetigen.0506", import);
    }

    private void Evaluate(string prozessId, Offer offer, bool callBack = true)
    {
        var x = offer.Ns;
        var bv = Basis(offer, prozessId, "0502", "Aussonderung.Bewertungsverzeichnis");
        bv.Element(x + "Kopf")!.Add(new XElement(x + "Empfangsbestaetigung", "1"));
        foreach (var o in offer.Objekte)
        {
            var decision = DecisionById.TryGetValue(o, out var own) ? own : Decision;
            offer.Bewertung[o] = decision;
            bv.Add(new XElement(x + "BewertetesObjekt",
                new XElement(x + "ID", o),
                new XElement(x + "Aussonderungsart",
                    new XElement(x + "Aussonderungsart", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:aussonderungsart"), new XAttribute("listVersionID", "1.0"),
                        new XElement("code", decision)))));
        }
        Write(prozessId, "Aussonderung.Bewertungsverzeichnis.0502", bv);
        if (callBack) CallBackLater(prozessId, "Aussonderung.Bewertungsverzeichnis.0502");
    }

    /// <summary>A message of the archive with its Kopf (NkBasis), sender and receiver of the offer swapped.</summary>
    private static XElement Basis(Offer offer, string prozessId, string code, string name)
    {
        var x = offer.Ns;
        var empfaenger = offer.AbsenderKopf.Element(x + "Absender") is { } a ? new XElement(x + "Empfaenger", a.Elements()) : new XElement(x + "Empfaenger");
        return new XElement(x + $"{name}.{code}", new XAttribute(XNamespace.Xmlns + "xdomea", x.NamespaceName),
            new XElement(x + "Kopf",
                new XElement(x + "ProzessID", prozessId),
                new XElement(x + "Nachrichtentyp", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp"), new XAttribute("listVersionID", "2.0"),
                    new XElement("code", code), new XElement("name", name)),
                new XElement(x + "Erstellungszeitpunkt", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)),
                new XElement(x + "Absender", new XElement(x + "Institution", new XElement(x + "Name", "Archiv-Simulator"))),
                empfaenger,
                new XElement(x + "SendendesSystem", new XElement(x + "Produktname", "EGov.Workflows Archiv-Simulator"))));
    }

    /// <summary>Validates the archive's own message, keeps it for <c>GET</c> and returns its text.</summary>
    private string Write(string prozessId, string nachricht, XElement root)
    {
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
        var problems = new List<string>();
        doc.Validate(_schema, (_, e) => problems.Add(e.Message));
        if (problems.Count > 0) throw new InvalidOperationException($"the simulator's own {nachricht} fails the schema: {problems[0]}");
        var text = doc.Declaration + Environment.NewLine + doc.Root;
        _outbox[(prozessId, nachricht)] = text;
        return text;
    }

    private static IResult Xml(string xml, int status) => XdomeaEndpoint.Xml(xml, status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
