using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Ratsinfo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Ratsinfo;

public sealed record KoerperschaftBody(string? Name, string? Kurzname, string? Ags, string? Website, string? KontaktEmail);
public sealed record GremiumBody(string? Name, string? Kurzname, string? Art, string? Lesegruppe, string? VorsitzGruppe);
public sealed record SitzungBody(string? GremiumId, string? Name, DateTimeOffset? Beginn, DateTimeOffset? Ende, string? Ort, DateTimeOffset? Einreichungsfrist, bool? Abgesagt);
public sealed record NiederschriftBody(string? Text);

public sealed record KoerperschaftDto(string Name, string? Kurzname, string? Ags, string? Website, string? KontaktEmail, DateTimeOffset GeaendertAm);
public sealed record GremiumDto(string Id, string Name, string? Kurzname, string Art, string Lesegruppe, string VorsitzGruppe, DateTimeOffset GeaendertAm);
public sealed record SitzungDto(string Id, string GremiumId, string Name, DateTimeOffset Beginn, DateTimeOffset? Ende, string? Ort, DateTimeOffset Einreichungsfrist, bool Abgesagt);

/// <summary>
/// A paper as the API shows it. <see cref="Lesbar"/> false: a non-public paper the caller may not read — only its number,
/// status, session and that it is non-public are shown (the agenda's non-public part lists it), never its text or minutes.
/// </summary>
public sealed record VorlageDto(string Id, bool Lesbar, bool Oeffentlich, string Status, string? GremiumId, string? SitzungId, bool Nachtrag,
    string? Betreff, string? Art, string? Federfuehrend, string? Sachverhalt, string? Beschlussvorschlag, string? Niederschrift, string? InstanceId,
    DateTimeOffset? EingereichtAm, DateTimeOffset? VeroeffentlichtAm);

/// <summary>
/// The Ratsinformationssystem's own data under /api/ratsinfo: the Körperschaft, Gremien, the Sitzungskalender (with each
/// session's Einreichungsfrist) and the papers with their minutes. Reading needs <see cref="Permission.CouncilRead"/>;
/// a non-public paper and its minutes are readable only for the Gremium's group, its chair, the drafting Fachbereich and the
/// Sitzungsdienst. Keeping the calendar and the minutes needs <see cref="Permission.CouncilManage"/>.
/// </summary>
public static class RatsinfoEndpoints
{
    public static void MapRatsinfoEndpoints(this RouteGroupBuilder api)
    {
        var r = api.MapGroup("/ratsinfo").WithMetadata(new GermanProblems());

        r.MapGet("/koerperschaft", (HttpContext http) => Store(http).GetKoerperschaft(http.Tenant().TenantId) is { } k ? Results.Ok(Dto(k))
                : throw ApiProblemException.NichtGefunden("Für diesen Mandanten ist noch keine Körperschaft eingetragen (PUT /api/ratsinfo/koerperschaft); bis dahin wird nichts veröffentlicht."))
            .WithName("GetKoerperschaft").RequirePermission(Permission.CouncilRead)
            .WithSummary("The tenant's Körperschaft as OParl shows it (its Body)").Produces<KoerperschaftDto>().ProducesProblem(404);

        r.MapPut("/koerperschaft", (HttpContext http, KoerperschaftBody body) =>
            {
                var name = Required(body.Name, "name", 200);
                if (body.Ags is { } ags && (ags.Length != 8 || !ags.All(char.IsAsciiDigit)))
                    throw ApiProblemException.Ungueltig($"„{Kurz(ags)}“ ist kein Amtlicher Gemeindeschlüssel (ags): er hat 8 Ziffern, z. B. 06411000.", "8 Ziffern, z. B. 06411000");
                var k = new Koerperschaft(name, Optional(body.Kurzname, "kurzname", 50), body.Ags, Url(body.Website, "website"), Optional(body.KontaktEmail, "kontaktEmail", 200), Now(http));
                Write(() => Store(http).PutKoerperschaft(http.Tenant().TenantId, k));
                return Results.Ok(Dto(k));
            })
            .WithName("PutKoerperschaft").RequirePermission(Permission.CouncilManage)
            .WithSummary("Set the tenant's Körperschaft (name, short name, AGS, website, contact); from then on its public papers appear at /oparl/v1")
            .Produces<KoerperschaftDto>().ProducesProblem(400);

        r.MapGet("/gremien", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListGremien(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<GremiumDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListGremien").RequirePermission(Permission.CouncilRead)
            .WithSummary("The council and its committees (?offset=&limit=)").Produces<Page<GremiumDto>>();

        r.MapGet("/gremien/{id}", (HttpContext http, string id) => Store(http).GetGremium(http.Tenant().TenantId, id) is { } g ? Results.Ok(Dto(g))
                : throw KeinGremium(id))
            .WithName("GetGremium").RequirePermission(Permission.CouncilRead)
            .WithSummary("One Gremium").Produces<GremiumDto>().ProducesProblem(404);

        r.MapPut("/gremien/{id}", (HttpContext http, string id, GremiumBody body) =>
            {
                CheckId(id);
                var art = body.Art ?? GremiumArten.Ausschuss;
                if (!GremiumArten.All.Contains(art))
                    throw ApiProblemException.Ungueltig($"Die Art „{Kurz(art)}“ gibt es nicht; möglich sind: {string.Join(", ", GremiumArten.All)}.", string.Join(", ", GremiumArten.All));
                var g = new Gremium(id, Required(body.Name, "name", 200), Optional(body.Kurzname, "kurzname", 50), art,
                    Required(body.Lesegruppe, "lesegruppe", 100), Required(body.VorsitzGruppe, "vorsitzGruppe", 100), Now(http));
                Write(() => Store(http).PutGremium(http.Tenant().TenantId, g));
                return Results.Ok(Dto(g));
            })
            .WithName("PutGremium").RequirePermission(Permission.CouncilManage)
            .WithSummary("Add or change a Gremium: name, kind (vertretung, ausschuss, beirat, ortsbeirat), the group that may read its non-public papers, the chair's group; 409 for a name another Gremium holds")
            .Produces<GremiumDto>().ProducesProblem(400).ProducesProblem(409);

        r.MapGet("/sitzungen", (HttpContext http, string? gremium, DateTimeOffset? ab, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListSitzungen(http.Tenant().TenantId, gremium, ab is { } a ? Instant.FromDateTimeOffset(a) : null, page.Offset, page.Limit);
                return Results.Ok(new Page<SitzungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListSitzungen").RequirePermission(Permission.CouncilRead)
            .WithSummary("The Sitzungskalender by start, with each session's Einreichungsfrist (?gremium=&ab=&offset=&limit=)").Produces<Page<SitzungDto>>();

        r.MapGet("/sitzungen/{id}", (HttpContext http, string id) => Store(http).GetSitzung(http.Tenant().TenantId, id) is { } s ? Results.Ok(Dto(s))
                : throw ApiProblemException.NichtGefunden($"Eine Sitzung „{Kurz(id)}“ gibt es nicht."))
            .WithName("GetSitzung").RequirePermission(Permission.CouncilRead)
            .WithSummary("One session").Produces<SitzungDto>().ProducesProblem(404);

        r.MapPut("/sitzungen/{id}", (HttpContext http, string id, SitzungBody body) =>
            {
                CheckId(id);
                var beginn = body.Beginn ?? throw ApiProblemException.Ungueltig("Bitte geben Sie den Beginn der Sitzung an (beginn).", "beginn: Zeitpunkt mit Zeitzone, z. B. 2027-03-02T18:00:00+01:00");
                var frist = body.Einreichungsfrist ?? throw ApiProblemException.Ungueltig("Bitte geben Sie die Einreichungsfrist der Sitzung an (einreichungsfrist).", "einreichungsfrist: Zeitpunkt vor dem Beginn");
                if (frist >= beginn) throw ApiProblemException.Ungueltig("Die Einreichungsfrist muss vor dem Beginn der Sitzung liegen.", "einreichungsfrist < beginn");
                if (body.Ende is { } ende && ende <= beginn) throw ApiProblemException.Ungueltig("Das Ende der Sitzung muss nach ihrem Beginn liegen.", "ende > beginn");
                var gremiumId = Required(body.GremiumId, "gremiumId", 100);
                if (Store(http).GetGremium(http.Tenant().TenantId, gremiumId) is null)
                    throw ApiProblemException.Ungueltig($"Ein Gremium „{Kurz(gremiumId)}“ gibt es nicht; bitte legen Sie es zuerst an oder wählen Sie ein anderes (gremiumId).", "gremiumId: ein vorhandenes Gremium");
                var s = new Sitzung(id, gremiumId, Required(body.Name, "name", 200), Instant.FromDateTimeOffset(beginn), body.Ende is { } e ? Instant.FromDateTimeOffset(e) : null,
                    Optional(body.Ort, "ort", 200), Instant.FromDateTimeOffset(frist), body.Abgesagt ?? false, Now(http));
                Write(() => Store(http).PutSitzung(http.Tenant().TenantId, s));
                return Results.Ok(Dto(s));
            })
            .WithName("PutSitzung").RequirePermission(Permission.CouncilManage)
            .WithSummary("Add or change a session of a Gremium: start, end, place, Einreichungsfrist (before the start), cancelled")
            .Produces<SitzungDto>().ProducesProblem(400).ProducesProblem(409);

        r.MapGet("/vorlagen", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var tenant = http.Tenant().TenantId;
                var store = Store(http);
                var (items, total) = store.ListVorlagen(tenant, page.Offset, page.Limit);
                var caller = http.Caller();
                return Results.Ok(new Page<VorlageDto>(items.Select(v => View(v, caller, store, tenant)).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListVorlagen").RequirePermission(Permission.CouncilRead)
            .WithSummary("The papers (?offset=&limit=); a non-public paper the caller may not read shows only its number, status and session").Produces<Page<VorlageDto>>();

        r.MapGet("/vorlagen/{id}", (HttpContext http, string id) =>
            {
                var tenant = http.Tenant().TenantId;
                var store = Store(http);
                var v = store.GetVorlage(tenant, id) ?? throw KeineVorlage(id);
                return Results.Ok(View(v, http.Caller(), store, tenant));
            })
            .WithName("GetVorlage").RequirePermission(Permission.CouncilRead)
            .WithSummary("One paper with its minutes; non-public: text and minutes only for the Gremium's group, its chair, the drafting Fachbereich and the Sitzungsdienst")
            .Produces<VorlageDto>().ProducesProblem(404);

        r.MapPut("/vorlagen/{id}/niederschrift", (HttpContext http, string id, NiederschriftBody body) =>
            {
                var text = Required(body.Text, "text", 100_000);
                var tenant = http.Tenant().TenantId;
                var store = Store(http);
                var v = store.GetVorlage(tenant, id) ?? throw KeineVorlage(id);
                if (v.Status != VorlageStatus.Eingereicht)
                    throw ApiProblemException.Konflikt($"Die Vorlage „{Kurz(id)}“ ist keiner Sitzung eingereicht (Stand „{v.Status}“); eine Niederschrift gibt es erst nach der Einreichung.");
                var changed = v with { Niederschrift = text, GeaendertAm = Now(http) };
                Write(() => store.PutVorlage(tenant, changed));
                return Results.Ok(View(changed, http.Caller(), store, tenant));
            })
            .WithName("PutNiederschrift").RequirePermission(Permission.CouncilManage)
            .WithSummary("Record the minutes (Niederschrift) of a submitted paper's agenda item; they are as public as the paper")
            .Produces<VorlageDto>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
    }

    /// <summary>
    /// Whether the caller may read a paper and its minutes: a public one every member of staff with <see cref="Permission.CouncilRead"/>;
    /// a non-public one the Gremium's group, its chair, the drafting Fachbereich and the Sitzungsdienst only.
    /// </summary>
    public static bool MayRead(Caller caller, Vorlage vorlage, Gremium? gremium)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(vorlage);
        if (vorlage.Oeffentlich) return true;
        return caller.HasRole(Caller.Sitzungsdienst) || caller.InGroup(vorlage.Federfuehrend)
            || (gremium is not null && (caller.InGroup(gremium.Lesegruppe) || caller.InGroup(gremium.VorsitzGruppe)));
    }

    private static VorlageDto View(Vorlage v, Caller caller, IRatsinfoStore store, string tenant)
    {
        var gremium = v.GremiumId is null ? null : store.GetGremium(tenant, v.GremiumId);
        if (!MayRead(caller, v, gremium))
            return new VorlageDto(v.Id, false, false, v.Status, v.GremiumId, v.SitzungId, v.Nachtrag, null, null, null, null, null, null, null, At(v.EingereichtAm), null);
        return new VorlageDto(v.Id, true, v.Oeffentlich, v.Status, v.GremiumId, v.SitzungId, v.Nachtrag, v.Betreff, v.Art, v.Federfuehrend, v.Sachverhalt,
            v.Beschlussvorschlag, v.Niederschrift, v.InstanceId, At(v.EingereichtAm), At(v.VeroeffentlichtAm));
    }

    internal static IRatsinfoStore Store(HttpContext http) => http.RequestServices.GetRequiredService<RatsinfoRegister>().Store;

    private static Instant Now(HttpContext http) => SystemClock.Instance.GetCurrentInstant();

    private static DateTimeOffset? At(Instant? i) => i?.ToDateTimeOffset();

    private static KoerperschaftDto Dto(Koerperschaft k) => new(k.Name, k.Kurzname, k.Ags, k.Website, k.KontaktEmail, k.GeaendertAm.ToDateTimeOffset());
    private static GremiumDto Dto(Gremium g) => new(g.Id, g.Name, g.Kurzname, g.Art, g.Lesegruppe, g.VorsitzGruppe, g.GeaendertAm.ToDateTimeOffset());
    private static SitzungDto Dto(Sitzung s) => new(s.Id, s.GremiumId, s.Name, s.Beginn.ToDateTimeOffset(), s.Ende?.ToDateTimeOffset(), s.Ort, s.Einreichungsfrist.ToDateTimeOffset(), s.Abgesagt);

    private static void Write(Action write)
    {
        try { write(); }
        catch (RatsinfoConstraintException e) when (e.Vergeben)
        {
            throw ApiProblemException.Konflikt("Diesen Namen trägt schon ein anderes Gremium: bitte wählen Sie einen anderen (name).");
        }
        catch (RatsinfoConstraintException)
        {
            throw ApiProblemException.Konflikt("Das Ratsinformationssystem lässt diese Änderung nicht zu (eine Regel der Tabellen ist verletzt); bitte prüfen Sie die Angaben.");
        }
    }

    private static ApiProblemException KeinGremium(string id) => ApiProblemException.NichtGefunden($"Ein Gremium „{Kurz(id)}“ gibt es nicht.");

    private static ApiProblemException KeineVorlage(string id) => ApiProblemException.NichtGefunden($"Eine Vorlage „{Kurz(id)}“ gibt es nicht.");

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    private static void CheckId(string id)
    {
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.Ungueltig($"„{Kurz(id)}“ taugt nicht als Kennung: erlaubt sind 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.' (sie steht in den OParl-Adressen).",
                "1–64 Buchstaben, Ziffern, '-', '_' oder '.'");
    }

    private static string Required(string? value, string name, int max) =>
        Optional(value, name, max) ?? throw ApiProblemException.Ungueltig($"Bitte füllen Sie das Feld „{name}“ aus.", $"{name}: 1–{max.ToString(CultureInfo.InvariantCulture)} Zeichen");

    private static string? Optional(string? value, string name, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (v.Length > max || v.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            throw ApiProblemException.Ungueltig(v.Length > max
                ? $"Der Text in {name} ist {v.Length} Zeichen lang; höchstens {max.ToString(CultureInfo.InvariantCulture)} sind erlaubt."
                : $"Der Text in {name} enthält Steuerzeichen.", $"{name}: 1–{max.ToString(CultureInfo.InvariantCulture)} Zeichen ohne Steuerzeichen");
        return v;
    }

    private static string? Url(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http"))
            throw ApiProblemException.Ungueltig($"„{Kurz(value)}“ ist keine Web-Adresse ({name}): bitte geben Sie sie mit https:// oder http:// an.", $"{name}: https://…");
        return u.ToString();
    }
}
