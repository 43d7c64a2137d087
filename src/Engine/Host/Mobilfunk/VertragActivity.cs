using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Mobilfunk;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Mobilfunk;

/// <summary>
/// <c>mobilfunk-vertrag</c>: a Mobilfunk case's steps on the contract tables (migration 0036); the contract id is the case's
/// business key.
/// <list type="bullet">
/// <item><c>aktion = katalog</c>: looks up <c>tarif</c> and <c>geraet</c> (optional) in the standard catalogue; outputs
///   <c>katalogOk</c> (both offered), <c>katalogHinweis</c>, <c>tarifBezeichnung</c>, <c>grundgebuehr</c>, <c>mindestlaufzeit</c>,
///   <c>geraetBezeichnung</c>, <c>geraetepreis</c>, <c>kostenErstesJahr</c> (twelve fees plus the device).</item>
/// <item><c>aktion = bestellen</c>: orders the contract for <c>mitarbeiter</c>, charged to <c>kostenstelle</c>; outputs
///   <c>vertrag</c>, <c>vertragStatus</c>. A tariff or device retired meanwhile → BPMN error <c>TARIF_UNBEKANNT</c>/<c>GERAET_UNBEKANNT</c>.</item>
/// <item><c>aktion = uebergeben</c>: the handover with the receipt of <c>quittiertVon</c> (the staff member's confirmation), <c>rufnummer</c>,
///   <c>seriennummer</c>, <c>beginn</c> (default today); outputs <c>mindestlaufzeitEnde</c> and <c>erinnerungAm</c> (the reminder,
///   <c>vorlaufMonate</c> — default 3 — before the minimum term ends). A device out with someone else → <c>SERIENNUMMER_VERGEBEN</c>.</item>
/// <item><c>aktion = verlaengern</c>: the minimum term runs on by <c>monate</c> (default 12); new <c>mindestlaufzeitEnde</c>, <c>erinnerungAm</c>.</item>
/// <item><c>aktion = kuendigen</c>: terminates at <c>zum</c> (default the end of the minimum term, or today when that has passed).</item>
/// <item><c>aktion = zuruecknehmen</c>: the device is back; a terminated contract is then ended.</item>
/// <item><c>aktion = stornieren</c>: cancels an order before the handover.</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Mobilfunkvertrag: Standardkatalog prüfen, bestellen, übergeben (mit Quittung), verlängern, kündigen, Gerät zurücknehmen, stornieren")]
public sealed class VertragActivity(MobilfunkRegister register) : WorkflowActivity
{
    public const string Name = "mobilfunk-vertrag";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "katalog, bestellen, uebergeben, verlaengern, kuendigen, zuruecknehmen oder stornieren"),
        new("tarif", ActivityValueType.String, Description: "Tarif-Id aus dem Standardkatalog"),
        new("geraet", ActivityValueType.String, Description: "Geräte-Id aus dem Standardkatalog (leer: nur SIM-Karte)"),
        new("mitarbeiter", ActivityValueType.String, Description: "Benutzerkennung der Person, die Vertrag und Gerät erhält"),
        new("kostenstelle", ActivityValueType.String, Description: "Kostenstelle, die den Vertrag trägt"),
        new("rufnummer", ActivityValueType.String, Description: "bei uebergeben: die zugeteilte Rufnummer"),
        new("seriennummer", ActivityValueType.String, Description: "bei uebergeben: Seriennummer (IMEI) des Geräts"),
        new("quittiertVon", ActivityValueType.String, Description: "bei uebergeben: wer den Empfang bestätigt hat"),
        new("beginn", ActivityValueType.Date, Description: "bei uebergeben: Vertragsbeginn (JJJJ-MM-TT, leer: heute)"),
        new("vorlaufMonate", ActivityValueType.Number, Description: "Monate vor Ende der Mindestlaufzeit, an denen erinnert wird (Standard 3)"),
        new("monate", ActivityValueType.Number, Description: "bei verlaengern: Monate, um die die Mindestlaufzeit weiterläuft (Standard 12)"),
        new("zum", ActivityValueType.Date, Description: "bei kuendigen: Kündigungsdatum (leer: Ende der Mindestlaufzeit)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("katalogOk", ActivityValueType.Boolean, Description: "bei katalog: Tarif und Gerät sind im Standardkatalog angeboten"),
        new("katalogHinweis", ActivityValueType.String, Description: "bei katalog: warum nicht"),
        new("tarifBezeichnung", ActivityValueType.String), new("grundgebuehr", ActivityValueType.Number, Description: "monatliche Grundgebühr in Euro"),
        new("mindestlaufzeit", ActivityValueType.Number, Description: "Mindestlaufzeit in Monaten"),
        new("geraetBezeichnung", ActivityValueType.String), new("geraetepreis", ActivityValueType.Number, Description: "Gerätepreis in Euro (einmalig)"),
        new("kostenErstesJahr", ActivityValueType.Number, Description: "zwölf Grundgebühren und das Gerät"),
        new("vertrag", ActivityValueType.String, Description: "Vertragsnummer"),
        new("vertragStatus", ActivityValueType.String), new("geraetStatus", ActivityValueType.String),
        new("mindestlaufzeitEnde", ActivityValueType.Date), new("erinnerungAm", ActivityValueType.String, Description: "Zeitpunkt der Erinnerung vor Ende der Mindestlaufzeit (ISO 8601)"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        var today = context.Now.Date is var d ? new LocalDate(d.Year, d.Month, d.Day) : default;
        var store = register.Store;
        var tenant = context.TenantId;
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                "katalog" => Katalog(store, tenant, Blank(context.GetString("tarif")), Blank(context.GetString("geraet"))),
                "bestellen" when Blank(context.GetString("tarif")) is null || Blank(context.GetString("mitarbeiter")) is null || Blank(context.GetString("kostenstelle")) is null =>
                    ActivityResult.Fail("mobilfunk-vertrag: bestellen needs tarif, mitarbeiter and kostenstelle"),
                "bestellen" => Result(store.Bestellen(tenant, new Bestellung(id, context.GetString("mitarbeiter")!, context.GetString("kostenstelle")!,
                    context.GetString("tarif")!, Blank(context.GetString("geraet")), context.ProcessInstanceId, now)), context),
                "uebergeben" when Blank(context.GetString("quittiertVon")) is null => ActivityResult.Fail("mobilfunk-vertrag: uebergeben needs quittiertVon (the receipt)"),
                "uebergeben" => Result(store.Uebergeben(tenant, id, Blank(context.GetString("rufnummer")), Blank(context.GetString("seriennummer")),
                    context.GetString("quittiertVon")!, context.GetDate("beginn") ?? today, now), context),
                "verlaengern" => Result(store.Verlaengern(tenant, id, (int)(context.GetDecimal("monate") ?? 12m), now), context),
                "kuendigen" => Result(store.Kuendigen(tenant, id, context.GetDate("zum") ?? Zum(store.GetVertrag(tenant, id), today), now), context),
                "zuruecknehmen" => Result(store.Zuruecknehmen(tenant, id, now), context),
                "stornieren" => Result(store.Stornieren(tenant, id, now), context),
                var other => ActivityResult.Fail($"mobilfunk-vertrag: aktion must be katalog, bestellen, uebergeben, verlaengern, kuendigen, zuruecknehmen or stornieren; found '{other}'"),
            });
        }
        catch (MobilfunkConstraintException e) when (e.Code is MobilfunkFehler.TarifUnbekannt or MobilfunkFehler.GeraetUnbekannt or MobilfunkFehler.SeriennummerVergeben or MobilfunkFehler.SeriennummerFehlt)
        {
            return Task.FromResult(ActivityResult.BpmnError(e.Code, e.Message, new JsonObject { ["katalogHinweis"] = e.Message }));
        }
        catch (MobilfunkConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"mobilfunk-vertrag: the contract {id} refused the step: {e.Message}"));
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static LocalDate Zum(Vertrag? v, LocalDate today) => v?.MindestlaufzeitEnde is { } ende && ende > today ? ende : today;

    private static ActivityResult Katalog(IMobilfunkStore store, string tenant, string? tarifId, string? geraetId)
    {
        var tarif = tarifId is null ? null : store.GetTarif(tenant, tarifId);
        var geraet = geraetId is null ? null : store.GetGeraet(tenant, geraetId);
        var hinweis = tarif is not { Aktiv: true } ? $"Den Tarif „{tarifId}“ gibt es im Standardkatalog nicht (mehr)."
            : geraetId is not null && geraet is not { Aktiv: true } ? $"Das Gerät „{geraetId}“ gibt es im Standardkatalog nicht (mehr)." : null;
        return ActivityResult.Complete(new JsonObject
        {
            ["katalogOk"] = hinweis is null,
            ["katalogHinweis"] = hinweis,
            ["tarifBezeichnung"] = tarif?.Bezeichnung,
            ["grundgebuehr"] = tarif?.Grundgebuehr,
            ["mindestlaufzeit"] = tarif?.Mindestlaufzeit,
            ["geraetBezeichnung"] = geraet?.Bezeichnung,
            ["geraetepreis"] = geraet?.Preis ?? 0m,
            ["kostenErstesJahr"] = tarif is null ? null : tarif.Grundgebuehr * 12m + (geraet?.Preis ?? 0m),
        });
    }

    private static ActivityResult Result(Vertrag v, ActivityContext context)
    {
        var vorlauf = (int)(context.GetDecimal("vorlaufMonate") ?? 3m);
        return ActivityResult.Complete(new JsonObject
        {
            ["vertrag"] = v.Id,
            ["vertragStatus"] = v.Status,
            ["geraetStatus"] = v.GeraetStatus,
            ["mindestlaufzeitEnde"] = v.MindestlaufzeitEnde?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            // The reminder at 08:00 UTC of the day the lead time before the minimum term's end begins.
            ["erinnerungAm"] = v.MindestlaufzeitEnde is { } ende ? ende.PlusMonths(-vorlauf).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T08:00:00Z" : null,
        });
    }
}
