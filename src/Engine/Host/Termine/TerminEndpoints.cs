using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Persistence.Termine;
using EGov.Workflows.Time;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Termine;

public sealed record StandortBody(string? Name, string? Adresse, int? Schalter, int? RasterMinuten, int? VorlaufTage, string? Gruppe, bool? Aktiv);
public sealed record OeffnungszeitDto(int Wochentag, string Von, string Bis);
public sealed record DienstleistungBody(string? Name, int? DauerMinuten, string? Leika, bool? Aktiv);
public sealed record TerminBuchenBody(string? Standort, string? Dienstleistung, DateTimeOffset? Von, string? Email);
public sealed record UmbuchenBody(DateTimeOffset? Von);
public sealed record AbsageBody(string? Grund);

public sealed record StandortDto(string Id, string Name, string? Adresse, int Schalter, int RasterMinuten, int VorlaufTage, string Gruppe, bool Aktiv);
public sealed record DienstleistungDto(string Id, string Name, int DauerMinuten, string? Leika, bool Aktiv);
public sealed record FreieZeitDto(DateTimeOffset Von, DateTimeOffset Bis, string Uhrzeit, int Frei);
public sealed record TagesangebotDto(string Datum, string? Geschlossen, IReadOnlyList<FreieZeitDto> Zeiten);
public sealed record TerminDto(string Id, string Standort, string StandortName, int Schalter, string Dienstleistung, string DienstleistungName,
    DateTimeOffset Von, DateTimeOffset Bis, string Uhrzeit, string TerminText, string Status, string Name, string? Email, string? InstanceId, string? Grund);
/// <summary>What a citizen sees of their appointment: no counter, no clerk, no internal ids.</summary>
public sealed record BuergerTerminDto(string Id, string StandortName, string? StandortAdresse, string DienstleistungName, DateTimeOffset Von, DateTimeOffset Bis,
    string TerminText, string Status, bool Absagbar);

/// <summary>
/// The Online-Terminierung (issue 17, item 7). Citizens, signed in with BundID (<see cref="Permission.CitizenSelf"/>), see the
/// places and services, the free times of a day, book (which starts the case <c>Process_Terminierung</c> that mails the
/// confirmation, the reminder and the outcome), see and cancel their own appointments, also on the page the mails link to
/// (<c>/buerger/termine/{id}</c>). The Bürgerbüro's clerks (<see cref="Permission.AppointmentWork"/>) have the day view and
/// mark appointments attended or missed, rebook or cancel them; each change reaches the case as a message. Places, opening
/// hours and services are kept with <see cref="Permission.AppointmentManage"/>. A time all counters hold is refused by the
/// database (409), also for bookings at the same moment.
/// </summary>
public static class TerminEndpoints
{
    public const string Process = "Process_Terminierung";
    public const string MessageStorniert = "Termin_storniert", MessageUmgebucht = "Termin_umgebucht",
        MessageErschienen = "Termin_erschienen", MessageNichtErschienen = "Termin_nicht_erschienen";

    /// <summary>How many appointments in the future a citizen may hold at once (against booking bots hoarding the slots).</summary>
    public const int HoechstensOffen = 3;

    public static void MapTerminEndpoints(this IEndpointRouteBuilder app)
    {
        // Clerks and citizens read these answers: every refusal in German, saying what to send instead.
        var api = app.MapGroup("/api/termine").WithMetadata(new GermanProblems());

        // --- Stammdaten: places, opening hours, services ---
        api.MapGet("/standorte", (HttpContext http, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var (items, total) = Store(http).ListStandorte(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<StandortDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListTerminStandorte").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The Bürgerbüros' places with counters, slot grid and booking window (?offset=&limit=)").Produces<Page<StandortDto>>();

        api.MapPut("/standorte/{id}", (HttpContext http, string id, StandortBody body) =>
            {
                Kennung(id, "eines Standorts");
                var name = Pflicht(body.Name, "name", 200, "den Namen des Standorts");
                if (body.Schalter is not (>= 1 and <= 100))
                    throw ApiProblemException.Ungueltig(body.Schalter is null ? "Die Zahl der Schalter fehlt (schalter)." : $"{body.Schalter} Schalter gehen nicht: ein Standort hat 1 bis 100 Schalter, die zugleich bedienen.", "schalter: 1–100");
                if (body.RasterMinuten is not null and not (>= 5 and <= 120))
                    throw ApiProblemException.Ungueltig($"Ein Raster von {body.RasterMinuten} Minuten geht nicht: erlaubt sind 5 bis 120 Minuten.", "rasterMinuten: 5–120");
                if (body.VorlaufTage is not null and not (>= 1 and <= 366))
                    throw ApiProblemException.Ungueltig($"{body.VorlaufTage} Tage Vorlauf gehen nicht: gebucht wird 1 bis 366 Tage im Voraus.", "vorlaufTage: 1–366");
                var s = new Standort(id, name, Frei(body.Adresse, "adresse", 300, "Die Adresse"),
                    body.Schalter.Value, body.RasterMinuten ?? 15, body.VorlaufTage ?? 60, Pflicht(body.Gruppe, "gruppe", 100, "die Postkorb-Gruppe der Sachbearbeitung"), body.Aktiv ?? true, Now());
                Write(() => Store(http).PutStandort(http.Tenant().TenantId, s), $"Den Namen „{Kurz(name)}“ trägt schon ein anderer Standort. Bitte wählen Sie einen anderen Namen.");
                return Results.Ok(Dto(s));
            })
            .WithName("PutTerminStandort").RequirePermission(Permission.AppointmentManage)
            .WithSummary("Add or change a place: name, address, counters, slot grid in minutes (default 15), booking window in days (default 60), the Postkorb group of its clerks; 409 for a name another place holds")
            .Produces<StandortDto>().ProducesProblem(400).ProducesProblem(409);

        api.MapGet("/standorte/{id}/oeffnungszeiten", (HttpContext http, string id) =>
            {
                var s = Store(http).GetStandort(http.Tenant().TenantId, id) ?? throw KeinStandort(id);
                return Results.Ok(Store(http).Oeffnungszeiten(http.Tenant().TenantId, s.Id).Select(Dto).ToList());
            })
            .WithName("GetTerminOeffnungszeiten").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The place's opening hours: weekday (1 = Monday … 7 = Sunday), von and bis as HH:mm local time").Produces<List<OeffnungszeitDto>>().ProducesProblem(404);

        api.MapPut("/standorte/{id}/oeffnungszeiten", (HttpContext http, string id, List<OeffnungszeitDto> body) =>
            {
                var tenant = http.Tenant().TenantId;
                if (Store(http).GetStandort(tenant, id) is null) throw KeinStandort(id);
                var zeiten = Oeffnungszeiten(body ?? []);
                try { Store(http).SetOeffnungszeiten(tenant, id, zeiten); }
                catch (TerminConstraintException) { throw ApiProblemException.Ungueltig("Diese Öffnungszeiten sind nicht möglich.", ZeitenForm); }
                return Results.Ok(Store(http).Oeffnungszeiten(tenant, id).Select(Dto).ToList());
            })
            .WithName("PutTerminOeffnungszeiten").RequirePermission(Permission.AppointmentManage)
            .WithSummary("Replace the place's opening hours (all weekdays at once; public holidays come from the tenant's Fristen calendar); 400 for overlapping or impossible hours, nothing changed")
            .Produces<List<OeffnungszeitDto>>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/dienstleistungen", (HttpContext http, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var (items, total) = Store(http).ListDienstleistungen(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<DienstleistungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListTerminDienstleistungen").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The services one books for, with their durations (?offset=&limit=)").Produces<Page<DienstleistungDto>>();

        api.MapPut("/dienstleistungen/{id}", (HttpContext http, string id, DienstleistungBody body) =>
            {
                Kennung(id, "einer Dienstleistung");
                var name = Pflicht(body.Name, "name", 200, "den Namen der Dienstleistung");
                if (body.DauerMinuten is not (>= 5 and <= 480))
                    throw ApiProblemException.Ungueltig(body.DauerMinuten is null ? "Die Dauer fehlt (dauerMinuten)." : $"{body.DauerMinuten} Minuten gehen nicht: ein Termin dauert 5 bis 480 Minuten.", "dauerMinuten: 5–480");
                var leika = Frei(body.Leika, "leika", 14, "Der LeiKa-Schlüssel");
                if (leika is not null && (leika.Length != 14 || !leika.All(char.IsAsciiDigit)))
                    throw ApiProblemException.Ungueltig($"„{Kurz(leika)}“ ist kein LeiKa-Schlüssel: er hat 14 Ziffern.", "leika: 14 Ziffern, z. B. 99102013001000");
                var d = new Dienstleistung(id, name, body.DauerMinuten.Value, leika, body.Aktiv ?? true, Now());
                Write(() => Store(http).PutDienstleistung(http.Tenant().TenantId, d), $"Den Namen „{Kurz(name)}“ trägt schon eine andere Dienstleistung. Bitte wählen Sie einen anderen Namen.");
                return Results.Ok(Dto(d));
            })
            .WithName("PutTerminDienstleistung").RequirePermission(Permission.AppointmentManage)
            .WithSummary("Add or change a service: name, duration in minutes (an appointment is as long), LeiKa key; 409 for a name another service holds")
            .Produces<DienstleistungDto>().ProducesProblem(400).ProducesProblem(409);

        // --- the clerks' day view and their actions ---
        api.MapGet("/freie-zeiten", (HttpContext http, string? standort, string? dienstleistung, string? datum) =>
                Results.Ok(Angebot(http, standort, dienstleistung, datum)))
            .WithName("GetTerminFreieZeiten").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The free times of a place for a service on a day (?standort=&dienstleistung=&datum=YYYY-MM-DD), or why it is closed (public holiday, no opening hours)")
            .Produces<TagesangebotDto>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/tagesansicht", (HttpContext http, string? standort, string? datum, bool? alle, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var tenant = http.Tenant().TenantId;
                if (string.IsNullOrWhiteSpace(standort)) throw ApiProblemException.Ungueltig("Bitte geben Sie den Standort an (standort).", "?standort=ID&datum=JJJJ-MM-TT");
                var s = Store(http).GetStandort(tenant, standort) ?? throw KeinStandort(standort);
                var tag = Datum(datum) ?? Now().InZone(Terminbuch.Zone).Date;
                var von = tag.AtStartOfDayInZone(Terminbuch.Zone).ToInstant();
                var (items, total) = Store(http).Tag(tenant, s.Id, von, tag.PlusDays(1).AtStartOfDayInZone(Terminbuch.Zone).ToInstant(), alle ?? true, page.Offset, page.Limit);
                return Results.Ok(new Page<TerminDto>(items.Select(t => Dto(http, t)).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("GetTerminTagesansicht").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The day view of a place: its appointments of the day by time and counter, cancelled and missed ones included unless alle=false (?standort=&datum=YYYY-MM-DD&offset=&limit=)")
            .Produces<Page<TerminDto>>().ProducesProblem(400).ProducesProblem(404);

        api.MapGet("/{id}", (HttpContext http, string id) => Results.Ok(Dto(http, Find(http, id))))
            .WithName("GetTermin").RequirePermission(Permission.AppointmentWork)
            .WithSummary("One appointment").Produces<TerminDto>().ProducesProblem(404);

        api.MapPost("/{id}/erschienen", (HttpContext http, string id) =>
            {
                var t = Find(http, id);
                if (t.Status != TerminStatus.Gebucht) throw NichtGebucht(t, "als erschienen vermerkt");
                if (t.Von.InZone(Terminbuch.Zone).Date != Now().InZone(Terminbuch.Zone).Date)
                    throw ApiProblemException.Konflikt($"Der Termin {t.Id} ist am {Terminbuch.Text(t.Von)}, nicht heute: erschienen vermerken Sie nur Termine von heute.");
                return Change(http, t, TerminStatus.Erschienen, null, MessageErschienen, new JsonObject { ["terminStatus"] = TerminStatus.Erschienen, ["erschienenBei"] = http.Caller().Id });
            })
            .WithName("TerminErschienen").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The citizen has come (today's appointment): the case offers the clerks its task in the Postkorb; 409 when not booked or not today").Produces<TerminDto>().ProducesProblem(404).ProducesProblem(409);

        api.MapPost("/{id}/nicht-erschienen", (HttpContext http, string id) =>
            {
                var t = Find(http, id);
                if (t.Status != TerminStatus.Gebucht) throw NichtGebucht(t, "als nicht erschienen vermerkt");
                if (Now() < t.Von) throw ApiProblemException.Konflikt($"Der Termin {t.Id} hat noch nicht begonnen ({Terminbuch.Text(t.Von)}): nicht erschienen vermerken Sie erst danach.");
                return Change(http, t, TerminStatus.NichtErschienen, "nicht erschienen", MessageNichtErschienen, new JsonObject { ["terminStatus"] = TerminStatus.NichtErschienen });
            })
            .WithName("TerminNichtErschienen").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The citizen did not come (after the start): the counter is free, the case tells the citizen how to book again; 409 when not booked or not begun").Produces<TerminDto>().ProducesProblem(404).ProducesProblem(409);

        api.MapPost("/{id}/absagen", (HttpContext http, string id, AbsageBody? body) =>
            {
                var t = Find(http, id);
                if (t.Status != TerminStatus.Gebucht) throw NichtGebucht(t, "abgesagt");
                var grund = Pflicht(body?.Grund, "grund", 500, "den Grund der Absage (er geht per E-Mail an die Bürgerin oder den Bürger)");
                return Change(http, t, TerminStatus.Storniert, grund, MessageStorniert,
                    new JsonObject { ["terminStatus"] = TerminStatus.Storniert, ["storniertVon"] = "buergerbuero", ["absageGrund"] = grund });
            })
            .WithName("TerminAbsagenAmt").RequirePermission(Permission.AppointmentWork)
            .WithSummary("The Bürgerbüro cancels an appointment with a reason (the case mails it to the citizen); 400 without a reason, 409 when not booked").Produces<TerminDto>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        api.MapPost("/{id}/umbuchen", (HttpContext http, string id, UmbuchenBody body) =>
            {
                var tenant = http.Tenant().TenantId;
                var t = Find(http, id);
                if (t.Status != TerminStatus.Gebucht) throw NichtGebucht(t, "umgebucht");
                var von = Instant.FromDateTimeOffset(body.Von ?? throw ApiProblemException.Ungueltig("Bitte geben Sie die neue Zeit an (von).", "von: Zeitpunkt, z. B. 2027-03-02T09:30:00+01:00"));
                var s = Store(http).GetStandort(tenant, t.StandortId)!;
                var d = Store(http).GetDienstleistung(tenant, t.DienstleistungId)!;
                if (Terminbuch.Unpassend(Store(http), tenant, s, d, von, Fristen(http), Now(), amSchalter: true) is { } warum) throw ApiProblemException.Ungueltig(warum);
                Termin moved = t;
                Write(() => moved = Store(http).Umbuchen(tenant, id, von, von + Duration.FromMinutes(d.DauerMinuten), s.Schalter, Now()));
                var vars = Terminbuch.Variablen(moved, s, d, Now(), Portal(http));
                vars["umgebuchtVon"] = http.Caller().Id;
                Correlate(http, moved, MessageUmgebucht, vars);
                return Results.Ok(Dto(http, moved));
            })
            .WithName("TerminUmbuchen").RequirePermission(Permission.AppointmentWork)
            .WithSummary("Move a booked appointment to another time of its place (the case mails the new time and reminds anew); 400 for a time outside the opening hours or on a holiday, 409 when every counter is taken then (the database decides)")
            .Produces<TerminDto>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        // --- citizens (BundID) ---
        var buerger = app.MapGroup("/api/citizen/termine").WithMetadata(new GermanProblems());

        buerger.MapGet("/angebot", (HttpContext http) =>
            {
                CitizenSignIn.Current(http);
                var tenant = http.Tenant().TenantId;
                return Results.Ok(new
                {
                    standorte = Store(http).ListStandorte(tenant, 0, 200).Items.Where(s => s.Aktiv).Select(s => new { s.Id, s.Name, s.Adresse }).ToList(),
                    dienstleistungen = Store(http).ListDienstleistungen(tenant, 0, 500).Items.Where(d => d.Aktiv).Select(d => new { d.Id, d.Name, d.DauerMinuten }).ToList(),
                });
            })
            .WithName("CitizenTerminAngebot").RequirePermission(Permission.CitizenSelf)
            .WithSummary("The places and services a citizen can book an appointment for");

        buerger.MapGet("/freie-zeiten", (HttpContext http, string? standort, string? dienstleistung, string? datum) =>
            {
                CitizenSignIn.Current(http);
                return Results.Ok(Angebot(http, standort, dienstleistung, datum, nurAktive: true) with { });
            })
            .WithName("CitizenTerminFreieZeiten").RequirePermission(Permission.CitizenSelf)
            .WithSummary("The free times of a place for a service on a day (?standort=&dienstleistung=&datum=YYYY-MM-DD), or why the place is closed that day")
            .Produces<TagesangebotDto>().ProducesProblem(400).ProducesProblem(404);

        buerger.MapPost("", async (HttpContext http, TerminBuchenBody? body, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var te = http.Tenant();
                var tenant = te.TenantId;
                var now = Now();
                // A citizen reads these answers: every refusal in German, saying what to do.
                if (body is null) throw ApiProblemException.Ungueltig("Bitte geben Sie Standort, Dienstleistung, Zeit und E-Mail-Adresse an.");
                var s = Store(http).GetStandort(tenant, body.Standort ?? "") is { Aktiv: true } st ? st
                    : throw ApiProblemException.Ungueltig(string.IsNullOrWhiteSpace(body.Standort) ? "Bitte wählen Sie einen Standort."
                        : $"Am Standort „{Kurz(body.Standort)}“ können Sie keinen Termin buchen. Bitte wählen Sie einen Standort aus dem Angebot.", "standort: die Id eines Standorts aus /api/citizen/termine/angebot");
                var d = Store(http).GetDienstleistung(tenant, body.Dienstleistung ?? "") is { Aktiv: true } dl ? dl
                    : throw ApiProblemException.Ungueltig(string.IsNullOrWhiteSpace(body.Dienstleistung) ? "Bitte wählen Sie eine Dienstleistung."
                        : $"Für „{Kurz(body.Dienstleistung)}“ können Sie keinen Termin buchen. Bitte wählen Sie eine Dienstleistung aus dem Angebot.", "dienstleistung: die Id einer Dienstleistung aus /api/citizen/termine/angebot");
                var von = Instant.FromDateTimeOffset(body.Von ?? throw ApiProblemException.Ungueltig("Bitte wählen Sie eine Zeit aus den freien Zeiten.", "von: ein Beginn aus /api/citizen/termine/freie-zeiten"));
                if (Terminbuch.Unpassend(Store(http), tenant, s, d, von, Fristen(http), now) is { } warum) throw ApiProblemException.Ungueltig(warum);
                var email = BuergerEmail(body.Email ?? citizen.Email);
                if (te.Catalog.Latest(Process) is null) throw new ApiProblemException(503, "Terminbuchung nicht verfügbar", "Die Terminbuchung ist gerade nicht bereitgestellt.");
                var name = citizen.DisplayName is { Length: > 0 } n ? n : "Bürgerin oder Bürger";
                var termin = new Termin(Terminbuch.NeueNummer(now), s.Id, 0, d.Id, von, von + Duration.FromMinutes(d.DauerMinuten), TerminStatus.Gebucht,
                    citizen.Owner, name.Length > 200 ? name[..200] : name, email, null, null, now, now);
                // The limit of open appointments is kept by the store inside the booking's transaction (not a count before it).
                Write(() => termin = Store(http).Buchen(tenant, termin, s.Schalter, HoechstensOffen));
                // The case mails the confirmation, reminds and follows up; its business key is the appointment's number.
                var instanceId = Guid.NewGuid().ToString("N");
                var vars = Terminbuch.Variablen(termin, s, d, now, Portal(http));
                vars["name"] = termin.Name;
                vars["emailAdresse"] = email; // not "email": notify-email writes its result into that variable
                if (Portal(http) is { } portal) vars["portalUrl"] = portal.AbsoluteUri;
                vars["buerger"] = new JsonObject { ["id"] = citizen.Owner, ["vertrauensniveau"] = citizen.Level.German() };
                await cases.AddAsync(tenant, citizen.Owner, instanceId, Process, termin.Id, http.RequestAborted);
                try
                {
                    te.Engine.StartProcessAs(instanceId, Process, vars, termin.Id, citizen.Owner);
                    Store(http).SetInstance(tenant, termin.Id, instanceId);
                }
                catch
                {
                    // No case, no appointment: the time is given back, the citizen's list forgets the case.
                    Store(http).SetStatus(tenant, termin.Id, TerminStatus.Storniert, "Fall konnte nicht gestartet werden", Now());
                    await cases.RemoveAsync(tenant, citizen.Owner, instanceId, CancellationToken.None);
                    throw;
                }
                return Results.Created($"/api/citizen/termine/{termin.Id}", BuergerDto(http, termin with { InstanceId = instanceId }));
            })
            .WithName("CitizenTerminBuchen").RequirePermission(Permission.CitizenSelf)
            .WithSummary("Book an appointment as the signed-in citizen (a start from freie-zeiten, an e-mail for confirmation and reminder); 400 for a time the place does not offer, 409 when every counter is taken then (the database decides, also for bookings at the same moment) or the citizen holds 3 open appointments")
            .Produces<BuergerTerminDto>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(409);

        buerger.MapGet("", (HttpContext http, int? offset, int? limit) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var page = Seite(offset, limit);
                var (items, total) = Store(http).TermineVon(http.Tenant().TenantId, citizen.Owner, page.Offset, page.Limit);
                return Results.Ok(new Page<BuergerTerminDto>(items.Select(t => BuergerDto(http, t)).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("CitizenTermine").RequirePermission(Permission.CitizenSelf)
            .WithSummary("The signed-in citizen's own appointments, newest first (?offset=&limit=)").Produces<Page<BuergerTerminDto>>();

        buerger.MapGet("/{id}", (HttpContext http, string id) => Results.Ok(BuergerDto(http, Own(http, id))))
            .WithName("CitizenTermin").RequirePermission(Permission.CitizenSelf)
            .WithSummary("One of the citizen's appointments; another's or an unknown one: the same 404").Produces<BuergerTerminDto>().ProducesProblem(404);

        buerger.MapPost("/{id}/absagen", (HttpContext http, string id) => Results.Ok(BuergerDto(http, Absagen(http, Own(http, id)))))
            .WithName("CitizenTerminAbsagen").RequirePermission(Permission.CitizenSelf)
            .WithSummary("Cancel one's own booked appointment before it begins (the case confirms by mail); 409 when it is not booked or has begun").Produces<BuergerTerminDto>().ProducesProblem(404).ProducesProblem(409);

        // The page the mails link to: the appointment, and a button to cancel it (after signing in with BundID).
        app.MapGet("/buerger/termine/{id}", (HttpContext http, string id, string? abgesagt) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = Store(http).GetTermin(http.Tenant().TenantId, id);
                if (t is null || t.Buerger != citizen.Owner)
                    return CitizenPages.Html(http, CitizenPages.Layout("Termin nicht gefunden", "<p>Diesen Termin gibt es nicht unter Ihren Terminen.</p><p><a href=\"/buerger\">Zur Startseite</a></p>"), 404);
                return CitizenPages.Html(http, Seite(BuergerDto(http, t), CitizenSignIn.CsrfToken(http), abgesagt == "1"));
            })
            .WithName("PageCitizenTermin").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();

        app.MapPost("/buerger/termine/{id}/absagen", (HttpContext http, string id) =>
            {
                Absagen(http, Own(http, id));
                return Results.Redirect($"/buerger/termine/{Uri.EscapeDataString(id)}?abgesagt=1");
            })
            .WithName("CitizenTerminAbsagenForm").RequirePermission(Permission.CitizenSelf).DisableAntiforgery().ExcludeFromDescription();
    }

    private static Termin Absagen(HttpContext http, Termin t)
    {
        if (t.Status != TerminStatus.Gebucht) throw ApiProblemException.Konflikt("Dieser Termin ist nicht mehr gebucht.");
        if (t.Von <= Now()) throw ApiProblemException.Konflikt("Der Termin hat schon begonnen und kann nicht mehr abgesagt werden.");
        Change(http, t, TerminStatus.Storniert, "vom Bürger abgesagt", MessageStorniert,
            new JsonObject { ["terminStatus"] = TerminStatus.Storniert, ["storniertVon"] = "buerger", ["absageGrund"] = "Sie haben den Termin abgesagt." });
        return Store(http).GetTermin(http.Tenant().TenantId, t.Id)!;
    }

    /// <summary>Changes the status in the table (the table decides), then tells the case, when it waits for that.</summary>
    private static IResult Change(HttpContext http, Termin t, string status, string? grund, string message, JsonObject variables)
    {
        var tenant = http.Tenant().TenantId;
        Write(() => Store(http).SetStatus(tenant, t.Id, status, grund, Now()));
        var changed = Store(http).GetTermin(tenant, t.Id)!;
        Correlate(http, changed, message, variables);
        return Results.Ok(Dto(http, changed));
    }

    private static void Correlate(HttpContext http, Termin t, string message, JsonObject variables)
    {
        if (t.InstanceId is null) return;
        var te = http.Tenant();
        try
        {
            if (te.Engine.GetInstance(t.InstanceId) is not { State: not Runtime.InstanceState.Completed and not Runtime.InstanceState.Terminated }) return;
        }
        catch (Runtime.WorkflowNotFoundException) { return; }
        te.Engine.CorrelateWaitingMessage(message, t.Id, variables, http.Caller().Id);
    }

    private static TagesangebotDto Angebot(HttpContext http, string? standort, string? dienstleistung, string? datum, bool nurAktive = false)
    {
        var tenant = http.Tenant().TenantId;
        var s = Store(http).GetStandort(tenant, standort ?? "");
        if (string.IsNullOrWhiteSpace(standort)) throw ApiProblemException.Ungueltig("Bitte geben Sie den Standort an (standort).", "?standort=ID&dienstleistung=ID&datum=JJJJ-MM-TT");
        if (string.IsNullOrWhiteSpace(dienstleistung)) throw ApiProblemException.Ungueltig("Bitte geben Sie die Dienstleistung an (dienstleistung).", "?standort=ID&dienstleistung=ID&datum=JJJJ-MM-TT");
        if (s is null || (nurAktive && !s.Aktiv)) throw KeinStandort(standort);
        var d = Store(http).GetDienstleistung(tenant, dienstleistung);
        if (d is null || (nurAktive && !d.Aktiv)) throw ApiProblemException.NichtGefunden($"Die Dienstleistung „{Kurz(dienstleistung)}“ gibt es nicht.");
        var tag = Datum(datum) ?? throw ApiProblemException.Ungueltig("Bitte geben Sie ein Datum an.", "datum: JJJJ-MM-TT");
        var a = Terminbuch.Angebot(Store(http), tenant, s, d, tag, Fristen(http), Now());
        return new TagesangebotDto(a.Datum.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), a.Geschlossen,
            a.Zeiten.Select(z => new FreieZeitDto(z.Von.ToDateTimeOffset(), z.Bis.ToDateTimeOffset(), Terminbuch.Uhrzeit(z.Von), z.Frei)).ToList());
    }

    private static LocalDate? Datum(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var r = LocalDatePattern.Iso.Parse(text.Trim());
        return r.Success ? r.Value : throw ApiProblemException.Ungueltig($"„{Kurz(text)}“ ist kein Datum. Bitte geben Sie es als JJJJ-MM-TT an, z. B. 2027-03-02.", "datum: JJJJ-MM-TT");
    }

    private static int Minute(string? text, string name, int wochentag, bool bis = false)
    {
        if (string.IsNullOrWhiteSpace(text)) throw ApiProblemException.Ungueltig($"Bei Wochentag {wochentag} fehlt die Uhrzeit „{name}“.", ZeitenForm);
        if (bis && text == "24:00") return 1440;
        var r = LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text);
        return r.Success ? r.Value.Hour * 60 + r.Value.Minute
            : throw ApiProblemException.Ungueltig($"„{Kurz(text)}“ ist keine Uhrzeit ({name}, Wochentag {wochentag}). Bitte geben Sie sie als SS:MM an, z. B. 08:00.", ZeitenForm);
    }

    private const string ZeitenForm = "[{wochentag: 1–7 (1 = Montag), von: \"08:00\", bis: \"12:30\"}], ohne Überschneidungen an einem Tag";
    private static readonly string[] Wochentage = ["", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];

    /// <summary>The opening hours as sent, checked in German before the store (which checks again) sees them.</summary>
    private static List<Oeffnungszeit> Oeffnungszeiten(List<OeffnungszeitDto> body)
    {
        if (body.Count > 70) throw ApiProblemException.Ungueltig($"{body.Count} Öffnungszeiten sind zu viele: höchstens 70 (zehn je Wochentag).", ZeitenForm);
        var zeiten = new List<Oeffnungszeit>();
        foreach (var z in body)
        {
            if (z is null) throw ApiProblemException.Ungueltig("Eine Öffnungszeit ist leer (null).", ZeitenForm);
            if (z.Wochentag is < 1 or > 7) throw ApiProblemException.Ungueltig($"{z.Wochentag} ist kein Wochentag: 1 ist Montag, 7 ist Sonntag.", ZeitenForm);
            var von = Minute(z.Von, "von", z.Wochentag);
            var bis = Minute(z.Bis, "bis", z.Wochentag, bis: true);
            if (bis <= von) throw ApiProblemException.Ungueltig($"Am {Wochentage[z.Wochentag]} endet die Öffnungszeit {z.Von}–{z.Bis} nicht nach ihrem Beginn.", ZeitenForm);
            zeiten.Add(new Oeffnungszeit(z.Wochentag, von, bis));
        }
        foreach (var tag in zeiten.GroupBy(z => z.Wochentag))
        {
            var sortiert = tag.OrderBy(z => z.VonMinute).ToList();
            for (var i = 1; i < sortiert.Count; i++)
                if (sortiert[i].VonMinute < sortiert[i - 1].BisMinute)
                    throw ApiProblemException.Ungueltig($"Am {Wochentage[tag.Key]} überschneiden sich die Öffnungszeiten {Hhmm(sortiert[i - 1].VonMinute)}–{Hhmm(sortiert[i - 1].BisMinute)} und {Hhmm(sortiert[i].VonMinute)}–{Hhmm(sortiert[i].BisMinute)}.", ZeitenForm);
        }
        return zeiten;
    }

    private static PageRequest Seite(int? offset, int? limit)
    {
        if (offset is < 0) throw ApiProblemException.Ungueltig($"offset {offset} ist negativ: die Seite beginnt bei 0 oder später.", "offset ≥ 0");
        if (limit is < 1 or > PageRequest.MaxLimit) throw ApiProblemException.Ungueltig($"limit {limit} geht nicht: eine Seite hat 1 bis {PageRequest.MaxLimit} Einträge.", $"1 ≤ limit ≤ {PageRequest.MaxLimit}");
        return PageRequest.From(offset, limit);
    }

    private static void Kennung(string id, string was)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.Ungueltig($"„{Kurz(id)}“ taugt nicht als Kennung {was}: erlaubt sind 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.'.", "1–64 Buchstaben, Ziffern, '-', '_' oder '.'");
    }

    /// <summary>A text the request must carry: missing, too long or with control characters is refused in German.</summary>
    private static string Pflicht(string? value, string feld, int max, string was) =>
        Frei(value, feld, max, "Der Text") ?? throw ApiProblemException.Ungueltig($"Bitte geben Sie {was} an ({feld}).", $"{feld}: 1–{max} Zeichen");

    private static string? Frei(string? value, string feld, int max, string was)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (v.Length > max) throw ApiProblemException.Ungueltig($"{was} ({feld}) ist {v.Length} Zeichen lang; höchstens {max} sind erlaubt.", $"{feld}: 1–{max} Zeichen");
        if (v.Any(char.IsControl)) throw ApiProblemException.Ungueltig($"{was} ({feld}) enthält Steuerzeichen (z. B. einen Zeilenumbruch).", $"{feld}: 1–{max} Zeichen ohne Steuerzeichen");
        return v;
    }

    private static ApiProblemException KeinStandort(string? id) => ApiProblemException.NichtGefunden($"Den Standort „{Kurz(id)}“ gibt es nicht.");

    private static readonly Dictionary<string, string> StatusWort = new(StringComparer.Ordinal)
    {
        [TerminStatus.Gebucht] = "gebucht", [TerminStatus.Erschienen] = "schon als erschienen vermerkt", [TerminStatus.Erledigt] = "schon erledigt",
        [TerminStatus.NichtErschienen] = "schon als nicht erschienen vermerkt", [TerminStatus.Storniert] = "abgesagt",
    };

    private static ApiProblemException NichtGebucht(Termin t, string was) =>
        ApiProblemException.Konflikt($"Der Termin {t.Id} ist {StatusWort.GetValueOrDefault(t.Status, t.Status)}; nur ein gebuchter Termin wird {was}.");

    /// <summary>The citizen's e-mail address for confirmation and reminder; refused in German.</summary>
    private static string BuergerEmail(string? text)
    {
        var v = text?.Trim() ?? "";
        if (v.Length == 0) throw ApiProblemException.Ungueltig("Bitte geben Sie Ihre E-Mail-Adresse an: Sie erhalten die Bestätigung und die Erinnerung per E-Mail.", "email: name@example.org");
        if (v.Length > 254 || v.Any(char.IsControl) || !MailAddress.TryCreate(v, out var a) || a.Address != v || !v.Contains('.', StringComparison.Ordinal))
            throw ApiProblemException.Ungueltig($"„{Kurz(v)}“ ist keine E-Mail-Adresse. Bitte geben Sie eine Adresse wie name@example.org an.", "email: name@example.org");
        return v;
    }

    /// <summary>A value of the request, shortened and without control characters, to be named in an answer.</summary>
    private static string Kurz(string? text)
    {
        var t = new string((text ?? "").Where(c => !char.IsControl(c)).Take(60).ToArray());
        return (text?.Length ?? 0) > 60 ? t + "…" : t;
    }

    private static Termin Find(HttpContext http, string id) =>
        Store(http).GetTermin(http.Tenant().TenantId, id) ?? throw ApiProblemException.NichtGefunden($"Den Termin „{Kurz(id)}“ gibt es nicht.");

    /// <summary>The citizen's own appointment; another's does not exist for them (the same 404 as an unknown one).</summary>
    private static Termin Own(HttpContext http, string id)
    {
        var citizen = CitizenSignIn.Current(http);
        var t = Store(http).GetTermin(http.Tenant().TenantId, id);
        return t is not null && t.Buerger == citizen.Owner ? t : throw ApiProblemException.NichtGefunden("Termin nicht gefunden");
    }

    internal static ITerminStore Store(HttpContext http) => http.RequestServices.GetRequiredService<TerminRegister>().Store;

    private static FristCalculator Fristen(HttpContext http) =>
        http.RequestServices.GetService<TenantEngines>()?.Fristen?.Invoke(http.Tenant().TenantId) ?? FristCalculator.Hessen;

    private static Uri? Portal(HttpContext http) => http.RequestServices.GetService<ServerAddress>()?.Public;

    private static Instant Now() => SystemClock.Instance.GetCurrentInstant();

    /// <summary>Writes; a refusal of the tables is a German 409 (<paramref name="sonst"/> for any other than a full time or too many appointments).</summary>
    private static void Write(Action write, string sonst = "Die Änderung widerspricht den gespeicherten Terminen; bitte laden Sie neu und versuchen Sie es noch einmal.")
    {
        try { write(); }
        catch (TerminConstraintException e) when (e.Belegt) { throw ApiProblemException.Konflikt("Zu dieser Zeit ist kein Schalter mehr frei (belegt): bitte eine andere Zeit wählen."); }
        catch (TerminConstraintException e) when (e.ZuViele)
        {
            throw ApiProblemException.Konflikt($"Sie haben schon {HoechstensOffen} offene Termine. Bitte sagen Sie einen ab, bevor Sie einen weiteren buchen.");
        }
        catch (TerminConstraintException) { throw ApiProblemException.Konflikt(sonst); }
    }

    private static StandortDto Dto(Standort s) => new(s.Id, s.Name, s.Adresse, s.Schalter, s.RasterMinuten, s.VorlaufTage, s.Gruppe, s.Aktiv);
    private static DienstleistungDto Dto(Dienstleistung d) => new(d.Id, d.Name, d.DauerMinuten, d.Leika, d.Aktiv);
    private static OeffnungszeitDto Dto(Oeffnungszeit z) => new(z.Wochentag, Hhmm(z.VonMinute), Hhmm(z.BisMinute));
    private static string Hhmm(int m) => string.Create(CultureInfo.InvariantCulture, $"{m / 60:00}:{m % 60:00}");

    private static TerminDto Dto(HttpContext http, Termin t)
    {
        var tenant = http.Tenant().TenantId;
        var s = Store(http).GetStandort(tenant, t.StandortId);
        var d = Store(http).GetDienstleistung(tenant, t.DienstleistungId);
        return new(t.Id, t.StandortId, s?.Name ?? t.StandortId, t.Schalter, t.DienstleistungId, d?.Name ?? t.DienstleistungId, t.Von.ToDateTimeOffset(), t.Bis.ToDateTimeOffset(),
            Terminbuch.Uhrzeit(t.Von), Terminbuch.Text(t.Von), t.Status, t.Name, t.Email, t.InstanceId, t.Grund);
    }

    private static BuergerTerminDto BuergerDto(HttpContext http, Termin t)
    {
        var tenant = http.Tenant().TenantId;
        var s = Store(http).GetStandort(tenant, t.StandortId);
        var d = Store(http).GetDienstleistung(tenant, t.DienstleistungId);
        return new(t.Id, s?.Name ?? t.StandortId, s?.Adresse, d?.Name ?? t.DienstleistungId, t.Von.ToDateTimeOffset(), t.Bis.ToDateTimeOffset(), Terminbuch.Text(t.Von),
            t.Status, t.Status == TerminStatus.Gebucht && t.Von > Now());
    }

    private static readonly Dictionary<string, string> StatusText = new(StringComparer.Ordinal)
    {
        [TerminStatus.Gebucht] = "gebucht", [TerminStatus.Erschienen] = "Sie werden bedient", [TerminStatus.Erledigt] = "erledigt",
        [TerminStatus.NichtErschienen] = "nicht wahrgenommen", [TerminStatus.Storniert] = "abgesagt",
    };

    private static string Seite(BuergerTerminDto t, string csrf, bool abgesagt)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        if (abgesagt) sb.Append("<p class=\"ok\" role=\"status\">Ihr Termin ist abgesagt. Sie erhalten eine Bestätigung per E-Mail.</p>");
        sb.Append("<dl id=\"termin\"><dt>Terminnummer</dt><dd>").Append(E(t.Id)).Append("</dd>")
            .Append("<dt>Anliegen</dt><dd>").Append(E(t.DienstleistungName)).Append("</dd>")
            .Append("<dt>Zeit</dt><dd>").Append(E(t.TerminText)).Append("</dd>")
            .Append("<dt>Ort</dt><dd>").Append(E(t.StandortName)).Append(t.StandortAdresse is { Length: > 0 } a ? ", " + E(a) : "").Append("</dd>")
            .Append("<dt>Stand</dt><dd>").Append(E(StatusText.GetValueOrDefault(t.Status, t.Status))).Append("</dd></dl>");
        if (t.Absagbar)
            sb.Append("<form method=\"post\" action=\"/buerger/termine/").Append(E(Uri.EscapeDataString(t.Id))).Append("/absagen\">")
                .Append("<input type=\"hidden\" name=\"").Append(Csrf.FormField).Append("\" value=\"").Append(E(csrf)).Append("\">")
                .Append("<p>Wenn Sie den Termin nicht wahrnehmen können, sagen Sie ihn bitte ab. Die Zeit wird dann für andere frei.</p>")
                .Append("<button type=\"submit\">Termin absagen</button></form>");
        sb.Append("<p><a href=\"/buerger/vorgaenge\">Zu meinen Vorgängen</a></p>");
        return CitizenPages.Layout("Ihr Termin im Bürgerbüro", sb.ToString());
    }
}
