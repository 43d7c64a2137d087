using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Zeit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Zeit;

public sealed record UrlaubskontoBody(decimal? Anspruch, decimal? Uebertrag);
public sealed record FortbildungsbudgetBody(string? Bezeichnung, decimal? Budget);

public sealed record UrlaubskontoDto(string Mitarbeiter, int Jahr, decimal Anspruch, decimal Uebertrag, decimal Gebucht, decimal Rest, DateTimeOffset GeaendertAm);
public sealed record UrlaubsbuchungDto(string Id, string Mitarbeiter, int Jahr, string Von, string Bis, decimal Tage, string Status, string? InstanceId,
    DateTimeOffset GebuchtAm, DateTimeOffset? StorniertAm);
public sealed record FortbildungsbudgetDto(string Kostenstelle, int Jahr, string Bezeichnung, decimal Budget, decimal Gebunden, decimal Verfuegbar, DateTimeOffset GeaendertAm);
public sealed record BudgetreservierungDto(string Id, string Kostenstelle, int Jahr, decimal Betrag, string Status, string Mitarbeiter, string Titel,
    string? InstanceId, DateTimeOffset ReserviertAm, DateTimeOffset? AufgeloestAm);

/// <summary>
/// Zeitmanagement's own data under /api/zeit: the leave accounts (Urlaubskonten) with their bookings and the training budgets
/// (Fortbildungsbudgets) of the cost centres with their reservations. Reading needs <see cref="Permission.StaffTimeRead"/>: every
/// member of staff sees their OWN leave account and bookings (another person's answers 404, as if it did not exist) and the
/// budgets; <see cref="Permission.StaffTimeManage"/> (the Personalstelle) sees and keeps every account and budget and the
/// reservations (which name people). Bookings and reservations are written by the cases (activities <c>urlaubskonto</c>,
/// <c>fortbildungsbudget</c>), never through the API.
/// </summary>
public static class ZeitEndpoints
{
    public static void MapZeitEndpoints(this RouteGroupBuilder api)
    {
        var z = api.MapGroup("/zeit").WithMetadata(new GermanProblems());

        z.MapGet("/urlaubskonten", (HttpContext http, string? mitarbeiter, int? jahr, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var caller = http.Caller();
                // Without the Personalstelle's permission the list holds the caller's own accounts only, whatever was asked.
                var who = MayManage(caller) ? mitarbeiter : caller.Id;
                var (items, total) = Store(http).ListUrlaubskonten(http.Tenant().TenantId, who, jahr, page.Offset, page.Limit);
                return Results.Ok(new Page<UrlaubskontoDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListUrlaubskonten").RequirePermission(Permission.StaffTimeRead)
            .WithSummary("Leave accounts (?mitarbeiter=&jahr=&offset=&limit=): the caller's own; the Personalstelle's every one").Produces<Page<UrlaubskontoDto>>();

        z.MapGet("/urlaubskonten/{mitarbeiter}/{jahr}", (HttpContext http, string mitarbeiter, string jahr) =>
            {
                var j = Jahr(jahr);
                Own(http, mitarbeiter);
                return Store(http).GetUrlaubskonto(http.Tenant().TenantId, mitarbeiter, j) is { } k ? Results.Ok(Dto(k))
                    : throw ApiProblemException.NichtGefunden($"Für „{Kurz(mitarbeiter)}“ gibt es kein Urlaubskonto {j}.");
            })
            .WithName("GetUrlaubskonto").RequirePermission(Permission.StaffTimeRead)
            .WithSummary("One leave account with its remaining days (own, or any for the Personalstelle)").Produces<UrlaubskontoDto>().ProducesProblem(404);

        z.MapPut("/urlaubskonten/{mitarbeiter}/{jahr}", (HttpContext http, string mitarbeiter, string jahr, UrlaubskontoBody body) =>
            {
                var j = Jahr(jahr);
                CheckKey(mitarbeiter, "mitarbeiter", 100);
                var anspruch = Tage(body.Anspruch ?? throw ApiProblemException.Ungueltig("Bitte geben Sie den Urlaubsanspruch des Jahres in Tagen an (anspruch), z. B. 30.", "anspruch: Urlaubstage des Jahres, z. B. 30"), "anspruch");
                var uebertrag = Tage(body.Uebertrag ?? 0m, "uebertrag");
                var k = Write(() => Store(http).PutUrlaubskonto(http.Tenant().TenantId, mitarbeiter, j, anspruch, uebertrag, SystemClock.Instance.GetCurrentInstant()));
                return Results.Ok(Dto(k));
            })
            .WithName("PutUrlaubskonto").RequirePermission(Permission.StaffTimeManage)
            .WithSummary("Set a leave account's entitlement and carry-over (whole or half days); booked days stay, 409 when they would exceed the new total")
            .Produces<UrlaubskontoDto>().ProducesProblem(400).ProducesProblem(409);

        z.MapGet("/urlaubskonten/{mitarbeiter}/{jahr}/buchungen", (HttpContext http, string mitarbeiter, string jahr, int? offset, int? limit) =>
            {
                var j = Jahr(jahr);
                Own(http, mitarbeiter);
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListUrlaubsbuchungen(http.Tenant().TenantId, mitarbeiter, j, page.Offset, page.Limit);
                return Results.Ok(new Page<UrlaubsbuchungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListUrlaubsbuchungen").RequirePermission(Permission.StaffTimeRead)
            .WithSummary("The bookings on a leave account, newest leave first, cancelled ones included (?offset=&limit=)").Produces<Page<UrlaubsbuchungDto>>();

        z.MapGet("/fortbildungsbudgets", (HttpContext http, int? jahr, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListBudgets(http.Tenant().TenantId, jahr, page.Offset, page.Limit);
                return Results.Ok(new Page<FortbildungsbudgetDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListFortbildungsbudgets").RequirePermission(Permission.StaffTimeRead)
            .WithSummary("The cost centres' training budgets with what is reserved and available (?jahr=&offset=&limit=)").Produces<Page<FortbildungsbudgetDto>>();

        z.MapGet("/fortbildungsbudgets/{kostenstelle}/{jahr}", (HttpContext http, string kostenstelle, string jahr) =>
            {
                var j = Jahr(jahr);
                return Store(http).GetBudget(http.Tenant().TenantId, kostenstelle, j) is { } b ? Results.Ok(Dto(b))
                    : throw ApiProblemException.NichtGefunden($"Für die Kostenstelle „{Kurz(kostenstelle)}“ gibt es kein Fortbildungsbudget {j}.");
            })
            .WithName("GetFortbildungsbudget").RequirePermission(Permission.StaffTimeRead)
            .WithSummary("One training budget").Produces<FortbildungsbudgetDto>().ProducesProblem(404);

        z.MapPut("/fortbildungsbudgets/{kostenstelle}/{jahr}", (HttpContext http, string kostenstelle, string jahr, FortbildungsbudgetBody body) =>
            {
                var j = Jahr(jahr);
                CheckKey(kostenstelle, "kostenstelle", 64);
                var bezeichnung = body.Bezeichnung?.Trim() is { Length: > 0 and <= 200 } t && !t.Any(char.IsControl) ? t
                    : throw ApiProblemException.Ungueltig(string.IsNullOrWhiteSpace(body.Bezeichnung) ? "Bitte geben Sie die Bezeichnung des Budgets an (bezeichnung)."
                        : "Die Bezeichnung (bezeichnung) ist länger als 200 Zeichen oder enthält Steuerzeichen.", "bezeichnung: 1–200 Zeichen ohne Steuerzeichen");
                var budget = body.Budget ?? throw ApiProblemException.Ungueltig("Bitte geben Sie das Budget des Jahres in Euro an (budget), z. B. 12000.", "budget: Euro für das Jahr, z. B. 12000");
                if (budget < 0 || budget > 100_000_000m || budget != decimal.Round(budget, 2))
                    throw ApiProblemException.Ungueltig($"Ein Budget von {Zahl(budget)} € geht nicht: erlaubt sind 0 bis 100.000.000 €, auf den Cent genau.",
                        "0 ≤ budget ≤ 100000000, höchstens zwei Nachkommastellen");
                var b = Write(() => Store(http).PutBudget(http.Tenant().TenantId, kostenstelle, j, bezeichnung, budget, SystemClock.Instance.GetCurrentInstant()));
                return Results.Ok(Dto(b));
            })
            .WithName("PutFortbildungsbudget").RequirePermission(Permission.StaffTimeManage)
            .WithSummary("Set a cost centre's training budget for a year; reservations stay, 409 when they would exceed the new budget")
            .Produces<FortbildungsbudgetDto>().ProducesProblem(400).ProducesProblem(409);

        z.MapGet("/fortbildungsbudgets/{kostenstelle}/{jahr}/reservierungen", (HttpContext http, string kostenstelle, string jahr, int? offset, int? limit) =>
            {
                var j = Jahr(jahr);
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListReservierungen(http.Tenant().TenantId, kostenstelle, j, page.Offset, page.Limit);
                return Results.Ok(new Page<BudgetreservierungDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListBudgetreservierungen").RequirePermission(Permission.StaffTimeManage)
            .WithSummary("The reservations on a training budget, oldest first, dissolved ones included (?offset=&limit=)").Produces<Page<BudgetreservierungDto>>();
    }

    /// <summary>Whether the caller keeps every account and budget (the Personalstelle).</summary>
    public static bool MayManage(Caller caller) => RolePermissions.Allows(caller, Permission.StaffTimeManage);

    /// <summary>Another person's account is not found for a caller who may only see their own (no hint that it exists).</summary>
    private static void Own(HttpContext http, string mitarbeiter)
    {
        var caller = http.Caller();
        if (!MayManage(caller) && !string.Equals(caller.Id, mitarbeiter, StringComparison.Ordinal))
            throw ApiProblemException.NichtGefunden($"Für „{Kurz(mitarbeiter)}“ gibt es kein Urlaubskonto, das Sie sehen dürfen.");
    }

    internal static IZeitStore Store(HttpContext http) => http.RequestServices.GetRequiredService<ZeitRegister>().Store;

    private static int Jahr(string jahr) =>
        int.TryParse(jahr, NumberStyles.None, CultureInfo.InvariantCulture, out var j) && j is >= 2000 and <= 2200 ? j
            : throw ApiProblemException.Ungueltig($"„{Kurz(jahr)}“ ist kein Jahr: bitte geben Sie ein Jahr von 2000 bis 2200 an, z. B. 2027.", "ein Jahr von 2000 bis 2200");

    private static decimal Tage(decimal tage, string name) =>
        tage is >= 0 and <= 500 && tage * 2 == decimal.Truncate(tage * 2) ? tage
            : throw ApiProblemException.Ungueltig($"{Zahl(tage)} Tage gehen nicht ({name}): erlaubt sind 0 bis 500 Tage, in ganzen oder halben Tagen.",
                $"{name}: 0–500 Tage in ganzen oder halben Tagen");

    private static void CheckKey(string value, string name, int max)
    {
        if (value.Length == 0 || value.Length > max || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            throw ApiProblemException.Ungueltig($"„{Kurz(value)}“ taugt nicht als {(name == "kostenstelle" ? "Kostenstelle" : "Kennung einer Person")} ({name}): erlaubt sind 1 bis {max.ToString(CultureInfo.InvariantCulture)} Buchstaben, Ziffern, '-', '_', '.' oder '@'.",
                $"1–{max.ToString(CultureInfo.InvariantCulture)} Buchstaben, Ziffern, '-', '_', '.' oder '@'");
    }

    private static T Write<T>(Func<T> write)
    {
        try { return write(); }
        catch (ZeitConstraintException e) { throw ApiProblemException.Konflikt(e.Message); } // the tables' messages are German
    }

    /// <summary>A number as German writes it (decimal comma; the server may run without culture data).</summary>
    private static string Zahl(decimal v) => v.ToString(CultureInfo.InvariantCulture).Replace('.', ',');

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    private static DateTimeOffset At(Instant i) => i.ToDateTimeOffset();
    private static string Iso(LocalDate d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static UrlaubskontoDto Dto(Urlaubskonto k) => new(k.Mitarbeiter, k.Jahr, k.Anspruch, k.Uebertrag, k.Gebucht, k.Rest, At(k.GeaendertAm));
    private static UrlaubsbuchungDto Dto(Urlaubsbuchung b) => new(b.Id, b.Mitarbeiter, b.Jahr, Iso(b.Von), Iso(b.Bis), b.Tage, b.Status, b.InstanceId, At(b.GebuchtAm), b.StorniertAm?.ToDateTimeOffset());
    private static FortbildungsbudgetDto Dto(Fortbildungsbudget b) => new(b.Kostenstelle, b.Jahr, b.Bezeichnung, b.Budget, b.Gebunden, b.Verfuegbar, At(b.GeaendertAm));
    private static BudgetreservierungDto Dto(Budgetreservierung r) => new(r.Id, r.Kostenstelle, r.Jahr, r.Betrag, r.Status, r.Mitarbeiter, r.Titel, r.InstanceId, At(r.ReserviertAm), r.AufgeloestAm?.ToDateTimeOffset());
}
