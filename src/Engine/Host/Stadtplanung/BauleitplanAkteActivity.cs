using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Stadtplanung;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Stadtplanung;

/// <summary>
/// <c>bauleitplan-akte</c>: keeps a Bauleitplan procedure's eAkte (tables <c>bauleitplan_verfahren</c>, <c>bauleitplan_dokument</c>) in
/// step with its case. The procedure's id is the case's business key (the Plan-Nummer).
/// <list type="bullet">
/// <item><c>aktion = anlegen</c>: writes the procedure with its metadata (variables planNummer, titel, planart, gemarkung, flur,
///   vertraulich, lesegruppen), the Aktenplan-Kennzeichen (input <c>aktenplaneinheit</c>, else the service.yaml's
///   <c>aktenplan.kennzeichen</c>) and the Aktenzeichen <c>&lt;Kennzeichen&gt;-&lt;Plan-Nummer&gt;</c>; output <c>aktenzeichen</c>.</item>
/// <item><c>aktion = ablegen</c>: files the step's document (<c>schritt</c>, <c>dokument</c>, <c>inhalt</c>) and every file of the case
///   file not filed yet, each with the Aktenplan-Kennzeichen and the Aktenzeichen <c>…/Nr</c>; the procedure moves to the step's status.</item>
/// <item><c>aktion = einstellen</c>: files the document and sets the status <c>eingestellt</c> (the eAkte is kept whole).</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Bauleitplanverfahren in der eAkte anlegen, Dokumente mit Aktenplan-Kennzeichen ablegen, Verfahren einstellen")]
public sealed class BauleitplanAkteActivity(StadtplanungRegister register) : WorkflowActivity
{
    public const string Name = "bauleitplan-akte";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "anlegen, ablegen oder einstellen"),
        new("schritt", ActivityValueType.String, Description: "bei ablegen: aufstellungsbeschluss, fruehzeitige_beteiligung, auslegung, abwaegung, satzungsbeschluss, bekanntmachung oder dokument"),
        new("dokument", ActivityValueType.String, Description: "Titel des Dokuments, das der Schritt ablegt"),
        new("inhalt", ActivityValueType.String, Description: "Inhalt des Dokuments (Text)"),
        new("aktenplaneinheit", ActivityValueType.String, Description: "Aktenplan-Kennzeichen (Standard: aktenplan.kennzeichen der service.yaml)"),
        new("verfahrensart", ActivityValueType.String, Description: "bei anlegen: regel oder beschleunigt (§ 13a BauGB)"),
        new("federfuehrend", ActivityValueType.String, Description: "bei anlegen: Gruppe des Stadtplanungsamts (Standard: stadtplanung-bauleitplanung)"),
        new("auslegungBeginn", ActivityValueType.String, Description: "bei schritt auslegung: erster Tag der Auslegung (YYYY-MM-DD)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen der eAkte des Verfahrens"),
        new("verfahrensstatus", ActivityValueType.String, Description: "Status des Verfahrens nach dem Schritt"),
        new("abgelegteDokumente", ActivityValueType.Number, Description: "Anzahl der Dokumente in der eAkte"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                "anlegen" => Anlegen(context, id, now),
                "ablegen" => Ablegen(context, id, now, einstellen: false),
                "einstellen" => Ablegen(context, id, now, einstellen: true),
                var other => ActivityResult.Fail($"bauleitplan-akte: aktion must be anlegen, ablegen or einstellen; found '{other}'"),
            });
        }
        catch (StadtplanungConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"bauleitplan-akte: the eAkte refused procedure {id}: {e.Message}"));
        }
        catch (ArgumentException e)
        {
            return Task.FromResult(ActivityResult.Fail($"bauleitplan-akte: {e.Message}"));
        }
    }

    private ActivityResult Anlegen(ActivityContext context, string id, Instant now)
    {
        var kennzeichen = Text(context.GetString("aktenplaneinheit"), 50) ?? Text(context.Service?.AktenplanKennzeichen, 50)
            ?? throw new ArgumentException("the input 'aktenplaneinheit' is empty and the service.yaml names no aktenplan (kennzeichen) for the process");
        var planNummer = Text(context.GetString("planNummer"), 64) ?? id;
        var art = context.GetString("verfahrensart") is "beschleunigt" ? "beschleunigt" : "regel";
        var existing = register.Store.GetVerfahren(context.TenantId, id);
        var federfuehrend = Text(context.GetString("federfuehrend"), 100) ?? "stadtplanung-bauleitplanung";
        var lesegruppen = (context.GetString("lesegruppen") ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(g => g.Length <= 100).Distinct(StringComparer.Ordinal).Take(50).ToList();
        var v = new Verfahren(id, context.ProcessInstanceId, planNummer, Text(context.GetString("titel"), 300) ?? planNummer,
            Text(context.GetString("planart"), 100) ?? "Bebauungsplan", Text(context.GetString("gemarkung"), 100) ?? "unbekannt", Text(context.GetString("flur"), 300),
            art, kennzeichen, Text(context.Service?.AktenplanBetreff, 300), $"{kennzeichen}-{planNummer}", federfuehrend,
            context.GetBoolean("vertraulich") == true, lesegruppen, existing?.Status ?? VerfahrenStatus.Eingeleitet, existing?.AuslegungBeginn,
            existing?.AngelegtAm ?? now, now);
        v = register.Store.PutVerfahren(context.TenantId, v);
        return Result(context, v);
    }

    private ActivityResult Ablegen(ActivityContext context, string id, Instant now, bool einstellen)
    {
        var store = register.Store;
        var v = store.GetVerfahren(context.TenantId, id) ?? throw new StadtplanungConstraintException($"no procedure '{id}' (aktion anlegen first)");
        var schritt = einstellen ? "einstellung" : context.GetString("schritt") ?? throw new ArgumentException("the input 'schritt' is missing");
        var status = einstellen ? VerfahrenStatus.Eingestellt : VerfahrenStatus.AfterStep(schritt) ?? v.Status;
        var titel = Text(context.GetString("dokument"), 300) ?? (einstellen ? "Einstellung des Verfahrens" : schritt);
        var inhalt = Text(context.GetString("inhalt"), 50_000) ?? (einstellen ? Text(context.Variable("einstellungGrund")?.ToString(), 50_000) : null);
        store.AddDokument(context.TenantId, new Dokument(id, 0, titel, schritt, v.AktenplanKennzeichen, v.Aktenzeichen, inhalt, null, null, null, now));
        // The files the clerks put into the case file (plan drawings, statements, the Satzung) are filed with the step, once each.
        foreach (var d in context.CaseDocuments())
            store.AddDokument(context.TenantId, new Dokument(id, 0, Text(d.Name, 300) ?? "Anhang", schritt, v.AktenplanKennzeichen, v.Aktenzeichen, null,
                d.Hash, d.Name, d.ContentType, now));
        var beginn = schritt == "auslegung" ? context.GetDate("auslegungBeginn") ?? v.AuslegungBeginn : v.AuslegungBeginn;
        v = store.PutVerfahren(context.TenantId, v with { Status = status, AuslegungBeginn = beginn, GeaendertAm = now });
        return Result(context, v);
    }

    private ActivityResult Result(ActivityContext context, Verfahren v) => ActivityResult.Complete(new JsonObject
    {
        ["aktenzeichen"] = v.Aktenzeichen,
        ["verfahrensstatus"] = v.Status,
        ["abgelegteDokumente"] = register.Store.Dokumente(context.TenantId, v.Id).Count,
    });

    private static string? Text(string? value, int max) =>
        value?.Trim() is { Length: > 0 } t ? new string(t.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t').Take(max).ToArray()) : null;
}
