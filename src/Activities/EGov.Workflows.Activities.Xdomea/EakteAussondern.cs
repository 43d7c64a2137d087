using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// <c>eakte-aussondern</c>: at the end of the Aufbewahrungsfrist, runs the xdomea Aussonderung of the case's Vorgang with the
/// archive. It offers the Vorgang (<c>Aussonderung.Anbieteverzeichnis.0501</c>, metadata only) and waits for the archive's
/// evaluation (<c>Aussonderung.Bewertungsverzeichnis.0502</c>: fetched every <c>Archiv:PollMinutes</c>, or given when the
/// task is resumed), confirms it (<c>0505</c>); a Vorgang the archive wants (A, archivwürdig) is handed over with its primary
/// files (<c>Aussonderung.Aussonderung.0503</c>) and the activity waits for the import confirmation (<c>0506</c>) with the
/// Archivkennung; one it does not want (V) is to be destroyed (kassiert). Output <c>aussonderung</c> says which
/// (<c>archiviert</c>, <c>kassiert</c>): the case's personal data may be deleted after either. Every message is checked
/// against the official XSD before it leaves and every answer before it is believed. A refused import is the BPMN error
/// <c>AUSSONDERUNG_REJECTED</c>; an archive that cannot be reached is retried, then an incident. The ProzessID derives from
/// the instance and element (or <c>idempotencyKey</c>): a retried step sends the same process again.
/// </summary>
[Activity("eakte-aussondern", Description = "Vorgang dem Archiv anbieten und aussondern (xdomea 0501–0507)", Title = "Aussonderung an das Archiv")]
public sealed class EakteAussondern(IOptionsMonitor<XdomeaOptions> options, IDmsTransport transport, ILogger<EakteAussondern> logger) : WorkflowActivity
{
    public const string Rejected = "AUSSONDERUNG_REJECTED";
    private const string State = "aussonderung";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("betreff", ActivityValueType.String, Required: true, "Betreff des Vorgangs"),
        new("aktenplaneinheit", ActivityValueType.String, Description: "Kennzeichen im Aktenplan, z. B. 32.10.05 (Standard: aktenplan.kennzeichen der service.yaml)"),
        new("aktenplanbetreff", ActivityValueType.String, Description: "Inhaltsangabe der Aktenplaneinheit"),
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen des Vorgangs (Standard: Aktenplaneinheit-Geschäftsschlüssel)"),
        new("vorgangId", ActivityValueType.String, Description: "ID des abgelegten Vorgangs (eakte.vorgangId), damit Archiv und eAkte denselben meinen"),
        new("aufbewahrungsfrist", ActivityValueType.String, Description: "Aufbewahrungsfrist als ISO-8601-Zeitraum, z. B. P6Y (Standard: aufbewahrungsfrist der service.yaml)"),
        new("fallakte", ActivityValueType.Boolean, Description: "Die Dokumente der Fallakte bei der Abgabe mitgeben (Standard: ja)"),
        new("aufbewahrungsende", ActivityValueType.Date, Description: "Tag, an dem die Aufbewahrungsfrist endete (Standard: heute)"),
        new("beginn", ActivityValueType.Date, Description: "Beginn der Laufzeit des Vorgangs"),
        new("ende", ActivityValueType.Date, Description: "Ende der Laufzeit des Vorgangs (Standard: heute)"),
        new("bewertungsvorschlag", ActivityValueType.String, Description: "Vorschlag der Behörde: A (archivwürdig) oder V (vernichten)"),
        new("formulardaten", ActivityValueType.Object, Description: "Antragsdaten, bei der Abgabe als Dokument Antragsdaten.xml"),
        new("dokumente", ActivityValueType.Array, Description: "[{ name, contentType, inhalt (Base64) oder text, betreff }] – bei der Abgabe als Primärdateien"),
        new("verlauf", ActivityValueType.Array, Description: "[{ zeit, akteur, aktion }] – die Zusammenfassung der Historie"),
        new("vertraulichkeitsstufe", ActivityValueType.String, Description: "Code der xdomea-Liste Vertraulichkeitsstufe (Standard 003: offen)"),
        new("akten", ActivityValueType.Array, Description: "Weitere Akten im selben Anbieteverzeichnis: [{ id, aktenzeichen, betreff, aktenplaneinheit, beginn, ende, vorgaenge: [{ vorgangId, aktenzeichen, betreff, beginn, ende }] }]"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel für ProzessID und IDs (Standard: Vorgang und Element)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new(State, ActivityValueType.Object, Description: "{ prozessId, vorgangId, phase, bewertung (A|V), entscheidung (archivieren|kassieren), archivkennung, angebotenAm, bewertetAm, abgegebenAm, abgeschlossenAm, akten: [{ id, aktenzeichen, bewertung, erfolgreich, archivkennung }] }"),
        new("archiviert", ActivityValueType.Boolean, Description: "true: das Archiv hat den Vorgang übernommen"),
        new("kassiert", ActivityValueType.Boolean, Description: "true: das Archiv will den Vorgang nicht, er ist zu vernichten"),
    ];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);
        if (LoadSchema(o, context.TenantId, out var schema) is { } broken) return ActivityResult.Fail(broken);
        var key = Key(context);
        AktenVorgang vorgang;
        Aussonderung.ArchivMetadaten meta;
        IReadOnlyList<Aussonderung.AktenAkte> akten;
        try { (vorgang, meta) = Read(context, key); akten = Akten(context, key, vorgang); }
        catch (EakteFile.InputException e) { return ActivityResult.Fail($"eakte-aussondern: {e.Message}"); }

        var kopf = Kopf(o, key, context.Now);
        var message = Aussonderung.Anbieten(schema.Namespace, kopf, vorgang, meta, akten);
        if (Invalid(schema, message, Aussonderung.Anbieteverzeichnis) is { } schemaError) return ActivityResult.Fail(schemaError);
        var archiv = o.ForArchiv();
        var sent = await transport.DeliverAsync(Abgabe.Container(message, kopf.ProzessId, Aussonderung.Anbieteverzeichnis, []),
            Abgabe.ContainerName(kopf.ProzessId, Aussonderung.Anbieteverzeichnis), $"{kopf.ProzessId:D}/0501", archiv, context.CancellationToken).ConfigureAwait(false);
        var state = new JsonObject
        {
            ["prozessId"] = kopf.ProzessId.ToString("D"),
            ["vorgangId"] = vorgang.Id.ToString("D"),
            ["aktenzeichen"] = vorgang.Aktenzeichen,
            ["phase"] = "angeboten",
            ["angebotenAm"] = context.Now.ToString("O"),
        };
        if (akten.Count > 0)
            state["akten"] = new JsonArray(akten.Select(a => (JsonNode)new JsonObject { ["id"] = a.Id.ToString("D"), ["aktenzeichen"] = a.Aktenzeichen, ["vorgaenge"] = a.Vorgaenge.Count }).ToArray());
        switch (sent)
        {
            case DmsOutcome.Failed f: return ActivityResult.Fail($"eakte-aussondern: the offer {Aussonderung.Anbieteverzeichnis} could not be delivered: {f.Reason}");
            case DmsOutcome.Answered a when !IsAnswer(schema, a.Body, Aussonderung.AnbietungEmpfangBestaetigen, kopf.ProzessId):
                return ActivityResult.Fail($"eakte-aussondern: the archive's answer to the offer is no valid {Aussonderung.AnbietungEmpfangBestaetigen} for the ProzessID {kopf.ProzessId:D}");
            case DmsOutcome.Answered: state["empfangBestaetigt"] = true; break;
        }
        Log(context, kopf.ProzessId, "offered to the archive (0501)");
        return Waiting(context, o, state, "Dem Archiv angeboten: warten auf die Bewertung (0502)");
    }

    /// <summary>
    /// Polled (null payload) or resumed with the archive's answer: <c>{ "nachricht": "&lt;xdomea …&gt;" }</c> (a 0502 or 0506 as
    /// the archive sent it), or entered by hand: <c>{ "bewertung": "A" | "V" }</c>, later <c>{ "erfolgreich": true, "archivkennung": "…" }</c>.
    /// </summary>
    public override async Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
    {
        var o = options.Get(context.TenantId);
        if (context.Variable(State)?.DeepClone() is not JsonObject state || Text(state["prozessId"]) is not { } pidText || !Guid.TryParse(pidText, out var prozessId)
            || !Guid.TryParse(Text(state["vorgangId"]), out var vorgangId))
            return ActivityResult.Fail("eakte-aussondern: the waiting Aussonderung's record (variable 'aussonderung' with prozessId and vorgangId) is missing");
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);
        if (LoadSchema(o, context.TenantId, out var schema) is { } broken) return ActivityResult.Fail(broken);
        return Text(state["phase"]) switch
        {
            "angeboten" => await EvaluatedAsync(context, o, schema, state, prozessId, vorgangId, payload).ConfigureAwait(false),
            "abgegeben" => await ImportedAsync(context, o, schema, state, prozessId, vorgangId, payload).ConfigureAwait(false),
            var p => ActivityResult.Fail($"eakte-aussondern: the Aussonderung is in the phase '{p}', which waits for nothing"),
        };
    }

    private async Task<ActivityResult> EvaluatedAsync(ActivityContext context, XdomeaOptions o, XdomeaSchema schema, JsonObject state, Guid prozessId, Guid vorgangId, JsonNode? payload)
    {
        Bewertung? bewertung;
        var akten = state["akten"] as JsonArray ?? [];
        if (Text(payload?["bewertung"]) is { } entered)
        {
            bewertung = Parse(entered);
            if (bewertung is null) return ActivityResult.Fail($"eakte-aussondern: '{entered}' is no evaluation (A: archivwürdig, V: vernichten)");
            state["bewertungQuelle"] = "von Hand";
            // The Akten offered with it: { "akten": { "<Aktenzeichen or id>": "A" | "V" } }, else as the Vorgang.
            foreach (var akte in akten.OfType<JsonObject>())
            {
                var own = payload?["akten"]?[Text(akte["aktenzeichen"]) ?? ""] ?? payload?["akten"]?[Text(akte["id"]) ?? ""];
                var b = own is null ? bewertung : Parse(Text(own) ?? "");
                if (b is null) return ActivityResult.Fail($"eakte-aussondern: '{Text(own)}' is no evaluation of the Akte {Text(akte["aktenzeichen"])} (A or V)");
                akte["bewertung"] = Aussonderung.Code(b.Value);
            }
        }
        else
        {
            var answer = await AnswerAsync(context, o, payload, prozessId, Aussonderung.Bewertungsverzeichnis).ConfigureAwait(false);
            if (answer.Failure is { } failure) return ActivityResult.Fail(failure);
            if (answer.Xml is null) return Waiting(context, o, state, "Dem Archiv angeboten: warten auf die Bewertung (0502)");
            if (Believe(schema, answer.Xml, Aussonderung.Bewertungsverzeichnis, prozessId) is { } wrong) return ActivityResult.Fail(wrong);
            var evaluated = XDocument.Parse(answer.Xml);
            bewertung = Aussonderung.BewertungVon(evaluated, schema.Namespace, vorgangId);
            if (bewertung is null)
                return ActivityResult.Fail($"eakte-aussondern: the archive's {Aussonderung.Bewertungsverzeichnis} does not decide on the Vorgang {vorgangId:D} (A or V)");
            foreach (var akte in akten.OfType<JsonObject>())
            {
                if (!Guid.TryParse(Text(akte["id"]), out var akteId) || Aussonderung.BewertungVon(evaluated, schema.Namespace, akteId) is not { } b)
                    return ActivityResult.Fail($"eakte-aussondern: the archive's {Aussonderung.Bewertungsverzeichnis} does not decide on the Akte {Text(akte["aktenzeichen"])} ({Text(akte["id"])}; A or V)");
                akte["bewertung"] = Aussonderung.Code(b);
            }
            state["bewertungQuelle"] = Aussonderung.Bewertungsverzeichnis;
        }
        state["bewertung"] = Aussonderung.Code(bewertung.Value);
        state["entscheidung"] = bewertung == Bewertung.Archivieren ? "archivieren" : "kassieren";
        state["bewertetAm"] = context.Now.ToString("O");

        // 0505: the evaluation was received.
        var kopf = Kopf(o, Key(context), context.Now) with { ProzessId = prozessId };
        var receipt = Aussonderung.BewertungBestaetigen(schema.Namespace, kopf);
        if (Invalid(schema, receipt, Aussonderung.BewertungEmpfangBestaetigen) is { } receiptError) return ActivityResult.Fail(receiptError);
        var archiv = o.ForArchiv();
        if (await transport.DeliverAsync(Abgabe.Container(receipt, prozessId, Aussonderung.BewertungEmpfangBestaetigen, []),
                Abgabe.ContainerName(prozessId, Aussonderung.BewertungEmpfangBestaetigen), $"{prozessId:D}/0505", archiv, context.CancellationToken).ConfigureAwait(false) is DmsOutcome.Failed rf)
            return ActivityResult.Fail($"eakte-aussondern: the receipt {Aussonderung.BewertungEmpfangBestaetigen} could not be delivered: {rf.Reason}");

        var aktenA = akten.OfType<JsonObject>().Where(a => Text(a["bewertung"]) == "A").Select(a => Guid.Parse(Text(a["id"])!)).ToHashSet();
        if (bewertung == Bewertung.Kassieren && aktenA.Count == 0)
        {
            state["phase"] = "abgeschlossen";
            state["abgeschlossenAm"] = context.Now.ToString("O");
            Log(context, prozessId, "evaluated V (to be destroyed) by the archive");
            return ActivityResult.Complete(new JsonObject { [State] = state, ["archiviert"] = false, ["kassiert"] = true });
        }

        // 0503: the hand-over with the primary files.
        AktenVorgang vorgang;
        Aussonderung.ArchivMetadaten meta;
        IReadOnlyList<Aussonderung.AktenAkte> abzugeben;
        try
        {
            (vorgang, meta) = Read(context, Key(context), vorgangId);
            abzugeben = Akten(context, Key(context), vorgang).Where(a => aktenA.Contains(a.Id)).ToList();
        }
        catch (EakteFile.InputException e) { return ActivityResult.Fail($"eakte-aussondern: {e.Message}"); }
        if (abzugeben.Count != aktenA.Count) return ActivityResult.Fail("eakte-aussondern: the input 'akten' no longer names every Akte the archive evaluated A");
        var vorgangAbgeben = bewertung == Bewertung.Archivieren;
        var message = Aussonderung.Abgeben(schema.Namespace, kopf, vorgangAbgeben ? vorgang : null, meta, abzugeben);
        if (Invalid(schema, message, Aussonderung.Abgabe0503) is { } schemaError) return ActivityResult.Fail(schemaError);
        var sent = await transport.DeliverAsync(Abgabe.Container(message, prozessId, Aussonderung.Abgabe0503, vorgangAbgeben ? vorgang.Dokumente : []),
            Abgabe.ContainerName(prozessId, Aussonderung.Abgabe0503), $"{prozessId:D}/0503", archiv, context.CancellationToken).ConfigureAwait(false);
        if (sent is DmsOutcome.Failed f) return ActivityResult.Fail($"eakte-aussondern: the hand-over {Aussonderung.Abgabe0503} could not be delivered: {f.Reason}");
        state["phase"] = "abgegeben";
        state["abgegebenAm"] = context.Now.ToString("O");
        state["dokumente"] = vorgangAbgeben ? vorgang.Dokumente.Count : 0;
        Log(context, prozessId, "handed over to the archive (0503)");
        if (sent is DmsOutcome.Answered a)
        {
            // The archive may answer the hand-over at once: a receipt (0507) or already the import confirmation (0506).
            if (IsAnswer(schema, a.Body, Aussonderung.AussonderungImportBestaetigen, prozessId)) return Imported(context, state, XDocument.Parse(a.Body), schema.Namespace, vorgangId);
            if (!IsAnswer(schema, a.Body, Aussonderung.AussonderungEmpfangBestaetigen, prozessId))
                return ActivityResult.Fail($"eakte-aussondern: the archive's answer to the hand-over is no valid {Aussonderung.AussonderungEmpfangBestaetigen} or {Aussonderung.AussonderungImportBestaetigen} for the ProzessID {prozessId:D}");
            state["abgabeEmpfangBestaetigt"] = true;
        }
        // An archive that imports at once has its 0506 ready now; otherwise the activity waits and asks again.
        return await ImportedAsync(context, o, schema, state, prozessId, vorgangId, null).ConfigureAwait(false);
    }

    private async Task<ActivityResult> ImportedAsync(ActivityContext context, XdomeaOptions o, XdomeaSchema schema, JsonObject state, Guid prozessId, Guid vorgangId, JsonNode? payload)
    {
        if (payload?["erfolgreich"] is JsonValue ok && ok.TryGetValue<bool>(out var erfolgreich))
        {
            state["importQuelle"] = "von Hand";
            foreach (var akte in (state["akten"] as JsonArray ?? []).OfType<JsonObject>().Where(a => Text(a["bewertung"]) == "A"))
                akte["erfolgreich"] = erfolgreich;
            if (Text(state["bewertung"]) == "V") return erfolgreich ? Kassiert(context, state) : Refused(context, state, Text(payload["fehler"]) ?? "ohne Angabe von Gründen");
            return erfolgreich
                ? Done(context, state, Text(payload["archivkennung"]))
                : Refused(context, state, Text(payload["fehler"]) ?? "ohne Angabe von Gründen");
        }
        var answer = await AnswerAsync(context, o, payload, prozessId, Aussonderung.AussonderungImportBestaetigen).ConfigureAwait(false);
        if (answer.Failure is { } failure) return ActivityResult.Fail(failure);
        if (answer.Xml is null) return Waiting(context, o, state, "An das Archiv abgegeben: warten auf die Importbestätigung (0506)");
        if (Believe(schema, answer.Xml, Aussonderung.AussonderungImportBestaetigen, prozessId) is { } wrong) return ActivityResult.Fail(wrong);
        return Imported(context, state, XDocument.Parse(answer.Xml), schema.Namespace, vorgangId);
    }

    private ActivityResult Imported(ActivityContext context, JsonObject state, XDocument doc, string ns, Guid vorgangId)
    {
        state["importQuelle"] = Aussonderung.AussonderungImportBestaetigen;
        var fehler = new List<string>();
        foreach (var akte in (state["akten"] as JsonArray ?? []).OfType<JsonObject>().Where(a => Text(a["bewertung"]) == "A"))
        {
            if (Aussonderung.ImportVon(doc, ns, Guid.Parse(Text(akte["id"])!)) is not { } a)
                return ActivityResult.Fail($"eakte-aussondern: the archive's {Aussonderung.AussonderungImportBestaetigen} does not name the Akte {Text(akte["aktenzeichen"])} ({Text(akte["id"])})");
            akte["erfolgreich"] = a.Erfolgreich;
            akte["archivkennung"] = a.Archivkennung;
            if (!a.Erfolgreich) fehler.Add($"Akte {Text(akte["aktenzeichen"])}: {(a.Fehler.Count > 0 ? string.Join("; ", a.Fehler) : "ohne Angabe von Gründen")}");
        }
        if (Text(state["bewertung"]) == "V") // only Akten were handed over; the Vorgang itself is kassiert
            return fehler.Count == 0 ? Kassiert(context, state) : Refused(context, state, string.Join("; ", fehler));
        if (Aussonderung.ImportVon(doc, ns, vorgangId) is not { } import)
            return ActivityResult.Fail($"eakte-aussondern: the archive's {Aussonderung.AussonderungImportBestaetigen} does not name the Vorgang {vorgangId:D}");
        if (!import.Erfolgreich) fehler.Insert(0, import.Fehler.Count > 0 ? string.Join("; ", import.Fehler) : "ohne Angabe von Gründen");
        return fehler.Count == 0 ? Done(context, state, import.Archivkennung) : Refused(context, state, string.Join("; ", fehler));
    }

    private ActivityResult Kassiert(ActivityContext context, JsonObject state)
    {
        state["phase"] = "abgeschlossen";
        state["abgeschlossenAm"] = context.Now.ToString("O");
        Log(context, Guid.Parse(Text(state["prozessId"])!), "evaluated V; the Akten evaluated A were imported by the archive (0506)");
        return ActivityResult.Complete(new JsonObject { [State] = state, ["archiviert"] = false, ["kassiert"] = true });
    }

    private static Bewertung? Parse(string text) => text.Trim().ToUpperInvariant() switch
    {
        "A" or "ARCHIVIEREN" or "ARCHIVWÜRDIG" => Bewertung.Archivieren,
        "V" or "KASSIEREN" or "VERNICHTEN" => Bewertung.Kassieren,
        _ => null,
    };

    /// <summary>The further Akten of the input <c>akten</c> (none when it is absent); ids derive from the key and the Aktenzeichen unless given.</summary>
    private static IReadOnlyList<Aussonderung.AktenAkte> Akten(ActivityContext context, string key, AktenVorgang vorgang)
    {
        var input = context.Input("akten");
        if (input is null || input.GetValueKind() == System.Text.Json.JsonValueKind.Null) return [];
        if (input is not JsonArray list) throw new EakteFile.InputException("the input 'akten' is not a list");
        var akten = new List<Aussonderung.AktenAkte>();
        foreach (var (node, i) in list.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject a) throw new EakteFile.InputException($"akten[{i}] is not an object");
            var az = Text(a["aktenzeichen"]) ?? throw new EakteFile.InputException($"akten[{i}] has no aktenzeichen");
            var betreff = Text(a["betreff"]) ?? throw new EakteFile.InputException($"akten[{i}] ({az}) has no betreff");
            var id = Text(a["id"]) is { } given ? (Guid.TryParse(given, out var g) ? g : throw new EakteFile.InputException($"akten[{i}].id ('{given}') is no UUID")) : Abgabe.StableId($"{key}#akte#{az}");
            var plan = Text(a["aktenplaneinheit"]) ?? vorgang.Aktenplaneinheit;
            var vorgaenge = new List<AktenVorgang>();
            foreach (var (vn, j) in (a["vorgaenge"] as JsonArray ?? []).Select((n, j) => (n, j)))
            {
                if (vn is not JsonObject v) throw new EakteFile.InputException($"akten[{i}].vorgaenge[{j}] is not an object");
                var vaz = Text(v["aktenzeichen"]) ?? throw new EakteFile.InputException($"akten[{i}].vorgaenge[{j}] has no aktenzeichen");
                var vid = Text(v["vorgangId"]) is { } vg ? (Guid.TryParse(vg, out var vgid) ? vgid : throw new EakteFile.InputException($"akten[{i}].vorgaenge[{j}].vorgangId ('{vg}') is no UUID")) : Abgabe.StableId($"{key}#akte#{az}#{vaz}");
                vorgaenge.Add(new AktenVorgang(vid, Text(v["betreff"]) ?? vaz, vaz, plan, null, Day(v["beginn"]) ?? vorgang.Beginn, Day(v["ende"]) ?? vorgang.Ende, [], []));
            }
            akten.Add(new Aussonderung.AktenAkte(id, az, betreff, plan,
                Day(a["beginn"]) ?? vorgaenge.Select(v => v.Beginn).DefaultIfEmpty(vorgang.Beginn).Min(), Day(a["ende"]) ?? vorgaenge.Select(v => v.Ende).DefaultIfEmpty(vorgang.Ende).Max(), vorgaenge));
        }
        if (akten.Select(a => a.Id).Distinct().Count() != akten.Count) throw new EakteFile.InputException("the input 'akten' names an Akte twice");
        return akten;
    }

    private static DateOnly? Day(JsonNode? n) =>
        Text(n) is { } t && DateOnly.TryParseExact(t.Length >= 10 ? t[..10] : t, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d : null;

    private ActivityResult Done(ActivityContext context, JsonObject state, string? archivkennung)
    {
        state["phase"] = "abgeschlossen";
        state["archivkennung"] = archivkennung;
        state["abgeschlossenAm"] = context.Now.ToString("O");
        Log(context, Guid.Parse(Text(state["prozessId"])!), "imported by the archive (0506)");
        return ActivityResult.Complete(new JsonObject { [State] = state, ["archiviert"] = true, ["kassiert"] = false });
    }

    private ActivityResult Refused(ActivityContext context, JsonObject state, string reason)
    {
        state["phase"] = "abgelehnt";
        state["fehler"] = reason;
        logger.LogWarning("eakte-aussondern: the archive refused the import of process {ProzessId} for instance {Instance}: {Reason}", Text(state["prozessId"]), context.ProcessInstanceId, reason);
        return ActivityResult.BpmnError(Rejected, $"Das Archiv hat die Übernahme abgelehnt: {reason}", new JsonObject { [State] = state, ["archiviert"] = false, ["kassiert"] = false });
    }

    /// <summary>The archive's message: from the payload (<c>nachricht</c>), else fetched; Xml null when it is not there yet.</summary>
    private async Task<(string? Xml, string? Failure)> AnswerAsync(ActivityContext context, XdomeaOptions o, JsonNode? payload, Guid prozessId, string nachricht)
    {
        if (Text(payload?["nachricht"]) is { } given)
        {
            // A callback of the archive for another step of this Aussonderung (a late or repeated 0502 while the hand-over
            // waits for its 0506) is no answer to this step: wait on. One entered by hand is checked as it is.
            if (Text(payload?["quelle"]) == "callback" && Aussonderung.Read(given, NamespaceOf(given)) is { } read
                && read.Nachricht != nachricht && read.Nachricht is Aussonderung.Bewertungsverzeichnis or Aussonderung.AussonderungImportBestaetigen)
                return (null, null);
            return (given, null);
        }
        var archiv = o.ForArchiv();
        if (archiv.Delivery == DmsDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Archiv.ReturnDirectory)) return (null, null); // entered by hand
        return await transport.FetchAsync(prozessId.ToString("D"), nachricht, o.Archiv.ReturnDirectory, archiv, context.CancellationToken).ConfigureAwait(false) switch
        {
            DmsOutcome.Answered a => (a.Body, null),
            DmsOutcome.Failed f => (null, $"eakte-aussondern: asking the archive for {nachricht}: {f.Reason}"),
            _ => (null, null),
        };
    }

    private static ActivityResult Waiting(ActivityContext context, XdomeaOptions o, JsonObject state, string reason)
    {
        DateTimeOffset? next = o.Archiv.Delivery == DmsDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Archiv.ReturnDirectory)
            ? null : context.Now.AddMinutes(Math.Clamp(o.Archiv.PollMinutes, 1, 60 * 24 * 7));
        return ActivityResult.Wait(reason, new JsonObject { [State] = state.DeepClone(), ["archiviert"] = false, ["kassiert"] = false },
            CallbackKey(Guid.Parse(Text(state["prozessId"])!)), next);
    }

    /// <summary>The key an Aussonderung waits under: the archive's callback (<see cref="ArchivCallback"/>) resumes it by its ProzessID.</summary>
    public static string CallbackKey(Guid prozessId) => $"xdomea-aussonderung:{prozessId:D}";

    private static string Key(ActivityContext context) =>
        context.GetString("idempotencyKey") is { Length: > 0 } k ? k : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";

    private static AbgabeKopf Kopf(XdomeaOptions o, string key, DateTimeOffset now) =>
        new(Abgabe.StableId(key + "#aussonderung"), now, o.Behoerde!, o.Organisationseinheit, o.Archiv.Name ?? "Archiv");

    private static (AktenVorgang, Aussonderung.ArchivMetadaten) Read(ActivityContext context, string key, Guid? id = null)
    {
        if (id is null && context.GetString("vorgangId") is { Length: > 0 } given)
            id = Guid.TryParse(given, out var g) ? g : throw new EakteFile.InputException($"the input 'vorgangId' ('{given}') is no UUID");
        var vorgang = EakteFile.Vorgang(context, key, (az, n) => $"Vorgang {az} zur Aussonderung an das Archiv übergeben ({n} Dokument(e))", id);
        if (context.GetDate("ende") is { } e) vorgang = vorgang with { Ende = new DateOnly(e.Year, e.Month, e.Day) };
        int? jahre = null;
        if ((context.GetString("aufbewahrungsfrist") is { Length: > 0 } ownFrist ? ownFrist : context.Service?.Aufbewahrungsfrist) is { Length: > 0 } frist)
        {
            var p = PeriodPattern.NormalizingIso.Parse(frist.Trim());
            if (!p.Success || p.Value.HasTimeComponent) throw new EakteFile.InputException($"the input 'aufbewahrungsfrist' ('{frist}') is no ISO 8601 period in years, months or days (P6Y)");
            jahre = (int)Math.Ceiling(p.Value.Years + p.Value.Months / 12.0 + (p.Value.Weeks * 7 + p.Value.Days) / 365.0);
        }
        var ende = context.GetDate("aufbewahrungsende") is { } a ? new DateOnly(a.Year, a.Month, a.Day) : DateOnly.FromDateTime(context.Now.UtcDateTime);
        var vorschlag = context.GetString("bewertungsvorschlag")?.Trim().ToUpperInvariant();
        if (vorschlag is { Length: > 0 } and not ("A" or "V")) throw new EakteFile.InputException($"the input 'bewertungsvorschlag' ('{vorschlag}') is neither A nor V");
        return (vorgang, new Aussonderung.ArchivMetadaten(jahre, ende, vorschlag is { Length: > 0 } ? vorschlag : null));
    }

    /// <summary>The first required setting that is not there, as a message naming its configuration keys.</summary>
    internal static string? Missing(XdomeaOptions o, string tenant)
    {
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(XdomeaOptions.Section, tenant, s);
        if (string.IsNullOrWhiteSpace(o.SchemaDirectory)) return $"eakte-aussondern: the setting {Keys("SchemaDirectory")} is missing (the folder with the official xdomea.xsd)";
        if (string.IsNullOrWhiteSpace(o.Behoerde)) return $"eakte-aussondern: the setting {Keys("Behoerde")} is missing (the sending authority)";
        if (o.Archiv.Delivery == DmsDeliveryKind.Http && !Uri.TryCreate(o.Archiv.Endpoint, UriKind.Absolute, out _))
            return $"eakte-aussondern: the setting {Keys("Archiv:Endpoint")} is missing or not an absolute URL (the archive's xdomea endpoint)";
        if (o.Archiv.Delivery == DmsDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Archiv.Directory))
            return $"eakte-aussondern: the setting {Keys("Archiv:Directory")} is missing (the folder the archive takes its messages from)";
        return null;
    }

    private static string? LoadSchema(XdomeaOptions o, string tenant, out XdomeaSchema schema)
    {
        try { schema = XdomeaSchema.Load(o.SchemaDirectory!); return null; }
        catch (XdomeaSchemaException e)
        {
            schema = null!;
            return $"eakte-aussondern: {e.Message} (setting {PackServiceCollectionExtensions.SettingKeys(XdomeaOptions.Section, tenant, "SchemaDirectory")})";
        }
    }

    private static string? Invalid(XdomeaSchema schema, XDocument message, string nachricht)
    {
        var errors = schema.Validate(message);
        return errors.Count == 0 ? null : $"eakte-aussondern: the xdomea message {nachricht} fails the schema {schema.Version} and was not sent: {string.Join("; ", errors.Take(3))}";
    }

    /// <summary>Null when <paramref name="xml"/> is a valid <paramref name="nachricht"/> of this process; else why it is not believed.</summary>
    private static string? Believe(XdomeaSchema schema, string xml, string nachricht, Guid prozessId)
    {
        if (Aussonderung.Read(xml, schema.Namespace) is not { } read) return $"eakte-aussondern: the archive's answer is no xdomea {schema.Version} message (expected {nachricht})";
        if (read.Nachricht != nachricht) return $"eakte-aussondern: the archive answered {read.Nachricht}, expected {nachricht}";
        if (!Guid.TryParse(read.ProzessId, out var p) || p != prozessId) return $"eakte-aussondern: the archive's {nachricht} belongs to the ProzessID {read.ProzessId}, not {prozessId:D}";
        var errors = schema.Validate(read.Doc);
        return errors.Count == 0 ? null : $"eakte-aussondern: the archive's {nachricht} fails the schema {schema.Version}: {string.Join("; ", errors.Take(3))}";
    }

    private static bool IsAnswer(XdomeaSchema schema, string xml, string nachricht, Guid prozessId) => Believe(schema, xml, nachricht, prozessId) is null;

    private void Log(ActivityContext context, Guid prozessId, string what)
    {
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("eakte-aussondern: process {ProzessId} for instance {Instance} at {Element} {What}", prozessId, context.ProcessInstanceId, context.ElementId, what);
    }

    private static string NamespaceOf(string xml)
    {
        try { return XDocument.Parse(xml).Root?.Name.NamespaceName ?? ""; }
        catch (XmlException) { return ""; }
    }

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
