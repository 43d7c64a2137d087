using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Kita;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Kita;

/// <summary>
/// <c>kita-platz</c>: a Kita case's steps on the waiting list and the places (migration 0033); the registration's id is the
/// case's business key.
/// <list type="bullet">
/// <item><c>aktion = anmelden</c>: puts the child (<c>kind</c>, <c>geburtsdatum</c>) on the waiting list for care from <c>beginn</c>
///   with up to three <c>wuensche</c> (Kita ids in order) and the <c>punkte</c> of the allocation table; outputs <c>rang</c>.</item>
/// <item><c>aktion = zuteilen</c>: offers a free place by the wishes and the rank (nobody ranked higher waits for it); outputs
///   <c>platzAngeboten</c>, <c>einrichtung</c>, <c>einrichtungName</c>, <c>angebotFrist</c> (today + <c>fristTage</c>, default 14).</item>
/// <item><c>aktion = annehmen</c>: the family accepts the place.</item>
/// <item><c>aktion = ablehnen</c>: the family declines; with <c>weiterWarten</c> true the child stays on the list, else the registration ends.</item>
/// <item><c>aktion = verfallen</c>: no answer within the Frist — the place goes to the next on the list.</item>
/// <item><c>aktion = zurueckziehen</c>: the family withdraws; a place held is freed.</item>
/// </list>
/// A wished Kita unknown → BPMN error <c>KITA_UNBEKANNT</c>; a step the registration's state does not allow → technical failure.
/// </summary>
[Activity(Name, Description = "Kita-Platz: Warteliste, Zuteilung nach Rang und Wünschen, Angebot annehmen, ablehnen, verfallen lassen, zurückziehen")]
public sealed class PlatzActivity(KitaRegister register) : WorkflowActivity
{
    public const string Name = "kita-platz";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "anmelden, zuteilen, annehmen, ablehnen, verfallen oder zurueckziehen"),
        new("kind", ActivityValueType.String, Description: "bei anmelden: Name des Kindes"),
        new("geburtsdatum", ActivityValueType.Date, Description: "bei anmelden: Geburtsdatum des Kindes"),
        new("beginn", ActivityValueType.Date, Description: "bei anmelden: gewünschter Betreuungsbeginn"),
        new("wuensche", ActivityValueType.Any, Description: "bei anmelden: bis zu drei Kita-Ids in der Reihenfolge der Wünsche"),
        new("punkte", ActivityValueType.Number, Description: "bei anmelden: Punkte aus der Vergabetabelle (DMN)"),
        new("fristTage", ActivityValueType.Number, Description: "bei zuteilen: Tage, die das Angebot gilt (Standard 14)"),
        new("weiterWarten", ActivityValueType.Boolean, Description: "bei ablehnen: auf der Warteliste bleiben"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("anmeldungStatus", ActivityValueType.String, Description: "wartend, angeboten, angenommen, abgelehnt, verfallen oder zurueckgezogen"),
        new("rang", ActivityValueType.Number, Description: "Platz auf der Warteliste (1 = als Nächstes), solange wartend"),
        new("platzAngeboten", ActivityValueType.Boolean, Description: "bei zuteilen: ein Platz ist angeboten"),
        new("einrichtung", ActivityValueType.String, Description: "die Kita des angebotenen Platzes"),
        new("einrichtungName", ActivityValueType.String),
        new("angebotFrist", ActivityValueType.Date, Description: "bis wann das Angebot angenommen werden kann"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        var today = new LocalDate(context.Now.Year, context.Now.Month, context.Now.Day);
        var store = register.Store;
        var tenant = context.TenantId;
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                "anmelden" => Anmelden(store, tenant, id, context, now),
                "zuteilen" => Result(store, tenant, store.Zuteilen(tenant, id, today.PlusDays((int)(context.GetDecimal("fristTage") ?? 14m)), now), zuteilen: true),
                "annehmen" => Result(store, tenant, store.Annehmen(tenant, id, now)),
                "ablehnen" => Result(store, tenant, store.Freigeben(tenant, id, context.GetBoolean("weiterWarten") == true ? AnmeldungStatus.Wartend : AnmeldungStatus.Abgelehnt, now)),
                "verfallen" => Result(store, tenant, store.Freigeben(tenant, id, AnmeldungStatus.Verfallen, now)),
                // Withdrawn before the wishes were given: nothing is on the list yet, nothing to free.
                "zurueckziehen" when store.GetAnmeldung(tenant, id) is null => ActivityResult.Complete(new JsonObject { ["anmeldungStatus"] = AnmeldungStatus.Zurueckgezogen }),
                "zurueckziehen" => Result(store, tenant, store.Freigeben(tenant, id, AnmeldungStatus.Zurueckgezogen, now)),
                var other => ActivityResult.Fail($"kita-platz: aktion must be anmelden, zuteilen, annehmen, ablehnen, verfallen or zurueckziehen; found '{other}'"),
            });
        }
        catch (KitaConstraintException e) when (e.Code is KitaFehler.EinrichtungUnbekannt)
        {
            return Task.FromResult(ActivityResult.BpmnError(e.Code, e.Message, new JsonObject { ["kitaHinweis"] = e.Message }));
        }
        catch (KitaConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"kita-platz: the registration {id} refused the step: {e.Message}"));
        }
    }

    private static ActivityResult Anmelden(IKitaStore store, string tenant, string id, ActivityContext context, Instant now)
    {
        if (context.GetString("kind") is not { Length: > 0 } kind || context.GetDate("geburtsdatum") is not { } geburt || context.GetDate("beginn") is not { } beginn)
            return ActivityResult.Fail("kita-platz: anmelden needs kind, geburtsdatum and beginn");
        var wuensche = context.Input("wuensche") switch
        {
            JsonArray a => a.Select(x => x?.ToString().Trim() ?? "").Where(x => x.Length > 0).ToList(),
            JsonValue v when v.TryGetValue<string>(out var s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            _ => [],
        };
        var punkte = (int)(context.GetDecimal("punkte") ?? 0m);
        return Result(store, tenant, store.Anmelden(tenant, new NeueAnmeldung(id, kind, geburt, beginn, wuensche, punkte, context.ProcessInstanceId), now));
    }

    private static ActivityResult Result(IKitaStore store, string tenant, Anmeldung a, bool zuteilen = false)
    {
        var kita = a.EinrichtungId is { } k ? store.GetEinrichtung(tenant, k) : null;
        var outputs = new JsonObject
        {
            ["anmeldungStatus"] = a.Status,
            ["rang"] = a.Rang,
            ["einrichtung"] = a.EinrichtungId,
            ["einrichtungName"] = kita?.Name,
            ["angebotFrist"] = a.AngebotFrist?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (zuteilen) outputs["platzAngeboten"] = a.Status == AnmeldungStatus.Angeboten;
        return ActivityResult.Complete(outputs);
    }
}
