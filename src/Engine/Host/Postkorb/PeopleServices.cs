using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Persistence.Postkorb;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>An absence (Vertretung).</summary>
public sealed record AbsenceDto(string Id, string UserId, string Deputy, DateTimeOffset From, DateTimeOffset To, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static AbsenceDto Of(Absence a) => new(a.Id, a.UserId, a.Deputy, a.From.ToDateTimeOffset(), a.To.ToDateTimeOffset(), a.CreatedBy, a.CreatedAt.ToDateTimeOffset());
}

/// <summary>Body of POST /api/absences.</summary>
public sealed record AbsenceRequest(string? UserId, DateTimeOffset? From, DateTimeOffset? To, string? Deputy);

/// <summary>A saved filter of the Postkorb: a view with its search, filters and sort, and extra columns.</summary>
public sealed record SavedFilterDto(string Id, string Name, string Owner, JsonObject Query, IReadOnlyList<string> Columns, string? SharedWithGroup);

/// <summary>Body of POST /api/filters.</summary>
public sealed record SavedFilterRequest(string? Name, JsonObject? Query, IReadOnlyList<string>? Columns, string? SharedWithGroup);

/// <summary>
/// Absences (Vertretung): a person records their own absence and deputy (not named: their first standing deputy in the
/// Adressbuch); an administrator or a team lead records one
/// for somebody else. Who may see an absence: the absent person, the deputy, whoever recorded it, administrators and
/// team leads. The deputy then sees and works the absent person's assigned tasks from <c>from</c> until <c>to</c>.
/// </summary>
public sealed class AbsenceService(string tenantId, IPostkorbStore data, IClock clock, Func<string, string, IReadOnlyList<string>>? standingDeputies = null)
{
    private static bool Manages(Caller c) => c.HasRole(Caller.Admin) || c.HasRole(Caller.TeamLead);

    public AbsenceDto Add(Caller caller, AbsenceRequest? body)
    {
        ArgumentNullException.ThrowIfNull(caller);
        const string shape = "{\"userId\": string, \"from\": date-time, \"to\": date-time, \"deputy\": string}";
        if (!TaskAccess.IsMember(caller, tenantId)) throw FremderMandant(caller);
        var user = string.IsNullOrWhiteSpace(body?.UserId) ? caller.Id : body.UserId.Trim();
        var deputy = body?.Deputy?.Trim();
        // Not named: the first standing deputy the staff directory (Adressbuch) has for the person.
        if (string.IsNullOrEmpty(deputy)) deputy = standingDeputies?.Invoke(tenantId, user).FirstOrDefault();
        if (string.IsNullOrEmpty(deputy))
            throw ApiProblemException.Ungueltig($"Bitte nennen Sie die Vertretung (deputy): das Adressbuch nennt für „{Kurz(user)}“ keine ständige Vertretung.", shape);
        if (deputy == user) throw ApiProblemException.Ungueltig($"„{Kurz(user)}“ kann sich nicht selbst vertreten. Nennen Sie eine andere Person als Vertretung (deputy).", shape);
        if (body?.From is not { } from || body.To is not { } to)
            throw ApiProblemException.Ungueltig($"Bitte geben Sie Beginn und Ende der Abwesenheit an ({(body?.From is null ? "from" : "to")}), z. B. 2027-03-01T08:00:00+01:00.", shape);
        if (to <= from)
            throw ApiProblemException.Ungueltig($"Die Abwesenheit endet ({Zeit(to)}), bevor sie beginnt ({Zeit(from)}). Prüfen Sie Beginn (from) und Ende (to).", shape);
        if (user != caller.Id && !Manages(caller))
            throw Verboten($"Die Abwesenheit von „{Kurz(user)}“ tragen nur „{Kurz(user)}“ selbst, die Teamleitung oder die Administration ein.");
        var a = new Absence(Guid.NewGuid().ToString("N"), user, deputy, Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to), caller.Id, clock.GetCurrentInstant());
        data.AddAbsence(tenantId, a);
        return AbsenceDto.Of(a);
    }

    /// <summary>The absences (not yet over) the caller may see: their own and those they stand in for; all of them for administrators and team leads.</summary>
    public Page<AbsenceDto> List(Caller caller, string? userId, PageRequest page)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!TaskAccess.IsMember(caller, tenantId)) return new Page<AbsenceDto>([], page.Offset, page.Limit, 0);
        var now = clock.GetCurrentInstant();
        var list = Manages(caller)
            ? data.Absences(tenantId, string.IsNullOrWhiteSpace(userId) ? null : userId, null, now)
            : data.Absences(tenantId, caller.Id, null, now).Concat(data.Absences(tenantId, null, caller.Id, now))
                .Where(a => string.IsNullOrWhiteSpace(userId) || a.UserId == userId).ToList();
        return Page<AbsenceDto>.Of(list.OrderBy(a => a.From).Select(AbsenceDto.Of).ToList(), page);
    }

    public void Delete(Caller caller, string id)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var a = TaskAccess.IsMember(caller, tenantId) ? data.FindAbsence(tenantId, id) : null;
        if (a is null || !(a.UserId == caller.Id || a.CreatedBy == caller.Id || a.Deputy == caller.Id || Manages(caller)))
            throw ApiProblemException.NichtGefunden($"Eine Abwesenheit „{Kurz(id)}“ gibt es nicht (mehr). Laden Sie die Liste der Abwesenheiten neu.");
        if (a.Deputy == caller.Id && a.UserId != caller.Id && a.CreatedBy != caller.Id && !Manages(caller))
            throw Verboten($"Als Vertretung beenden Sie die Abwesenheit von „{Kurz(a.UserId)}“ nicht: das tun „{Kurz(a.UserId)}“ selbst oder die Teamleitung.");
        data.DeleteAbsence(tenantId, id);
    }

    internal static ApiProblemException Verboten(string detail) => new(403, TaskService.TitelKeineBerechtigung, detail);

    internal static ApiProblemException FremderMandant(Caller caller) =>
        Verboten($"Die Anmeldung „{Kurz(caller.Id)}“ gehört nicht zu dieser Verwaltung (Mandant). Melden Sie sich mit Ihrer Kennung dieser Verwaltung an.");

    internal static string Kurz(string? value) => TaskService.Kurz(value);

    /// <summary>A moment as clerks read it: 01.03.2027 08:00 (its own offset).</summary>
    private static string Zeit(DateTimeOffset t) => t.ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Saved filters: each person's own, and those shared with one of their groups. Only the owner deletes one.</summary>
public sealed class FilterService(string tenantId, IPostkorbStore data, IClock clock)
{
    private static readonly string[] QueryKeys = ["view", "sort", "order", "q", "processId", "assignee", "candidateGroup"];

    public Page<SavedFilterDto> List(Caller caller, PageRequest page)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!TaskAccess.IsMember(caller, tenantId)) return new Page<SavedFilterDto>([], page.Offset, page.Limit, 0);
        return Page<SavedFilterDto>.Of(data.Filters(tenantId, caller.Id, caller.Groups.ToList()).Select(Dto).ToList(), page);
    }

    public SavedFilterDto Add(Caller caller, SavedFilterRequest? body)
    {
        ArgumentNullException.ThrowIfNull(caller);
        const string shape = "{\"name\": string, \"query\": {view, sort, order, q, processId, assignee, candidateGroup}, \"columns\": [string], \"sharedWithGroup\": string|null}";
        if (!TaskAccess.IsMember(caller, tenantId)) throw AbsenceService.FremderMandant(caller);
        var name = body?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            throw ApiProblemException.Ungueltig(string.IsNullOrEmpty(name)
                ? "Bitte geben Sie dem Filter einen Namen (name)."
                : $"Der Name des Filters hat {name.Length} Zeichen; höchstens 200 sind erlaubt.", shape);
        var query = new JsonObject();
        foreach (var (key, value) in body!.Query ?? [])
        {
            if (!QueryKeys.Contains(key))
                throw ApiProblemException.Ungueltig($"„{AbsenceService.Kurz(key)}“ kann ein Filter nicht speichern; möglich sind {string.Join(", ", QueryKeys)}.", shape);
            if (value is not null && (value is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length > 500))
                throw ApiProblemException.Ungueltig($"„{key}“ im Filter muss ein Text mit höchstens 500 Zeichen sein.", shape);
            query[key] = value?.DeepClone();
        }
        var columns = (body.Columns ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (columns.Count > 20 || columns.Any(c => c.Length > 100))
            throw ApiProblemException.Ungueltig(columns.Count > 20
                ? $"Der Filter nennt {columns.Count} Spalten; höchstens 20 sind erlaubt."
                : "Der Name einer Spalte hat mehr als 100 Zeichen; kürzen Sie ihn.", shape);
        var group = string.IsNullOrWhiteSpace(body.SharedWithGroup) ? null : body.SharedWithGroup.Trim();
        if (group is not null && !caller.InGroup(group))
            throw AbsenceService.Verboten($"Teilen können Sie einen Filter nur mit einer Ihrer Gruppen; zur Gruppe „{AbsenceService.Kurz(group)}“ gehören Sie nicht.");
        var f = new SavedFilter(Guid.NewGuid().ToString("N"), caller.Id, name, query.ToJsonString(), JsonSerializer.Serialize(columns), group, clock.GetCurrentInstant());
        data.AddFilter(tenantId, f);
        return Dto(f);
    }

    public void Delete(Caller caller, string id)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var f = TaskAccess.IsMember(caller, tenantId) ? data.FindFilter(tenantId, id) : null;
        if (f is null || !(f.Owner == caller.Id || f.SharedWithGroup is { } g && caller.InGroup(g)))
            throw ApiProblemException.NichtGefunden($"Einen gespeicherten Filter „{AbsenceService.Kurz(id)}“ gibt es für Sie nicht (mehr). Laden Sie die Seite neu.");
        if (f.Owner != caller.Id)
            throw AbsenceService.Verboten($"Den Filter „{AbsenceService.Kurz(f.Name)}“ hat „{AbsenceService.Kurz(f.Owner)}“ mit Ihrer Gruppe geteilt; löschen kann ihn nur „{AbsenceService.Kurz(f.Owner)}“.");
        data.DeleteFilter(tenantId, id);
    }

    private static SavedFilterDto Dto(SavedFilter f) => new(f.Id, f.Name, f.Owner, JsonNode.Parse(f.QueryJson)!.AsObject(),
        JsonSerializer.Deserialize<List<string>>(f.ColumnsJson) ?? [], f.SharedWithGroup);
}
