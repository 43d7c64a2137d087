using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Kita;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Kita;

public sealed record EinrichtungBody(string? Name, string? Adresse, int? PlaetzeU3, int? PlaetzeUe3, bool? Aktiv);

public sealed record EinrichtungDto(string Id, string Name, string? Adresse, int PlaetzeU3, int PlaetzeUe3, int FreiU3, int FreiUe3, bool Aktiv, DateTimeOffset GeaendertAm);
public sealed record AnmeldungDto(string Id, string Kind, string Geburtsdatum, string Beginn, string Altersgruppe, IReadOnlyList<string> Wuensche, int Punkte,
    string Status, int? Rang, string? Einrichtung, string? AngebotFrist, string? InstanceId, DateTimeOffset AngelegtAm, DateTimeOffset GeaendertAm);

/// <summary>
/// The Kitas and the waiting list under /api/kita (issue 17 item 9). <see cref="Permission.ChildcareRead"/> (staff) reads the
/// Kitas with their free places; <see cref="Permission.ChildcareManage"/> (the Kita-Verwaltung) keeps the Kitas and their
/// places and reads the waiting list (children's names: personal data). Registrations, offers and acceptances are written by the
/// cases (activity <c>kita-platz</c>), never through the API.
/// </summary>
public static class KitaEndpoints
{
    public static void MapKitaEndpoints(this RouteGroupBuilder api)
    {
        var k = api.MapGroup("/kita").WithMetadata(new GermanProblems());

        k.MapGet("/einrichtungen", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListEinrichtungen(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<EinrichtungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListKitaEinrichtungen").RequirePermission(Permission.ChildcareRead)
            .WithSummary("The Kitas with their places and free places per age group (U3, ab 3), by name (?offset=&limit=)").Produces<Page<EinrichtungDto>>();

        k.MapGet("/einrichtungen/{id}", (HttpContext http, string id) =>
                Store(http).GetEinrichtung(http.Tenant().TenantId, id) is { } e ? Results.Ok(Dto(e)) : throw ApiProblemException.NichtGefunden($"Eine Kita „{Kurz(id)}“ gibt es nicht. Die Liste steht unter GET /api/kita/einrichtungen."))
            .WithName("GetKitaEinrichtung").RequirePermission(Permission.ChildcareRead)
            .WithSummary("One Kita with its places and free places").Produces<EinrichtungDto>().ProducesProblem(404);

        k.MapPut("/einrichtungen/{id}", (HttpContext http, string id, EinrichtungBody body) =>
            {
                CheckKey(id);
                var name = Text(body.Name, "name", 200) ?? throw ApiProblemException.Ungueltig("Bitte geben Sie den Namen der Kita an (name).", "name: 1–200 Zeichen");
                var adresse = Text(body.Adresse, "adresse", 300);
                var u3 = Places(body.PlaetzeU3, "plaetzeU3");
                var ue3 = Places(body.PlaetzeUe3, "plaetzeUe3");
                try
                {
                    var e = Store(http).PutEinrichtung(http.Tenant().TenantId, new Einrichtung(id, name, adresse, u3, ue3, body.Aktiv ?? true, SystemClock.Instance.GetCurrentInstant()));
                    return Results.Ok(Dto(e));
                }
                catch (KitaConstraintException e) when (e.Code == KitaFehler.PlaetzeBelegt)
                {
                    var alt = Store(http).GetEinrichtung(http.Tenant().TenantId, id);
                    var belegt = alt is null ? "" : $" Vergeben oder angeboten sind {alt.PlaetzeU3 - alt.FreiU3} Plätze U3 und {alt.PlaetzeUe3 - alt.FreiUe3} Plätze ab 3.";
                    throw ApiProblemException.Konflikt($"„{Kurz(name)}“ hat mehr Plätze vergeben oder angeboten, als Sie angeben.{belegt} Geben Sie mindestens so viele Plätze an (plaetzeU3, plaetzeUe3); es wurde nichts geändert.");
                }
            })
            .WithName("PutKitaEinrichtung").RequirePermission(Permission.ChildcareManage)
            .WithSummary("Add or change a Kita with its number of places per age group (0–500 each); fewer places than are offered or taken is 409; aktiv=false offers none")
            .Produces<EinrichtungDto>().ProducesProblem(400).ProducesProblem(409);

        k.MapGet("/warteliste", (HttpContext http, string? einrichtung, string? status, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                if (status is not null && !AnmeldungStatus.All.Contains(status))
                    throw ApiProblemException.Ungueltig($"Den Stand „{Kurz(status)}“ gibt es nicht. Möglich sind: {string.Join(", ", AnmeldungStatus.All.Order(StringComparer.Ordinal))}.", string.Join(", ", AnmeldungStatus.All.Order(StringComparer.Ordinal)));
                var (items, total) = Store(http).Warteliste(http.Tenant().TenantId, einrichtung, status, page.Offset, page.Limit);
                return Results.Ok(new Page<AnmeldungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("GetKitaWarteliste").RequirePermission(Permission.ChildcareManage)
            .WithSummary("The waiting list, highest rank first (points of the allocation table, then registration time) (?einrichtung=&status=&offset=&limit=)")
            .Produces<Page<AnmeldungDto>>().ProducesProblem(400);

        k.MapGet("/anmeldungen/{id}", (HttpContext http, string id) =>
                Store(http).GetAnmeldung(http.Tenant().TenantId, id) is { } a ? Results.Ok(Dto(a)) : throw ApiProblemException.NichtGefunden($"Eine Anmeldung „{Kurz(id)}“ gibt es nicht. Die Anmeldungen stehen in der Warteliste (GET /api/kita/warteliste)."))
            .WithName("GetKitaAnmeldung").RequirePermission(Permission.ChildcareManage)
            .WithSummary("One registration with its rank, or the place offered or taken").Produces<AnmeldungDto>().ProducesProblem(404);
    }

    internal static IKitaStore Store(HttpContext http) => http.RequestServices.GetRequiredService<KitaRegister>().Store;

    private static string? Text(string? value, string name, int max) =>
        value is null ? null
        : value.Trim() is { Length: > 0 } t && t.Length <= max && !t.Any(char.IsControl) ? t
        : throw ApiProblemException.Ungueltig(value.Trim().Length == 0 ? $"Der Text in {name} ist leer; lassen Sie das Feld weg oder füllen Sie es aus."
            : value.Trim().Length > max ? $"Der Text in {name} ist {value.Trim().Length} Zeichen lang; höchstens {max.ToString(CultureInfo.InvariantCulture)} sind erlaubt."
            : $"Der Text in {name} enthält Steuerzeichen (z. B. einen Zeilenumbruch).", $"{name}: 1–{max.ToString(CultureInfo.InvariantCulture)} Zeichen ohne Steuerzeichen");

    private static int Places(int? value, string name) =>
        value is { } v and >= 0 and <= 500 ? v : throw ApiProblemException.Ungueltig(value is null ? $"Bitte geben Sie die Zahl der Plätze an ({name}), 0 bis 500."
            : $"{value} Plätze in {name} geht nicht: erlaubt sind 0 bis 500.", $"{name}: 0–500");

    private static void CheckKey(string value)
    {
        if (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiProblemException.Ungueltig($"„{Kurz(value)}“ taugt nicht als Kennung: erlaubt sind 1 bis 64 Buchstaben, Ziffern, '-', '_' oder '.'.", "1–64 Buchstaben, Ziffern, '-', '_' oder '.'");
    }

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    private static string Iso(LocalDate d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static EinrichtungDto Dto(Einrichtung e) => new(e.Id, e.Name, e.Adresse, e.PlaetzeU3, e.PlaetzeUe3, e.FreiU3, e.FreiUe3, e.Aktiv, e.GeaendertAm.ToDateTimeOffset());
    private static AnmeldungDto Dto(Anmeldung a) => new(a.Id, a.Kind, Iso(a.Geburtsdatum), Iso(a.Beginn), a.Altersgruppe, a.Wuensche, a.Punkte, a.Status, a.Rang,
        a.EinrichtungId, a.AngebotFrist is { } f ? Iso(f) : null, a.InstanceId, a.AngelegtAm.ToDateTimeOffset(), a.GeaendertAm.ToDateTimeOffset());
}
