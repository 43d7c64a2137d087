using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Mobilfunk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Mobilfunk;

public sealed record TarifBody(string? Bezeichnung, decimal? Grundgebuehr, int? Mindestlaufzeit, int? DatenvolumenGb, bool? Aktiv);
public sealed record GeraetBody(string? Bezeichnung, string? Hersteller, decimal? Preis, bool? Aktiv);

public sealed record TarifDto(string Id, string Bezeichnung, decimal Grundgebuehr, int Mindestlaufzeit, int? DatenvolumenGb, bool Aktiv, DateTimeOffset GeaendertAm);
public sealed record GeraetDto(string Id, string Bezeichnung, string Hersteller, decimal Preis, bool Aktiv, DateTimeOffset GeaendertAm);
public sealed record VertragDto(string Id, string Mitarbeiter, string Kostenstelle, string TarifId, string? Tarif, string? GeraetId, string? Geraet,
    string? Rufnummer, decimal Grundgebuehr, decimal KostenJahr, decimal Geraetepreis, int Mindestlaufzeit, string? Beginn, string? MindestlaufzeitEnde,
    string Status, string? GekuendigtZum, string? Seriennummer, string? GeraetStatus, string? QuittiertVon, DateTimeOffset? QuittiertAm,
    DateTimeOffset? ZurueckgegebenAm, string? InstanceId, DateTimeOffset AngelegtAm, DateTimeOffset GeaendertAm);
public sealed record KostenstellensummeDto(string Kostenstelle, int Vertraege, decimal Monatlich, decimal Jaehrlich, decimal Geraete);
public sealed record KostenDto(IReadOnlyList<KostenstellensummeDto> Items, int Offset, int Limit, long Total, KostenstellensummeDto Gesamt);

/// <summary>
/// Mobilfunk's own data under /api/mobilfunk (issue 17 item 4): the standard catalogue of tariffs and devices, the contracts with
/// their devices, and the costs per cost centre. <see cref="Permission.MobileRead"/> (every member of staff) reads the catalogue
/// and their OWN contracts (another person's answers 404, as if it did not exist); <see cref="Permission.MobileManage"/> (the
/// IT-Service) keeps the catalogue and sees every contract and the costs. Contracts are written by the cases (activity
/// <c>mobilfunk-vertrag</c>), never through the API.
/// </summary>
public static class MobilfunkEndpoints
{
    public static void MapMobilfunkEndpoints(this RouteGroupBuilder api)
    {
        // Staff and the IT-Service read these answers: every refusal in German, saying what to send instead.
        var m = api.MapGroup("/mobilfunk").WithMetadata(new GermanProblems());

        m.MapGet("/tarife", (HttpContext http, bool? alle, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var (items, total) = Store(http).ListTarife(http.Tenant().TenantId, alle != true, page.Offset, page.Limit);
                return Results.Ok(new Page<TarifDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMobilfunkTarife").RequirePermission(Permission.MobileRead)
            .WithSummary("The standard catalogue's tariffs, cheapest first (?alle=true with retired ones, &offset=&limit=)").Produces<Page<TarifDto>>();

        m.MapGet("/tarife/{id}", (HttpContext http, string id) =>
                Store(http).GetTarif(http.Tenant().TenantId, id) is { } t ? Results.Ok(Dto(t)) : throw ApiProblemException.NichtGefunden($"Den Tarif „{Kurz(id)}“ gibt es im Standardkatalog nicht."))
            .WithName("GetMobilfunkTarif").RequirePermission(Permission.MobileRead)
            .WithSummary("One tariff of the catalogue").Produces<TarifDto>().ProducesProblem(404);

        m.MapPut("/tarife/{id}", (HttpContext http, string id, TarifBody body) =>
            {
                CheckKey(id, "des Tarifs");
                var bezeichnung = Text(body.Bezeichnung, "bezeichnung", 200, "die Bezeichnung des Tarifs");
                var gebuehr = Euro(body.Grundgebuehr, "grundgebuehr", "die monatliche Grundgebühr");
                var laufzeit = body.Mindestlaufzeit is { } l and >= 0 and <= 60 ? l
                    : throw ApiProblemException.Ungueltig(body.Mindestlaufzeit is null ? "Bitte geben Sie die Mindestlaufzeit in Monaten an (mindestlaufzeit)."
                        : $"Eine Mindestlaufzeit von {body.Mindestlaufzeit} Monaten geht nicht: erlaubt sind 0 bis 60 Monate.", "mindestlaufzeit: Monate, 0–60");
                if (body.DatenvolumenGb is < 0 or > 100_000)
                    throw ApiProblemException.Ungueltig($"Ein Datenvolumen von {body.DatenvolumenGb} GB geht nicht: erlaubt sind 0 bis 100000 GB, oder nichts für unbegrenzt.", "datenvolumenGb: 0–100000 oder null");
                var t = Store(http).PutTarif(http.Tenant().TenantId, new Tarif(id, bezeichnung, gebuehr, laufzeit, body.DatenvolumenGb, body.Aktiv ?? true, Now()));
                return Results.Ok(Dto(t));
            })
            .WithName("PutMobilfunkTarif").RequirePermission(Permission.MobileManage)
            .WithSummary("Add or change a tariff (monthly fee in euros, minimum term in months); aktiv=false retires it (running contracts keep their terms)")
            .Produces<TarifDto>().ProducesProblem(400);

        m.MapGet("/geraete", (HttpContext http, bool? alle, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var (items, total) = Store(http).ListGeraete(http.Tenant().TenantId, alle != true, page.Offset, page.Limit);
                return Results.Ok(new Page<GeraetDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMobilfunkGeraete").RequirePermission(Permission.MobileRead)
            .WithSummary("The standard catalogue's devices, cheapest first (?alle=true with retired ones, &offset=&limit=)").Produces<Page<GeraetDto>>();

        m.MapGet("/geraete/{id}", (HttpContext http, string id) =>
                Store(http).GetGeraet(http.Tenant().TenantId, id) is { } g ? Results.Ok(Dto(g)) : throw ApiProblemException.NichtGefunden($"Das Gerät „{Kurz(id)}“ gibt es im Standardkatalog nicht."))
            .WithName("GetMobilfunkGeraet").RequirePermission(Permission.MobileRead)
            .WithSummary("One device of the catalogue").Produces<GeraetDto>().ProducesProblem(404);

        m.MapPut("/geraete/{id}", (HttpContext http, string id, GeraetBody body) =>
            {
                CheckKey(id, "des Geräts");
                var bezeichnung = Text(body.Bezeichnung, "bezeichnung", 200, "die Bezeichnung des Geräts");
                var hersteller = Text(body.Hersteller, "hersteller", 100, "den Hersteller");
                var preis = Euro(body.Preis, "preis", "den Preis des Geräts");
                var g = Store(http).PutGeraet(http.Tenant().TenantId, new Geraet(id, bezeichnung, hersteller, preis, body.Aktiv ?? true, Now()));
                return Results.Ok(Dto(g));
            })
            .WithName("PutMobilfunkGeraet").RequirePermission(Permission.MobileManage)
            .WithSummary("Add or change a device (price in euros); aktiv=false retires it").Produces<GeraetDto>().ProducesProblem(400);

        m.MapGet("/vertraege", (HttpContext http, string? mitarbeiter, string? kostenstelle, string? status, string? endetBis, string? q, int? offset, int? limit) =>
            {
                var page = Seite(offset, limit);
                var suche = string.IsNullOrWhiteSpace(q) ? null : q.Trim() is { Length: <= 100 } t && !t.Any(char.IsControl) ? t
                    : throw ApiProblemException.Ungueltig("Der Suchbegriff (q) ist länger als 100 Zeichen oder enthält Steuerzeichen.", "q: 1–100 Zeichen");
                mitarbeiter = string.IsNullOrWhiteSpace(mitarbeiter) ? null : mitarbeiter.Trim();
                kostenstelle = string.IsNullOrWhiteSpace(kostenstelle) ? null : kostenstelle.Trim();
                status = string.IsNullOrWhiteSpace(status) ? null : status;
                if (status is not null && !VertragStatus.All.Contains(status))
                    throw ApiProblemException.Ungueltig($"Den Status „{Kurz(status)}“ gibt es nicht; möglich sind: {string.Join(", ", VertragStatus.All)}.", string.Join(", ", VertragStatus.All));
                LocalDate? bis = endetBis is null ? null : LocalDatePattern.Iso.Parse(endetBis) is { Success: true } p ? p.Value
                    : throw ApiProblemException.Ungueltig($"„{Kurz(endetBis)}“ ist kein Datum (endetBis). Bitte geben Sie es als JJJJ-MM-TT an, z. B. 2027-03-31.", "endetBis: JJJJ-MM-TT");
                // Without the IT-Service's permission the list holds the caller's own contracts only, whatever was asked.
                var who = MayManage(http.Caller()) ? mitarbeiter : http.Caller().Id;
                var (items, total) = Store(http).ListVertraege(http.Tenant().TenantId, new VertragFilter(who, kostenstelle, status, bis, suche), page.Offset, page.Limit);
                return Results.Ok(new Page<VertragDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMobilfunkVertraege").RequirePermission(Permission.MobileRead)
            .WithSummary("Contracts with tariff, device and costs (?mitarbeiter=&kostenstelle=&status=&endetBis=YYYY-MM-DD&q=&offset=&limit=; q: a part of number, staff member, cost centre, phone number, tariff or device): the caller's own; the IT-Service's every one")
            .Produces<Page<VertragDto>>().ProducesProblem(400);

        m.MapGet("/vertraege/{id}", (HttpContext http, string id) =>
            {
                var v = Store(http).GetVertrag(http.Tenant().TenantId, id);
                return v is not null && (MayManage(http.Caller()) || v.Mitarbeiter == http.Caller().Id) ? Results.Ok(Dto(v))
                    : throw ApiProblemException.NichtGefunden($"Einen Vertrag „{Kurz(id)}“ gibt es nicht unter den Verträgen, die Sie sehen dürfen.");
            })
            .WithName("GetMobilfunkVertrag").RequirePermission(Permission.MobileRead)
            .WithSummary("One contract with its device and receipt (own, or any for the IT-Service)").Produces<VertragDto>().ProducesProblem(404);

        m.MapGet("/kosten", (HttpContext http, string? kostenstelle, int? offset, int? limit) =>
            {
                kostenstelle = string.IsNullOrWhiteSpace(kostenstelle) ? null : kostenstelle.Trim();
                var page = Seite(offset, limit);
                var tenant = http.Tenant().TenantId;
                var (items, total) = Store(http).Kosten(tenant, kostenstelle, page.Offset, page.Limit);
                return Results.Ok(new KostenDto(items.Select(Dto).ToList(), page.Offset, page.Limit, total, Dto(Store(http).Gesamt(tenant))));
            })
            .WithName("GetMobilfunkKosten").RequirePermission(Permission.MobileManage)
            .WithSummary("The running contracts' costs per cost centre (monthly, yearly, devices) and in total (?kostenstelle=&offset=&limit=)").Produces<KostenDto>();
    }

    /// <summary>Whether the caller sees every contract and the costs (the IT-Service).</summary>
    public static bool MayManage(Caller caller) => RolePermissions.Allows(caller, Permission.MobileManage);

    internal static IMobilfunkStore Store(HttpContext http) => http.RequestServices.GetRequiredService<MobilfunkRegister>().Store;

    private static Instant Now() => SystemClock.Instance.GetCurrentInstant();

    private static string Text(string? value, string feld, int max, string was)
    {
        var t = value?.Trim() ?? "";
        if (t.Length == 0) throw ApiProblemException.Ungueltig($"Bitte geben Sie {was} an ({feld}).", $"{feld}: 1–{max} Zeichen");
        if (t.Length > max) throw ApiProblemException.Ungueltig($"Der Text in {feld} ist {t.Length} Zeichen lang; höchstens {max} sind erlaubt.", $"{feld}: 1–{max} Zeichen");
        if (t.Any(char.IsControl)) throw ApiProblemException.Ungueltig($"Der Text in {feld} enthält Steuerzeichen (z. B. einen Zeilenumbruch).", $"{feld}: 1–{max} Zeichen ohne Steuerzeichen");
        return t;
    }

    private static decimal Euro(decimal? value, string feld, string was)
    {
        var form = $"{feld}: Euro, 0–100000, höchstens auf den Cent, z. B. 9.90";
        if (value is not { } v) throw ApiProblemException.Ungueltig($"Bitte geben Sie {was} in Euro an ({feld}).", form);
        if (v < 0 || v > 100_000m) throw ApiProblemException.Ungueltig($"{Betrag(v)} € geht nicht ({feld}): erlaubt sind 0 bis 100.000 €.", form);
        if (v != decimal.Round(v, 2)) throw ApiProblemException.Ungueltig($"{Betrag(v)} € hat mehr als zwei Nachkommastellen ({feld}): Beträge gehen auf den Cent genau.", form);
        return v;
    }

    /// <summary>An amount as Germans write it (a decimal comma), whatever the server's culture.</summary>
    private static string Betrag(decimal v) => v.ToString(CultureInfo.InvariantCulture).Replace('.', ',');

    private static void CheckKey(string value, string was)
    {
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.Ungueltig($"„{Kurz(value)}“ taugt nicht als Kennung {was}: erlaubt sind 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.'.", "1–64 Buchstaben, Ziffern, '-', '_' oder '.'");
    }

    private static PageRequest Seite(int? offset, int? limit)
    {
        if (offset is < 0) throw ApiProblemException.Ungueltig($"offset {offset} ist negativ: die Seite beginnt bei 0 oder später.", "offset ≥ 0");
        if (limit is < 1 or > PageRequest.MaxLimit) throw ApiProblemException.Ungueltig($"limit {limit} geht nicht: eine Seite hat 1 bis {PageRequest.MaxLimit} Einträge.", $"1 ≤ limit ≤ {PageRequest.MaxLimit}");
        return PageRequest.From(offset, limit);
    }

    /// <summary>A value of the request, shortened and without control characters, to be named in an answer.</summary>
    private static string Kurz(string? text)
    {
        var t = new string((text ?? "").Where(c => !char.IsControl(c)).Take(60).ToArray());
        return (text?.Length ?? 0) > 60 ? t + "…" : t;
    }

    private static DateTimeOffset At(Instant i) => i.ToDateTimeOffset();
    private static string? Iso(LocalDate? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static TarifDto Dto(Tarif t) => new(t.Id, t.Bezeichnung, t.Grundgebuehr, t.Mindestlaufzeit, t.DatenvolumenGb, t.Aktiv, At(t.GeaendertAm));
    private static GeraetDto Dto(Geraet g) => new(g.Id, g.Bezeichnung, g.Hersteller, g.Preis, g.Aktiv, At(g.GeaendertAm));
    private static VertragDto Dto(Vertrag v) => new(v.Id, v.Mitarbeiter, v.Kostenstelle, v.TarifId, v.TarifBezeichnung, v.GeraetId, v.GeraetBezeichnung, v.Rufnummer,
        v.Grundgebuehr, v.KostenJahr, v.Geraetepreis, v.Mindestlaufzeit, Iso(v.Beginn), Iso(v.MindestlaufzeitEnde), v.Status, Iso(v.GekuendigtZum), v.Seriennummer,
        v.GeraetStatus, v.QuittiertVon, v.QuittiertAm?.ToDateTimeOffset(), v.ZurueckgegebenAm?.ToDateTimeOffset(), v.InstanceId, At(v.AngelegtAm), At(v.GeaendertAm));
    private static KostenstellensummeDto Dto(Kostenstellensumme k) => new(k.Kostenstelle, k.Vertraege, k.Monatlich, k.Jaehrlich, k.Geraete);
}
