using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Reservierungen;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Adressbuch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static EGov.Workflows.Host.Reservierungen.ReservierungEndpoints;

namespace EGov.Workflows.Host.Adressbuch;

public sealed record OrgEinheitBody(string? Name, string? Kurzname, string? UebergeordnetId, string? Gruppe, string? LeitungId);
public sealed record PersonBody(string? Nachname, string? Vorname, string? OrgEinheitId, string? Funktion, string? Telefon, string? Email, string? Raum, bool? Aktiv);
public sealed record VertretungBody(IReadOnlyList<string>? Vertreter);

public sealed record OrgEinheitDto(string Id, string Name, string? Kurzname, string? UebergeordnetId, string Gruppe, string? LeitungId, DateTimeOffset GeaendertAm);
public sealed record PersonDto(string Id, string Name, string Nachname, string? Vorname, string OrgEinheitId, string? Funktion, string? Telefon, string? Email,
    string? Raum, bool Aktiv, IReadOnlyList<string> Vertreter);

/// <summary>
/// The staff directory (Adressbuch) under /api/adressbuch: people with unit, function, phone, e-mail, room and standing
/// deputies; org units with their Postkorb group and lead. Every member of staff reads it (<see cref="Permission.DirectoryRead"/>);
/// keeping it needs <see cref="Permission.DirectoryManage"/>. What it says is what the Postkorb uses: a person's unit
/// gives their candidate group, a unit's lead leads its group and those below, a person's first deputy stands in when an
/// absence names none.
/// </summary>
public static class AdressbuchEndpoints
{
    public static void MapAdressbuchEndpoints(this RouteGroupBuilder api)
    {
        var a = api.MapGroup("/adressbuch").WithMetadata(new GermanProblems());

        a.MapGet("/personen", (HttpContext http, string? q, string? orgEinheit, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var text = Optional(q, "q", 100);
                var tenant = http.Tenant().TenantId;
                var (items, total) = Store(http).ListPersonen(tenant, text, Optional(orgEinheit, "orgEinheit", 64), page.Offset, page.Limit);
                return Results.Ok(new Page<PersonDto>(items.Select(p => Dto(p, Store(http).Vertreter(tenant, p.Id))).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListPersonen").RequirePermission(Permission.DirectoryRead)
            .WithSummary("People by name; ?q= searches name, user id, phone, room and e-mail, ?orgEinheit= one unit (&offset=&limit=)").Produces<Page<PersonDto>>();

        a.MapGet("/personen/{id}", (HttpContext http, string id) =>
            {
                var tenant = http.Tenant().TenantId;
                return Store(http).GetPerson(tenant, id) is { } p ? Results.Ok(Dto(p, Store(http).Vertreter(tenant, id)))
                    : throw KeinePerson(id);
            })
            .WithName("GetPerson").RequirePermission(Permission.DirectoryRead)
            .WithSummary("One person with their standing deputies").Produces<PersonDto>().ProducesProblem(404);

        a.MapPut("/personen/{id}", (HttpContext http, string id, PersonBody body) =>
            {
                CheckId(id);
                var email = Optional(body.Email, "email", 200);
                if (email is not null && (!email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace))) throw ApiProblemException.Ungueltig($"„{Kurz(email)}“ ist keine E-Mail-Adresse: sie braucht ein @ und darf keine Leerzeichen enthalten, z. B. erika.mustermann@stadt.example.", "email: name@domain");
                var p = new Person(id, Required(body.Nachname, "nachname", 100), Optional(body.Vorname, "vorname", 100), Required(body.OrgEinheitId, "orgEinheitId", 64),
                    Optional(body.Funktion, "funktion", 200), Optional(body.Telefon, "telefon", 50), email, Optional(body.Raum, "raum", 50), body.Aktiv ?? true, Now());
                var tenant = http.Tenant().TenantId;
                Write(http, () => Store(http).PutPerson(tenant, p), rule => rule switch
                {
                    AdressbuchRule.UnknownReference => $"Die Organisationseinheit „{Kurz(p.OrgEinheitId)}“ gibt es im Adressbuch nicht. Legen Sie sie zuerst an (PUT /api/adressbuch/org-einheiten/{{id}}) oder nennen Sie eine vorhandene (orgEinheitId).",
                    _ => null,
                });
                return Results.Ok(Dto(p, Store(http).Vertreter(tenant, id)));
            })
            .WithName("PutPerson").RequirePermission(Permission.DirectoryManage)
            .WithSummary("Add or change a person (id = the user id they sign in with): name, unit, function, phone, e-mail, room, active; 409 for an unknown unit")
            .Produces<PersonDto>().ProducesProblem(400).ProducesProblem(409);

        a.MapPut("/personen/{id}/vertretung", (HttpContext http, string id, VertretungBody body) =>
            {
                var list = (body.Vertreter ?? []).Select(v => v?.Trim() ?? "").ToList();
                if (list.Count > 9 || list.Any(v => v.Length is 0 or > 64)) throw ApiProblemException.Ungueltig(list.Count > 9
                    ? $"Es sind {list.Count} Vertretungen genannt; höchstens 9 sind erlaubt. Nennen Sie die erste Vertretung zuerst."
                    : "Jede Vertretung ist eine Benutzerkennung mit 1 bis 64 Zeichen; eine leere oder zu lange ist genannt.", "vertreter: höchstens 9 Benutzerkennungen, die erste Vertretung zuerst");
                var tenant = http.Tenant().TenantId;
                if (Store(http).GetPerson(tenant, id) is not { } p) throw KeinePerson(id);
                if (list.Contains(id)) throw ApiProblemException.Ungueltig($"„{Kurz(id)}“ kann sich nicht selbst vertreten. Nennen Sie andere Personen als Vertretung.");
                if (list.Distinct(StringComparer.Ordinal).Count() != list.Count) throw ApiProblemException.Ungueltig($"„{Kurz(list.GroupBy(v => v, StringComparer.Ordinal).First(g => g.Count() > 1).Key)}“ ist zweimal als Vertretung genannt. Nennen Sie jede Person nur einmal.");
                var fremd = list.FirstOrDefault(v => Store(http).GetPerson(tenant, v) is null);
                Write(http, () => Store(http).SetVertreter(tenant, id, list), rule => rule switch
                {
                    AdressbuchRule.UnknownReference => fremd is null
                        ? $"Eine Person „{Kurz(id)}“ gibt es im Adressbuch nicht mehr; ihre Vertretung wurde nicht geändert."
                        : $"„{Kurz(fremd)}“ steht nicht im Adressbuch. Legen Sie die Person zuerst an oder nennen Sie eine andere Vertretung.",
                    AdressbuchRule.Taken => "Eine Person ist zweimal als Vertretung genannt. Nennen Sie jede Person nur einmal.",
                    AdressbuchRule.TooManyDeputies => $"Es sind {list.Count} Vertretungen genannt; höchstens 9 sind erlaubt.",
                    AdressbuchRule.OwnDeputy => $"„{Kurz(id)}“ kann sich nicht selbst vertreten. Nennen Sie andere Personen als Vertretung.",
                    _ => null,
                });
                return Results.Ok(Dto(p, list));
            })
            .WithName("PutVertretung").RequirePermission(Permission.DirectoryManage)
            .WithSummary("Set a person's standing deputies in order (the first stands in when an absence names no deputy); 409 for someone not in the Adressbuch")
            .Produces<PersonDto>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        a.MapGet("/org-einheiten", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var (items, total) = Store(http).ListOrgEinheiten(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<OrgEinheitDto>(items.Select(Dto).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListOrgEinheiten").RequirePermission(Permission.DirectoryRead)
            .WithSummary("The org units with their Postkorb group, parent and lead (?offset=&limit=)").Produces<Page<OrgEinheitDto>>();

        a.MapGet("/org-einheiten/{id}", (HttpContext http, string id) => Store(http).GetOrgEinheit(http.Tenant().TenantId, id) is { } e ? Results.Ok(Dto(e))
                : throw ApiProblemException.NichtGefunden($"Eine Organisationseinheit „{Kurz(id)}“ gibt es im Adressbuch nicht. Die Liste steht unter GET /api/adressbuch/org-einheiten."))
            .WithName("GetOrgEinheit").RequirePermission(Permission.DirectoryRead)
            .WithSummary("One org unit").Produces<OrgEinheitDto>().ProducesProblem(404);

        a.MapPut("/org-einheiten/{id}", (HttpContext http, string id, OrgEinheitBody body) =>
            {
                CheckId(id);
                var tenant = http.Tenant().TenantId;
                var parent = Optional(body.UebergeordnetId, "uebergeordnetId", 64);
                if (parent is not null && Cycle(Store(http), tenant, id, parent)) throw ApiProblemException.Ungueltig(parent == id
                    ? $"„{Kurz(id)}“ kann nicht sich selbst übergeordnet sein. Nennen Sie eine andere übergeordnete Einheit (uebergeordnetId) oder keine."
                    : $"„{Kurz(parent)}“ liegt unter „{Kurz(id)}“: die Einheiten würden einen Kreis bilden. Nennen Sie eine andere übergeordnete Einheit (uebergeordnetId).");
                var e = new OrgEinheit(id, Required(body.Name, "name", 200), Optional(body.Kurzname, "kurzname", 50), parent,
                    Required(body.Gruppe, "gruppe", 100), Optional(body.LeitungId, "leitungId", 64), Now());
                Write(http, () => Store(http).PutOrgEinheit(tenant, e), rule => rule switch
                {
                    AdressbuchRule.UnknownReference => $"Die übergeordnete Einheit „{Kurz(parent ?? "?")}“ gibt es im Adressbuch nicht. Legen Sie sie zuerst an oder lassen Sie uebergeordnetId weg.",
                    AdressbuchRule.Taken => $"Die Postkorb-Gruppe „{Kurz(e.Gruppe)}“ gehört schon einer anderen Einheit. Jede Einheit hat ihre eigene Gruppe: wählen Sie eine andere (gruppe).",
                    _ => null,
                });
                return Results.Ok(Dto(e));
            })
            .WithName("PutOrgEinheit").RequirePermission(Permission.DirectoryManage)
            .WithSummary("Add or change an org unit: name, parent, its Postkorb group (unique), its lead (a user id); 409 for an unknown parent or a group another unit holds")
            .Produces<OrgEinheitDto>().ProducesProblem(400).ProducesProblem(409);
    }

    private static bool Cycle(IAdressbuchStore store, string tenant, string id, string parent)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var e = store.GetOrgEinheit(tenant, parent); e is not null && seen.Add(e.Id); e = e.UebergeordnetId is { } p ? store.GetOrgEinheit(tenant, p) : null)
            if (e.Id == id) return true;
        return false;
    }

    private static IAdressbuchStore Store(HttpContext http) => http.RequestServices.GetRequiredService<ReservierungRegister>().Adressbuch;

    private static Instant Now() => SystemClock.Instance.GetCurrentInstant();

    /// <summary>
    /// Writes; a rule of the directory the store refuses becomes a German 409 by the rule it broke (<see cref="AdressbuchConstraintException.Rule"/>,
    /// never by its English wording): <paramref name="deutsch"/> says it for this write, else a general sentence. The problem's
    /// <c>rule</c> names the rule for programs.
    /// </summary>
    private static void Write(HttpContext http, Action write, Func<AdressbuchRule, string?> deutsch)
    {
        try { write(); }
        catch (AdressbuchConstraintException e)
        {
            var problem = ApiProblemException.Konflikt(deutsch(e.Rule)
                ?? "Die Änderung verstößt gegen eine Regel des Adressbuchs (z. B. eine doppelte Postkorb-Gruppe); es wurde nichts geändert. Prüfen Sie die Angaben.");
            problem.Extensions["rule"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.Rule.ToString());
            throw problem;
        }
        finally { http.RequestServices.GetRequiredService<ReservierungRegister>().Verzeichnis.Vergessen(); }
    }

    private static ApiProblemException KeinePerson(string id) =>
        ApiProblemException.NichtGefunden($"Eine Person „{Kurz(id)}“ gibt es im Adressbuch nicht. Suchen Sie sie unter GET /api/adressbuch/personen?q=… oder legen Sie sie an.");

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    private static OrgEinheitDto Dto(OrgEinheit e) => new(e.Id, e.Name, e.Kurzname, e.UebergeordnetId, e.Gruppe, e.LeitungId, e.GeaendertAm.ToDateTimeOffset());

    private static PersonDto Dto(Person p, IReadOnlyList<string> vertreter) => new(p.Id, p.Anzeigename, p.Nachname, p.Vorname, p.OrgEinheitId, p.Funktion,
        p.Telefon, p.Email, p.Raum, p.Aktiv, vertreter);
}
