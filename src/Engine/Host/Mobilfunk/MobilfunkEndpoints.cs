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
        var m = api.MapGroup("/mobilfunk");

        m.MapGet("/tarife", (HttpContext http, bool? alle, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListTarife(http.Tenant().TenantId, alle != true, page.Offset, page.Limit);
                return Results.Ok(new Page<TarifDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMobilfunkTarife").RequirePermission(Permission.MobileRead)
            .WithSummary("The standard catalogue's tariffs, cheapest first (?alle=true with retired ones, &offset=&limit=)").Produces<Page<TarifDto>>();

        m.MapGet("/tarife/{id}", (HttpContext http, string id) =>
                Store(http).GetTarif(http.Tenant().TenantId, id) is { } t ? Results.Ok(Dto(t)) : throw ApiProblemException.NotFound($"no tariff '{id}'"))
            .WithName("GetMobilfunkTarif").RequirePermission(Permission.MobileRead)
            .WithSummary("One tariff of the catalogue").Produces<TarifDto>().ProducesProblem(404);

        m.MapPut("/tarife/{id}", (HttpContext http, string id, TarifBody body) =>
            {
                CheckKey(id, "id", 64);
                var bezeichnung = Text(body.Bezeichnung, "bezeichnung", 200);
                var gebuehr = Euro(body.Grundgebuehr, "grundgebuehr");
                var laufzeit = body.Mindestlaufzeit is { } l and >= 0 and <= 60 ? l
                    : throw ApiProblemException.BadRequest("mindestlaufzeit is missing or out of range", "mindestlaufzeit: months, 0–60");
                if (body.DatenvolumenGb is < 0 or > 100_000) throw ApiProblemException.BadRequest("datenvolumenGb is out of range", "0–100000 GB, or null for unlimited");
                var t = Store(http).PutTarif(http.Tenant().TenantId, new Tarif(id, bezeichnung, gebuehr, laufzeit, body.DatenvolumenGb, body.Aktiv ?? true, Now()));
                return Results.Ok(Dto(t));
            })
            .WithName("PutMobilfunkTarif").RequirePermission(Permission.MobileManage)
            .WithSummary("Add or change a tariff (monthly fee in euros, minimum term in months); aktiv=false retires it (running contracts keep their terms)")
            .Produces<TarifDto>().ProducesProblem(400);

        m.MapGet("/geraete", (HttpContext http, bool? alle, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListGeraete(http.Tenant().TenantId, alle != true, page.Offset, page.Limit);
                return Results.Ok(new Page<GeraetDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListMobilfunkGeraete").RequirePermission(Permission.MobileRead)
            .WithSummary("The standard catalogue's devices, cheapest first (?alle=true with retired ones, &offset=&limit=)").Produces<Page<GeraetDto>>();

        m.MapGet("/geraete/{id}", (HttpContext http, string id) =>
                Store(http).GetGeraet(http.Tenant().TenantId, id) is { } g ? Results.Ok(Dto(g)) : throw ApiProblemException.NotFound($"no device '{id}'"))
            .WithName("GetMobilfunkGeraet").RequirePermission(Permission.MobileRead)
            .WithSummary("One device of the catalogue").Produces<GeraetDto>().ProducesProblem(404);

        m.MapPut("/geraete/{id}", (HttpContext http, string id, GeraetBody body) =>
            {
                CheckKey(id, "id", 64);
                var bezeichnung = Text(body.Bezeichnung, "bezeichnung", 200);
                var hersteller = Text(body.Hersteller, "hersteller", 100);
                var preis = Euro(body.Preis, "preis");
                var g = Store(http).PutGeraet(http.Tenant().TenantId, new Geraet(id, bezeichnung, hersteller, preis, body.Aktiv ?? true, Now()));
                return Results.Ok(Dto(g));
            })
            .WithName("PutMobilfunkGeraet").RequirePermission(Permission.MobileManage)
            .WithSummary("Add or change a device (price in euros); aktiv=false retires it").Produces<GeraetDto>().ProducesProblem(400);

        m.MapGet("/vertraege", (HttpContext http, string? mitarbeiter, string? kostenstelle, string? status, string? endetBis, string? q, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var suche = string.IsNullOrWhiteSpace(q) ? null : q.Trim() is { Length: <= 100 } t && !t.Any(char.IsControl) ? t
                    : throw ApiProblemException.BadRequest("q is longer than 100 characters or contains control characters");
                mitarbeiter = string.IsNullOrWhiteSpace(mitarbeiter) ? null : mitarbeiter.Trim();
                kostenstelle = string.IsNullOrWhiteSpace(kostenstelle) ? null : kostenstelle.Trim();
                status = string.IsNullOrWhiteSpace(status) ? null : status;
                if (status is not null && !VertragStatus.All.Contains(status))
                    throw ApiProblemException.BadRequest($"status '{status}' is unknown", string.Join(", ", VertragStatus.All));
                LocalDate? bis = endetBis is null ? null : LocalDatePattern.Iso.Parse(endetBis) is { Success: true } p ? p.Value
                    : throw ApiProblemException.BadRequest($"endetBis '{endetBis}' is no date", "YYYY-MM-DD");
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
                    : throw ApiProblemException.NotFound($"no contract '{id}' visible to you");
            })
            .WithName("GetMobilfunkVertrag").RequirePermission(Permission.MobileRead)
            .WithSummary("One contract with its device and receipt (own, or any for the IT-Service)").Produces<VertragDto>().ProducesProblem(404);

        m.MapGet("/kosten", (HttpContext http, string? kostenstelle, int? offset, int? limit) =>
            {
                kostenstelle = string.IsNullOrWhiteSpace(kostenstelle) ? null : kostenstelle.Trim();
                var page = PageRequest.From(offset, limit);
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

    private static string Text(string? value, string name, int max) =>
        value?.Trim() is { Length: > 0 } t && t.Length <= max && !t.Any(char.IsControl) ? t
            : throw ApiProblemException.BadRequest($"{name} is missing, longer than {max.ToString(CultureInfo.InvariantCulture)} characters or contains control characters");

    private static decimal Euro(decimal? value, string name) =>
        value is { } v && v >= 0 && v <= 100_000m && v == decimal.Round(v, 2) ? v
            : throw ApiProblemException.BadRequest($"{name} is missing or not usable", $"{name}: euros, 0–100000, at most cents");

    private static void CheckKey(string value, string name, int max)
    {
        if (value.Length == 0 || value.Length > max || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.BadRequest($"{name} '{value}' is not usable", $"1–{max.ToString(CultureInfo.InvariantCulture)} letters, digits, '-', '_' or '.'");
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
