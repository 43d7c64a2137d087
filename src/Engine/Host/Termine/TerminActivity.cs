using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Termine;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Termine;

/// <summary>
/// <c>termin-buchung</c>: keeps an appointment case's row in <c>ter_termin</c> in step with the case, so the Bürgerbüro's day
/// is domain data and not process variables.
/// <list type="bullet">
/// <item><c>aktion = buchen</c>: books <c>standort</c> for <c>dienstleistung</c> at <c>von</c> for <c>buerger</c> (name, e-mail). The
///   time must be one the place offers (opening hours, grid, not a public holiday of the tenant's calendar); whether a counter is
///   still free is decided by the database, so of two cases booking the last counter exactly one gets it — the other the BPMN error
///   <c>TERMIN_BELEGT</c>. A time the place does not offer: <c>TERMIN_UNPASSEND</c>; both with <c>terminHinweis</c>. When the
///   variable <c>termin</c> names an appointment already booked for this case (the booking API starts the case after booking; a
///   retried job), it is taken as it is. Outputs the appointment's variables (time in words, place, the reminder and no-show instants).</item>
/// <item><c>aktion = erledigen</c>: the citizen was served. <c>aktion = nicht-erschienen</c>: the citizen did not come — unless a clerk
///   marked them attended meanwhile; <c>terminStatus</c> says what the row is afterwards.</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Termin im Bürgerbüro buchen (freie Schalter prüft die Datenbank), als erledigt oder nicht wahrgenommen vermerken")]
public sealed class TerminActivity(TerminRegister register) : WorkflowActivity
{
    public const string Name = "termin-buchung";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "buchen, erledigen oder nicht-erschienen"),
        new("termin", ActivityValueType.String, Description: "Terminnummer (Ausgabe von buchen; bei buchen: schon gebuchter Termin dieses Falls)"),
        new("standort", ActivityValueType.String, Description: "bei buchen: Id des Bürgerbüros"),
        new("dienstleistung", ActivityValueType.String, Description: "bei buchen: Id der Dienstleistung (bestimmt die Dauer)"),
        new("von", ActivityValueType.String, Description: "bei buchen: Beginn (ISO 8601 mit Zone)"),
        new("name", ActivityValueType.String, Description: "bei buchen: Name der Bürgerin oder des Bürgers"),
        new("emailAdresse", ActivityValueType.String, Description: "bei buchen: E-Mail-Adresse für Bestätigung und Erinnerung"),
        new("buerger", ActivityValueType.String, Description: "bei buchen: wer bucht (Kennung der Bürgerin oder des Bürgers)"),
        new("portalUrl", ActivityValueType.String, Description: "bei buchen: Adresse der Bürgerseiten (für den Link zum Termin)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("termin", ActivityValueType.String, Description: "Terminnummer"),
        new("terminStatus", ActivityValueType.String, Description: "gebucht, erschienen, erledigt, nicht_erschienen oder storniert"),
        new("terminText", ActivityValueType.String, Description: "Zeit in Worten, z. B. Dienstag, 2. März 2027, 10:15 Uhr"),
        new("terminVon", ActivityValueType.String, Description: "Beginn (ISO 8601, UTC)"),
        new("standortName", ActivityValueType.String, Description: "Name des Bürgerbüros"),
        new("dienstleistungName", ActivityValueType.String, Description: "Name der Dienstleistung"),
        new("gruppe", ActivityValueType.String, Description: "Postkorb-Gruppe des Bürgerbüros"),
        new("erinnerung", ActivityValueType.Boolean, Description: "ob noch eine Erinnerung 24 Stunden vorher möglich ist"),
        new("erinnerungAm", ActivityValueType.String, Description: "wann erinnert wird (ISO 8601)"),
        new("nichtErschienenAb", ActivityValueType.String, Description: "ab wann der Termin als nicht wahrgenommen gilt (ISO 8601)"),
        new("absageLink", ActivityValueType.String, Description: "Link zum Termin auf den Bürgerseiten (Absage nach Anmeldung)"),
        new("terminHinweis", ActivityValueType.String, Description: "warum die Buchung nicht ging"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = Instant.FromDateTimeOffset(context.Now);
        var aktion = context.GetString("aktion");
        try
        {
            return Task.FromResult(aktion switch
            {
                "buchen" => Buchen(context, register.Store, now),
                "erledigen" => Weiter(context, register.Store, TerminStatus.Erledigt, now),
                "nicht-erschienen" => Weiter(context, register.Store, TerminStatus.NichtErschienen, now),
                _ => ActivityResult.Fail($"termin-buchung: aktion must be buchen, erledigen or nicht-erschienen; found '{aktion}'"),
            });
        }
        catch (TerminConstraintException e) when (e.Belegt)
        {
            return Task.FromResult(ActivityResult.BpmnError("TERMIN_BELEGT", "Zu dieser Zeit ist kein Schalter mehr frei.",
                new JsonObject { ["terminHinweis"] = "Zu dieser Zeit ist kein Schalter mehr frei; bitte eine andere Zeit wählen." }));
        }
        catch (TerminConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"termin-buchung: the appointments refused the booking: {e.Message}"));
        }
    }

    private static ActivityResult Unpassend(string hinweis) => ActivityResult.BpmnError("TERMIN_UNPASSEND", hinweis, new JsonObject { ["terminHinweis"] = hinweis });

    private ActivityResult Buchen(ActivityContext context, ITerminStore store, Instant now)
    {
        var tenant = context.TenantId;
        // The citizen pages: portalUrl (the booking API sets it), else the portal's return address a citizen start sets (rueckkehrUrl).
        var portalText = context.GetString("portalUrl") ?? (context.Variable("rueckkehrUrl") is JsonValue r && r.TryGetValue<string>(out var back) ? back : null);
        var portal = Uri.TryCreate(portalText, UriKind.Absolute, out var p) ? p : null;
        // Booked already for this case (by the booking API, or by this job before a crash): take it as it is.
        if (context.GetString("termin") is { Length: > 0 } vorhanden && store.GetTermin(tenant, vorhanden) is { } schon
            && (schon.InstanceId is null || schon.InstanceId == context.ProcessInstanceId))
        {
            if (schon.InstanceId is null) store.SetInstance(tenant, schon.Id, context.ProcessInstanceId);
            return Ergebnis(store, tenant, schon, now, portal);
        }
        var standort = store.GetStandort(tenant, context.GetString("standort") ?? "");
        if (standort is not { Aktiv: true }) return Unpassend($"Das Bürgerbüro „{context.GetString("standort")}“ gibt es nicht oder es nimmt keine Termine an.");
        var leistung = store.GetDienstleistung(tenant, context.GetString("dienstleistung") ?? "");
        if (leistung is not { Aktiv: true }) return Unpassend($"Die Dienstleistung „{context.GetString("dienstleistung")}“ gibt es nicht.");
        if (Zeit(context, "von") is not { } von) return Unpassend("Der Beginn (Datum und Uhrzeit mit Zeitzone) fehlt.");
        if (Terminbuch.Unpassend(store, tenant, standort, leistung, von, register.Fristen(tenant), now) is { } warum) return Unpassend(warum);
        var email = Text(context.GetString("emailAdresse"), 254);
        var termin = store.Buchen(tenant, new Termin(Terminbuch.NeueNummer(now), standort.Id, 0, leistung.Id, von, von + Duration.FromMinutes(leistung.DauerMinuten),
            TerminStatus.Gebucht, Text(context.GetString("buerger"), 200) ?? "unbekannt", Text(context.GetString("name"), 200) ?? "Bürgerin oder Bürger",
            email, context.ProcessInstanceId, null, now, now), standort.Schalter);
        return Ergebnis(store, tenant, termin, now, portal);
    }

    private static ActivityResult Ergebnis(ITerminStore store, string tenant, Termin t, Instant now, Uri? portal)
    {
        var s = store.GetStandort(tenant, t.StandortId)!;
        var d = store.GetDienstleistung(tenant, t.DienstleistungId)!;
        var vars = Terminbuch.Variablen(t, s, d, now, portal);
        vars["terminHinweis"] = null;
        return ActivityResult.Complete(vars);
    }

    private static ActivityResult Weiter(ActivityContext context, ITerminStore store, string status, Instant now)
    {
        var id = context.GetString("termin");
        var t = string.IsNullOrWhiteSpace(id) ? null : store.GetTermin(context.TenantId, id);
        if (t is null) return ActivityResult.Fail($"termin-buchung: there is no appointment '{id}' (buchen gives its number as the variable termin)");
        var neu = (t.Status, status) switch
        {
            (TerminStatus.Gebucht or TerminStatus.Erschienen, TerminStatus.Erledigt) => TerminStatus.Erledigt,
            (TerminStatus.Gebucht, TerminStatus.NichtErschienen) => TerminStatus.NichtErschienen,
            _ => t.Status, // already there, or a clerk decided otherwise meanwhile (attended, cancelled): the row stays as it is
        };
        if (neu != t.Status) store.SetStatus(context.TenantId, t.Id, neu, neu == TerminStatus.NichtErschienen ? "nicht erschienen" : null, now);
        return ActivityResult.Complete(new JsonObject { ["termin"] = t.Id, ["terminStatus"] = neu });
    }

    private static Instant? Zeit(ActivityContext context, string name)
    {
        if (context.GetInstant(name) is { } i) return i;
        var s = context.GetString(name);
        return s is { Length: > 0 } && (s.EndsWith('Z') || s.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Instant.FromDateTimeOffset(d) : null;
    }

    private static string? Text(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().Length > max ? s.Trim()[..max] : s.Trim();
}
