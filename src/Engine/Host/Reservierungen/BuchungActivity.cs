using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Reservierungen;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Reservierungen;

/// <summary>
/// <c>ressource-buchung</c>: keeps a reservation case's booking (table <c>res_buchung</c>) in step with the case, so the
/// resource's calendar is domain data and not process variables.
/// <list type="bullet">
/// <item><c>aktion = reservieren</c>: books <c>ressource</c> for [<c>von</c>, <c>bis</c>) for <c>gebuchtFuer</c> as
///   <c>angefragt</c> — the time is held from now on. Whether the time is free is decided by the database (trigger or
///   exclusion constraint), so of two cases booking the same time exactly one gets it; the other gets the BPMN error
///   <c>RESSOURCE_BELEGT</c>. An unknown or inactive resource, times that do not fit or more participants than seats: the
///   BPMN error <c>RESSOURCE_UNGEEIGNET</c>; both with <c>buchungHinweis</c> for the form. Outputs the resource's facts for the
///   approval rule: <c>genehmigungspflicht</c>, <c>genehmigerGruppe</c>, <c>verwalterGruppe</c>, <c>ressourceArt</c>, <c>ressourceName</c>, <c>dauerStunden</c>.</item>
/// <item><c>aktion = bestaetigen | ausgeben | zuruecknehmen | ablehnen | stornieren</c>: moves the booking <c>buchung</c> on
///   (rejected and cancelled bookings free their time at once).</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Raum oder Dienstwagen reservieren (Konflikte prüft die Datenbank), bestätigen, ausgeben, zurücknehmen, ablehnen oder stornieren")]
public sealed class BuchungActivity(ReservierungRegister register) : WorkflowActivity
{
    public const string Name = "ressource-buchung";

    private static readonly Dictionary<string, string> Folgestatus = new(StringComparer.Ordinal)
    {
        ["bestaetigen"] = BuchungStatus.Bestaetigt,
        ["ausgeben"] = BuchungStatus.Ausgegeben,
        ["zuruecknehmen"] = BuchungStatus.Zurueckgegeben,
        ["ablehnen"] = BuchungStatus.Abgelehnt,
        ["stornieren"] = BuchungStatus.Storniert,
    };

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "reservieren, bestaetigen, ausgeben, zuruecknehmen, ablehnen oder stornieren"),
        new("ressource", ActivityValueType.String, Description: "bei reservieren: Id des Raums oder Fahrzeugs"),
        new("von", ActivityValueType.String, Description: "bei reservieren: Beginn (ISO 8601 mit Zone)"),
        new("bis", ActivityValueType.String, Description: "bei reservieren: Ende (ISO 8601 mit Zone)"),
        new("zweck", ActivityValueType.String, Description: "bei reservieren: Anlass bzw. Fahrtzweck"),
        new("teilnehmer", ActivityValueType.Number, Description: "bei reservieren: Personenzahl (Räume: höchstens die Plätze)"),
        new("gebuchtFuer", ActivityValueType.String, Description: "bei reservieren: Benutzerkennung, für die gebucht wird"),
        new("buchung", ActivityValueType.String, Description: "Id der Buchung (Ausgabe von reservieren) für die weiteren Aktionen"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("buchung", ActivityValueType.String, Description: "Id der Buchung"),
        new("buchungStatus", ActivityValueType.String, Description: "angefragt, bestaetigt, ausgegeben, zurueckgegeben, abgelehnt oder storniert"),
        new("genehmigungspflicht", ActivityValueType.Boolean, Description: "die Ressource verlangt eine Genehmigung"),
        new("genehmigerGruppe", ActivityValueType.String, Description: "wer genehmigt"),
        new("verwalterGruppe", ActivityValueType.String, Description: "wer Schlüssel oder Fahrzeug ausgibt und zurücknimmt"),
        new("ressourceArt", ActivityValueType.String, Description: "raum oder fahrzeug"),
        new("ressourceName", ActivityValueType.String, Description: "Name der Ressource"),
        new("dauerStunden", ActivityValueType.Number, Description: "Dauer der Buchung in Stunden"),
        new("buchungHinweis", ActivityValueType.String, Description: "warum die Buchung nicht ging (für das Formular)"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = Instant.FromDateTimeOffset(context.Now);
        var store = register.Store;
        var aktion = context.GetString("aktion");
        try
        {
            if (aktion == "reservieren") return Task.FromResult(Reservieren(context, store, now));
            if (aktion is not null && Folgestatus.TryGetValue(aktion, out var status)) return Task.FromResult(Weiter(context, store, status, now));
            return Task.FromResult(ActivityResult.Fail($"ressource-buchung: aktion must be reservieren, bestaetigen, ausgeben, zuruecknehmen, ablehnen or stornieren; found '{aktion}'"));
        }
        catch (ReservierungConstraintException e) when (e.Belegt)
        {
            return Task.FromResult(Belegt());
        }
        catch (ReservierungConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"ressource-buchung: the reservations refused the booking: {e.Message}"));
        }
    }

    private static ActivityResult Belegt() => ActivityResult.BpmnError("RESSOURCE_BELEGT", "Die Ressource ist in dieser Zeit schon gebucht.",
        new JsonObject { ["buchungHinweis"] = "Die Ressource ist in dieser Zeit schon gebucht; bitte eine andere Zeit oder eine andere Ressource wählen." });

    private static ActivityResult Ungeeignet(string hinweis) => ActivityResult.BpmnError("RESSOURCE_UNGEEIGNET", hinweis, new JsonObject { ["buchungHinweis"] = hinweis });

    private static ActivityResult Reservieren(ActivityContext context, IReservierungStore store, Instant now)
    {
        var ressourceId = context.GetString("ressource");
        var ressource = string.IsNullOrWhiteSpace(ressourceId) ? null : store.GetRessource(context.TenantId, ressourceId);
        if (ressource is null || !ressource.Aktiv) return Ungeeignet($"Die Ressource „{ressourceId}“ gibt es nicht oder sie ist außer Betrieb.");
        if (Zeit(context, "von") is not { } von || Zeit(context, "bis") is not { } bis) return Ungeeignet("Beginn und Ende (Datum und Uhrzeit mit Zeitzone) fehlen.");
        if (bis <= von) return Ungeeignet("Das Ende liegt nicht nach dem Beginn.");
        if (von < now) return Ungeeignet("Der Beginn liegt in der Vergangenheit.");
        if (bis - von > Duration.FromDays(14)) return Ungeeignet("Eine Buchung dauert höchstens 14 Tage.");
        var teilnehmer = context.GetDecimal("teilnehmer") is { } t ? (int)Math.Clamp(t, 1, 100_000) : (int?)null;
        if (ressource.Kapazitaet is { } plaetze && teilnehmer > plaetze) return Ungeeignet($"„{ressource.Name}“ hat {plaetze} Plätze, angefragt sind {teilnehmer}.");
        var fuer = Text(context.GetString("gebuchtFuer"), 100) ?? "unbekannt";
        var zweck = Text(context.GetString("zweck"), 500) ?? "(ohne Angabe)";
        // Repeated after a crash (the job runs again): the booking the first run made is this case's, not a conflict.
        var id = context.ProcessInstanceId + "-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant($"{ressource.Id}|{von.ToUnixTimeTicks()}|{bis.ToUnixTimeTicks()}"))))[..12];
        var existing = store.GetBuchung(context.TenantId, id);
        if (existing is null || !BuchungStatus.Belegt(existing.Status))
        {
            if (existing is not null) id += "-" + Guid.NewGuid().ToString("N")[..6]; // the same time again after a rejection or cancellation
            store.AddBuchung(context.TenantId, new Buchung(id, ressource.Id, von, bis, BuchungStatus.Angefragt, fuer, fuer, zweck, teilnehmer,
                context.ProcessInstanceId, now, now));
        }
        return ActivityResult.Complete(new JsonObject
        {
            ["buchung"] = id,
            ["buchungStatus"] = BuchungStatus.Angefragt,
            ["genehmigungspflicht"] = ressource.Genehmigungspflicht,
            ["genehmigerGruppe"] = ressource.GenehmigerGruppe ?? ressource.VerwalterGruppe,
            ["verwalterGruppe"] = ressource.VerwalterGruppe,
            ["ressourceArt"] = ressource.Art,
            ["ressourceName"] = ressource.Name,
            ["dauerStunden"] = Math.Round((bis - von).TotalHours, 2),
            ["buchungHinweis"] = null,
        });
    }

    private static ActivityResult Weiter(ActivityContext context, IReservierungStore store, string status, Instant now)
    {
        var id = context.GetString("buchung");
        var buchung = string.IsNullOrWhiteSpace(id) ? null : store.GetBuchung(context.TenantId, id);
        if (buchung is null) return ActivityResult.Fail($"ressource-buchung: there is no booking '{id}' (reservieren gives its id as the variable buchung)");
        if (buchung.Status is BuchungStatus.Storniert or BuchungStatus.Abgelehnt or BuchungStatus.Zurueckgegeben && buchung.Status != status)
            return ActivityResult.Fail($"ressource-buchung: booking '{id}' is {buchung.Status} and cannot become {status}");
        if (buchung.Status != status) store.SetStatus(context.TenantId, buchung.Id, status, now);
        return ActivityResult.Complete(new JsonObject { ["buchung"] = buchung.Id, ["buchungStatus"] = status });
    }

    /// <summary>An instant as ISO 8601 with a zone or offset; also as form-js writes it without seconds (<c>2026-03-02T09:00+01:00</c>).</summary>
    private static Instant? Zeit(ActivityContext context, string name)
    {
        if (context.GetInstant(name) is { } i) return i;
        var s = context.GetString(name);
        return s is { Length: > 0 } && (s.EndsWith('Z') || s.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Instant.FromDateTimeOffset(d) : null;
    }

    private static string? Text(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().Length > max ? s.Trim()[..max] : s.Trim();

    internal static string Iso(Instant i) => i.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
