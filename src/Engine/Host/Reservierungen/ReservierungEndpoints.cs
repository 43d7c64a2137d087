using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Reservierungen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Reservierungen;

public sealed record RessourceBody(string? Art, string? Name, string? Standort, int? Kapazitaet, string? Kennzeichen,
    bool? Genehmigungspflicht, string? GenehmigerGruppe, string? VerwalterGruppe, bool? Aktiv);
public sealed record BuchungBody(string? RessourceId, DateTimeOffset? Von, DateTimeOffset? Bis, string? Zweck, int? Teilnehmer);

public sealed record RessourceDto(string Id, string Art, string Name, string? Standort, int? Kapazitaet, string? Kennzeichen,
    bool Genehmigungspflicht, string? GenehmigerGruppe, string VerwalterGruppe, bool Aktiv, DateTimeOffset GeaendertAm);
public sealed record BuchungDto(string Id, string RessourceId, DateTimeOffset Von, DateTimeOffset Bis, string Status, string GebuchtFuer,
    string GebuchtVon, string Zweck, int? Teilnehmer, string? InstanceId, DateTimeOffset ErstelltAm);

/// <summary>
/// Rooms and official cars with their calendars, under /api/reservierungen. Every member of staff
/// (<see cref="Permission.ReservationBook"/>) sees the resources and their calendars, books a resource that needs no approval
/// directly (one that needs approval is booked through its service, raumreservierung or dienstwagen), sees and cancels their
/// own bookings. Keeping the resources and cancelling any booking needs <see cref="Permission.ResourceManage"/>. A booking that
/// overlaps another is refused by the database (409), never by a check before the insert.
/// </summary>
public static class ReservierungEndpoints
{
    /// <summary>The message a reservation case waits for to be cancelled (its event subprocess), correlated by the case's business key.</summary>
    public const string StornoMessage = "Reservierung_storniert";

    public static void MapReservierungEndpoints(this RouteGroupBuilder api)
    {
        var r = api.MapGroup("/reservierungen").WithMetadata(new GermanProblems());

        r.MapGet("/ressourcen", (HttpContext http, string? art, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                if (art is not null && !RessourcenArten.All.Contains(art)) throw UnbekannteArt(art);
                var (items, total) = Store(http).ListRessourcen(http.Tenant().TenantId, art, page.Offset, page.Limit);
                return Results.Ok(new Page<RessourceDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListRessourcen").RequirePermission(Permission.ReservationBook)
            .WithSummary("Rooms and official cars (?art=raum|fahrzeug&offset=&limit=)").Produces<Page<RessourceDto>>();

        r.MapGet("/ressourcen/{id}", (HttpContext http, string id) => Store(http).GetRessource(http.Tenant().TenantId, id) is { } x ? Results.Ok(Dto(x))
                : throw KeineRessource(id))
            .WithName("GetRessource").RequirePermission(Permission.ReservationBook)
            .WithSummary("One room or car").Produces<RessourceDto>().ProducesProblem(404);

        r.MapPut("/ressourcen/{id}", (HttpContext http, string id, RessourceBody body) =>
            {
                CheckId(id);
                var art = body.Art ?? throw ApiProblemException.Ungueltig("Bitte geben Sie die Art der Ressource an (art): raum oder fahrzeug.", ArtErwartet);
                if (!RessourcenArten.All.Contains(art)) throw UnbekannteArt(art);
                if (body.Kapazitaet is <= 0 or > 100_000)
                    throw ApiProblemException.Ungueltig($"{body.Kapazitaet} Plätze gehen nicht (kapazitaet): erlaubt sind 1 bis 100.000, oder nichts bei einem Fahrzeug.", "kapazitaet: 1–100000 oder null");
                var genehmigung = body.Genehmigungspflicht ?? false;
                var genehmiger = Optional(body.GenehmigerGruppe, "genehmigerGruppe", 100);
                if (genehmigung && genehmiger is null)
                    throw ApiProblemException.Ungueltig("Eine Ressource mit Genehmigungspflicht braucht die Gruppe, die genehmigt (genehmigerGruppe).", "genehmigerGruppe: 1–100 Zeichen");
                var x = new Ressource(id, art, Required(body.Name, "name", 200), Optional(body.Standort, "standort", 200), body.Kapazitaet,
                    Optional(body.Kennzeichen, "kennzeichen", 20), genehmigung, genehmiger, Required(body.VerwalterGruppe, "verwalterGruppe", 100), body.Aktiv ?? true, Now());
                Write(() => Store(http).PutRessource(http.Tenant().TenantId, x));
                return Results.Ok(Dto(x));
            })
            .WithName("PutRessource").RequirePermission(Permission.ResourceManage)
            .WithSummary("Add or change a room or car: kind, name, place, seats, number plate, whether bookings need approval and by whom, who hands out key or car; 409 for a name another resource holds")
            .Produces<RessourceDto>().ProducesProblem(400).ProducesProblem(409);

        r.MapGet("/ressourcen/{id}/kalender", (HttpContext http, string id, DateTimeOffset? von, DateTimeOffset? bis, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var tenant = http.Tenant().TenantId;
                if (Store(http).GetRessource(tenant, id) is null) throw KeineRessource(id);
                var from = von is { } v ? Instant.FromDateTimeOffset(v) : Now();
                var to = bis is { } b ? Instant.FromDateTimeOffset(b) : from + Duration.FromDays(7);
                if (to <= from || to - from > Duration.FromDays(366))
                    throw ApiProblemException.Ungueltig("Der Zeitraum des Kalenders geht nicht: „bis“ muss nach „von“ liegen, höchstens ein Jahr später.", "von < bis ≤ von + 366 Tage");
                var (items, total) = Store(http).Kalender(tenant, id, from, to, false, page.Offset, page.Limit);
                return Results.Ok(new Page<BuchungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("GetRessourceKalender").RequirePermission(Permission.ReservationBook)
            .WithSummary("The resource's calendar: its active bookings (requested, confirmed, handed out) overlapping [von, bis) (default: the next 7 days), by start (?von=&bis=&offset=&limit=)")
            .Produces<Page<BuchungDto>>().ProducesProblem(400).ProducesProblem(404);

        r.MapPost("/buchungen", (HttpContext http, BuchungBody body) =>
            {
                var tenant = http.Tenant().TenantId;
                var caller = http.Caller();
                var ressourceId = Required(body.RessourceId, "ressourceId", 64);
                var x = Store(http).GetRessource(tenant, ressourceId);
                if (x is null || !x.Aktiv)
                    throw ApiProblemException.Ungueltig($"Eine Ressource „{Kurz(ressourceId)}“ gibt es nicht oder sie ist außer Betrieb; bitte wählen Sie eine andere (ressourceId).", "ressourceId: eine Ressource in Betrieb");
                if (x.Genehmigungspflicht)
                    throw ApiProblemException.Konflikt($"„{x.Name}“ muss von „{x.GenehmigerGruppe}“ genehmigt werden: bitte buchen Sie über den Antrag {(x.Art == RessourcenArten.Raum ? "Raumreservierung (raumreservierung)" : "Dienstwagen (dienstwagen)")}.");
                const string Zeitpunkt = "von, bis: Zeitpunkt mit Zeitzone, z. B. 2027-03-02T09:30:00+01:00";
                var von = body.Von ?? throw ApiProblemException.Ungueltig("Bitte geben Sie den Beginn der Buchung an (von).", Zeitpunkt);
                var bis = body.Bis ?? throw ApiProblemException.Ungueltig("Bitte geben Sie das Ende der Buchung an (bis).", Zeitpunkt);
                if (bis <= von) throw ApiProblemException.Ungueltig("Das Ende der Buchung (bis) muss nach ihrem Beginn (von) liegen.", Zeitpunkt);
                if (bis - von > TimeSpan.FromDays(14)) throw ApiProblemException.Ungueltig("Eine Buchung dauert höchstens 14 Tage; bitte teilen Sie längere Zeiträume auf.", "bis ≤ von + 14 Tage");
                if (Instant.FromDateTimeOffset(von) < Now() - Duration.FromMinutes(5))
                    throw ApiProblemException.Ungueltig("Der Beginn der Buchung (von) liegt in der Vergangenheit; bitte wählen Sie eine künftige Zeit.", Zeitpunkt);
                if (body.Teilnehmer is <= 0) throw ApiProblemException.Ungueltig($"{body.Teilnehmer} Teilnehmende gehen nicht (teilnehmer): mindestens 1, oder nichts.", "teilnehmer ≥ 1");
                if (x.Kapazitaet is { } plaetze && body.Teilnehmer > plaetze)
                    throw ApiProblemException.Ungueltig($"„{x.Name}“ hat {plaetze} Plätze, nicht {body.Teilnehmer}: bitte wählen Sie einen größeren Raum.", $"teilnehmer ≤ {plaetze}");
                var now = Now();
                var b = new Buchung(Guid.NewGuid().ToString("N"), x.Id, Instant.FromDateTimeOffset(von), Instant.FromDateTimeOffset(bis), BuchungStatus.Bestaetigt,
                    caller.Id, caller.Id, Required(body.Zweck, "zweck", 500), body.Teilnehmer, null, now, now);
                Write(() => Store(http).AddBuchung(tenant, b));
                return Results.Created($"/api/reservierungen/buchungen/{b.Id}", Dto(b));
            })
            .WithName("AddBuchung").RequirePermission(Permission.ReservationBook)
            .WithSummary("Book a resource that needs no approval for the caller; 409 when the time is taken (the database decides, also for two bookings at the same moment) or the resource needs approval")
            .Produces<BuchungDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(409);

        r.MapGet("/buchungen", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).BuchungenVon(http.Tenant().TenantId, http.Caller().Id, page.Offset, page.Limit);
                return Results.Ok(new Page<BuchungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMeineBuchungen").RequirePermission(Permission.ReservationBook)
            .WithSummary("The caller's own bookings (booked for them or by them), newest start first (?offset=&limit=)").Produces<Page<BuchungDto>>();

        r.MapGet("/buchungen/{id}", (HttpContext http, string id) => Results.Ok(Dto(Visible(http, id))))
            .WithName("GetBuchung").RequirePermission(Permission.ReservationBook)
            .WithSummary("One booking: one's own; any for resource managers").Produces<BuchungDto>().ProducesProblem(404);

        r.MapPost("/buchungen/{id}/stornieren", (HttpContext http, string id) =>
            {
                var b = Visible(http, id);
                if (!BuchungStatus.Belegt(b.Status)) throw ApiProblemException.Konflikt($"Die Buchung „{Kurz(id)}“ ist schon {StatusText(b.Status)}; es gibt nichts zu stornieren.");
                var t = http.Tenant();
                // A booking of a case is cancelled by its case (which also ends its tasks and reminders), else here.
                if (b.InstanceId is { } instance && BusinessKey(t, instance) is { } key
                    && t.Engine.CorrelateWaitingMessage(StornoMessage, key, new System.Text.Json.Nodes.JsonObject { ["storniertVon"] = http.Caller().Id }, http.Caller().Id) is not null)
                    return Results.Ok(Dto(Store(http).GetBuchung(t.TenantId, id) ?? b));
                Write(() => Store(http).SetStatus(t.TenantId, id, BuchungStatus.Storniert, Now()));
                return Results.Ok(Dto(Store(http).GetBuchung(t.TenantId, id)!));
            })
            .WithName("StornierenBuchung").RequirePermission(Permission.ReservationBook)
            .WithSummary("Cancel one's own booking (resource managers: any); a booking of a case is cancelled through its case (message Reservierung_storniert), which frees the time and ends its reminders")
            .Produces<BuchungDto>().ProducesProblem(404).ProducesProblem(409);
    }

    private static string? BusinessKey(TenantEngine t, string instanceId)
    {
        try { return t.Engine.GetInstance(instanceId) is { State: not Runtime.InstanceState.Completed and not Runtime.InstanceState.Terminated, BusinessKey: { Length: > 0 } key } ? key : null; }
        catch (Runtime.WorkflowNotFoundException) { return null; }
    }

    /// <summary>A booking the caller may see: booked for or by them, or any for resource managers; others do not exist for them (404).</summary>
    private static Buchung Visible(HttpContext http, string id)
    {
        var caller = http.Caller();
        var b = Store(http).GetBuchung(http.Tenant().TenantId, id);
        if (b is null || !(b.GebuchtFuer == caller.Id || b.GebuchtVon == caller.Id || RolePermissions.Allows(caller, Permission.ResourceManage)))
            throw ApiProblemException.NichtGefunden($"Eine Buchung „{Kurz(id)}“ gibt es nicht unter den Buchungen, die Sie sehen dürfen.");
        return b;
    }

    internal static IReservierungStore Store(HttpContext http) => http.RequestServices.GetRequiredService<ReservierungRegister>().Store;

    private static Instant Now() => SystemClock.Instance.GetCurrentInstant();

    private static RessourceDto Dto(Ressource x) => new(x.Id, x.Art, x.Name, x.Standort, x.Kapazitaet, x.Kennzeichen, x.Genehmigungspflicht, x.GenehmigerGruppe,
        x.VerwalterGruppe, x.Aktiv, x.GeaendertAm.ToDateTimeOffset());

    private static BuchungDto Dto(Buchung b) => new(b.Id, b.RessourceId, b.Von.ToDateTimeOffset(), b.Bis.ToDateTimeOffset(), b.Status, b.GebuchtFuer, b.GebuchtVon,
        b.Zweck, b.Teilnehmer, b.InstanceId, b.ErstelltAm.ToDateTimeOffset());

    private static void Write(Action write)
    {
        try { write(); }
        catch (ReservierungConstraintException e) when (e.Belegt)
        {
            throw ApiProblemException.Konflikt("Die Ressource ist zu dieser Zeit schon belegt: bitte wählen Sie eine andere Zeit oder eine andere Ressource.");
        }
        catch (ReservierungConstraintException e) when (e.Vergeben)
        {
            throw ApiProblemException.Konflikt("Diesen Namen trägt schon eine andere Ressource: bitte wählen Sie einen anderen (name).");
        }
        catch (ReservierungConstraintException)
        {
            throw ApiProblemException.Konflikt("Die Reservierungen lassen diese Änderung nicht zu (eine Regel der Tabellen ist verletzt); bitte prüfen Sie die Angaben.");
        }
    }

    internal static void CheckId(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.Ungueltig($"„{Kurz(id)}“ taugt nicht als Kennung: erlaubt sind 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.'.", "1–64 Buchstaben, Ziffern, '-', '_' oder '.'");
    }

    internal static string Required(string? value, string name, int max) =>
        Optional(value, name, max) ?? throw ApiProblemException.Ungueltig($"Bitte geben Sie {Feld(name)} an ({name}).", $"{name}: 1–{max.ToString(CultureInfo.InvariantCulture)} Zeichen");

    internal static string? Optional(string? value, string name, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (v.Length > max || v.Any(char.IsControl))
        {
            throw ApiProblemException.Ungueltig(v.Length > max
                ? $"Der Text in {name} ist {v.Length} Zeichen lang; höchstens {max.ToString(CultureInfo.InvariantCulture)} sind erlaubt."
                : $"Der Text in {name} enthält Steuerzeichen (z. B. einen Zeilenumbruch).", $"{name}: 1–{max.ToString(CultureInfo.InvariantCulture)} Zeichen ohne Steuerzeichen");
        }
        return v;
    }

    private const string ArtErwartet = "raum oder fahrzeug";

    private static ApiProblemException UnbekannteArt(string art) =>
        ApiProblemException.Ungueltig($"Die Art „{Kurz(art)}“ gibt es nicht: eine Ressource ist ein Raum (raum) oder ein Fahrzeug (fahrzeug).", ArtErwartet);

    private static ApiProblemException KeineRessource(string id) => ApiProblemException.NichtGefunden($"Eine Ressource „{Kurz(id)}“ gibt es nicht.");

    /// <summary>What a field is called in a sentence („Bitte geben Sie … an“).</summary>
    private static string Feld(string name) => name switch
    {
        "name" => "den Namen",
        "zweck" => "den Zweck der Buchung",
        "ressourceId" => "die Ressource",
        "verwalterGruppe" => "die Gruppe, die Schlüssel oder Wagen ausgibt,",
        "nachname" => "den Nachnamen",
        "orgEinheitId" => "die Organisationseinheit",
        "gruppe" => "die Postkorb-Gruppe der Einheit",
        _ => $"„{name}“",
    };

    /// <summary>A booking's status in a sentence.</summary>
    private static string StatusText(string status) => status switch
    {
        BuchungStatus.Storniert => "storniert",
        BuchungStatus.Abgelehnt => "abgelehnt",
        BuchungStatus.Zurueckgegeben => "zurückgegeben",
        _ => $"im Stand „{status}“",
    };

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
}
