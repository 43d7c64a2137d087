using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Ratsinfo;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Ratsinfo;

/// <summary>
/// <c>ratsinfo-vorlage</c>: keeps a Beschlussvorlage's register entry (table <c>ratsinfo_vorlage</c>) in step with its case, so
/// the paper is domain data and not only process variables. The entry's id is the case's business key (the Vorlagennummer).
/// <list type="bullet">
/// <item><c>aktion = registrieren</c>: writes the draft (status entwurf) and reads the target session from the Sitzungskalender:
///   outputs <c>einreichungsfrist</c> (the session's deadline, for the deadline timer), <c>sitzungsbeginn</c>, <c>vorsitzGruppe</c>
///   (who consents to a Nachtrag), <c>fristVerpasst</c>. An unknown or cancelled session is the BPMN error <c>SITZUNG_NICHT_VERFUEGBAR</c>.</item>
/// <item><c>aktion = einreichen</c>: the paper goes onto the session's agenda (status eingereicht); a public one is published
///   (OParl) at once. After the session's deadline only as <c>nachtrag</c> (with the chair's consent); otherwise the BPMN error
///   <c>FRIST_VERPASST</c>.</item>
/// <item><c>aktion = abgelehnt | zurueckgezogen</c>: the paper ends without being submitted; it is never published.</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Beschlussvorlage im Ratsinformationssystem registrieren, zur Sitzung einreichen (öffentlich: veröffentlichen) oder beenden")]
public sealed class VorlageActivity(RatsinfoRegister register) : WorkflowActivity
{
    public const string Name = "ratsinfo-vorlage";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "registrieren, einreichen, abgelehnt oder zurueckgezogen"),
        new("betreff", ActivityValueType.String, Description: "Betreff der Vorlage"),
        new("vorlagenart", ActivityValueType.String, Description: "Beschlussvorlage, Mitteilungsvorlage, …"),
        new("federfuehrend", ActivityValueType.String, Description: "Gruppe des federführenden Fachbereichs"),
        new("oeffentlich", ActivityValueType.Boolean, Description: "öffentliche Vorlage (sonst nur für Gremium, Büro und Fachbereich lesbar)"),
        new("sitzung", ActivityValueType.String, Description: "Id der Sitzung aus dem Sitzungskalender"),
        new("sachverhalt", ActivityValueType.String, Description: "Sachverhalt und Begründung"),
        new("beschlussvorschlag", ActivityValueType.String, Description: "Beschlussvorschlag"),
        new("nachtrag", ActivityValueType.Boolean, Description: "bei einreichen: als Nachtrag nach der Einreichungsfrist (Zustimmung des Vorsitzes)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("einreichungsfrist", ActivityValueType.String, Description: "Einreichungsfrist der Sitzung (ISO 8601)"),
        new("sitzungsbeginn", ActivityValueType.String, Description: "Beginn der Sitzung (ISO 8601)"),
        new("vorsitzGruppe", ActivityValueType.String, Description: "Gruppe des Vorsitzes des Gremiums"),
        new("fristVerpasst", ActivityValueType.Boolean, Description: "die Einreichungsfrist ist schon verstrichen"),
        new("veroeffentlicht", ActivityValueType.Boolean, Description: "bei einreichen: die Vorlage ist im OParl-Angebot veröffentlicht"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        var store = register.Store;
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                "registrieren" => Registrieren(context, store, id, now),
                "einreichen" => Einreichen(context, store, id, now),
                VorlageStatus.Abgelehnt or VorlageStatus.Zurueckgezogen => Beenden(context, store, id, now),
                var other => ActivityResult.Fail($"ratsinfo-vorlage: aktion must be registrieren, einreichen, abgelehnt or zurueckgezogen; found '{other}'"),
            });
        }
        catch (RatsinfoConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"ratsinfo-vorlage: the register refused the paper {id}: {e.Message}"));
        }
    }

    private static ActivityResult Registrieren(ActivityContext context, IRatsinfoStore store, string id, Instant now)
    {
        var sitzungId = context.GetString("sitzung");
        var sitzung = sitzungId is null ? null : store.GetSitzung(context.TenantId, sitzungId);
        if (sitzung is null || sitzung.Abgesagt)
            return ActivityResult.BpmnError("SITZUNG_NICHT_VERFUEGBAR", $"Die Sitzung „{sitzungId}“ steht nicht (oder abgesagt) im Sitzungskalender.",
                new JsonObject { ["sitzungHinweis"] = $"Die Sitzung „{sitzungId}“ steht nicht im Sitzungskalender oder ist abgesagt; bitte eine andere Sitzung wählen." });
        var gremium = store.GetGremium(context.TenantId, sitzung.GremiumId)!;
        var existing = store.GetVorlage(context.TenantId, id);
        store.PutVorlage(context.TenantId, Draft(context, id, existing, sitzung, VorlageStatus.Entwurf, now));
        return ActivityResult.Complete(new JsonObject
        {
            ["einreichungsfrist"] = Iso(sitzung.Einreichungsfrist),
            ["sitzungsbeginn"] = Iso(sitzung.Beginn),
            ["vorsitzGruppe"] = gremium.VorsitzGruppe,
            ["fristVerpasst"] = now > sitzung.Einreichungsfrist,
            ["sitzungHinweis"] = null,
        });
    }

    private static ActivityResult Einreichen(ActivityContext context, IRatsinfoStore store, string id, Instant now)
    {
        var sitzungId = context.GetString("sitzung");
        var sitzung = sitzungId is null ? null : store.GetSitzung(context.TenantId, sitzungId);
        if (sitzung is null || sitzung.Abgesagt)
            return ActivityResult.BpmnError("SITZUNG_NICHT_VERFUEGBAR", $"Die Sitzung „{sitzungId}“ steht nicht (oder abgesagt) im Sitzungskalender.");
        var nachtrag = context.GetBoolean("nachtrag") == true;
        if (now > sitzung.Einreichungsfrist && !nachtrag)
            return ActivityResult.BpmnError("FRIST_VERPASST", $"Die Einreichungsfrist der Sitzung „{sitzung.Name}“ ist verstrichen; nur noch als Nachtrag mit Zustimmung des Vorsitzes.");
        if (now >= sitzung.Beginn)
            return ActivityResult.BpmnError("FRIST_VERPASST", $"Die Sitzung „{sitzung.Name}“ hat bereits begonnen.");
        var existing = store.GetVorlage(context.TenantId, id);
        var draft = Draft(context, id, existing, sitzung, VorlageStatus.Eingereicht, now);
        var submitted = draft with { Nachtrag = nachtrag, EingereichtAm = now, VeroeffentlichtAm = draft.Oeffentlich ? now : null };
        store.PutVorlage(context.TenantId, submitted);
        return ActivityResult.Complete(new JsonObject { ["veroeffentlicht"] = submitted.VeroeffentlichtAm is not null });
    }

    private static ActivityResult Beenden(ActivityContext context, IRatsinfoStore store, string id, Instant now)
    {
        var existing = store.GetVorlage(context.TenantId, id);
        if (existing is null) return ActivityResult.Complete(new JsonObject { ["veroeffentlicht"] = false });
        store.PutVorlage(context.TenantId, existing with { Status = context.GetString("aktion")!, VeroeffentlichtAm = null, GeaendertAm = now });
        return ActivityResult.Complete(new JsonObject { ["veroeffentlicht"] = false });
    }

    private static Vorlage Draft(ActivityContext context, string id, Vorlage? existing, Sitzung sitzung, string status, Instant now) =>
        new(id,
            Text(context.GetString("betreff"), 500) ?? existing?.Betreff ?? "(ohne Betreff)",
            Text(context.GetString("vorlagenart"), 100) ?? existing?.Art ?? "Beschlussvorlage",
            Text(context.GetString("federfuehrend"), 100) ?? existing?.Federfuehrend ?? "unbekannt",
            context.GetBoolean("oeffentlich") ?? existing?.Oeffentlich ?? false, // not said: non-public (never published by mistake)
            status, sitzung.GremiumId, sitzung.Id, existing?.Nachtrag ?? false,
            Text(context.GetString("sachverhalt"), 100_000) ?? existing?.Sachverhalt,
            Text(context.GetString("beschlussvorschlag"), 20_000) ?? existing?.Beschlussvorschlag,
            existing?.Niederschrift, context.ProcessInstanceId, existing?.EingereichtAm, null, now);

    private static string? Text(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : s.Length > max ? s[..max] : s;

    private static string Iso(Instant i) => i.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
