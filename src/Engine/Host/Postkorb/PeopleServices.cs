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
        if (!TaskAccess.IsMember(caller, tenantId)) throw new ApiProblemException(403, "Forbidden", "this identity does not belong to the tenant");
        var user = string.IsNullOrWhiteSpace(body?.UserId) ? caller.Id : body.UserId.Trim();
        var deputy = body?.Deputy?.Trim();
        // Not named: the first standing deputy the staff directory (Adressbuch) has for the person.
        if (string.IsNullOrEmpty(deputy)) deputy = standingDeputies?.Invoke(tenantId, user).FirstOrDefault();
        if (string.IsNullOrEmpty(deputy)) throw ApiProblemException.BadRequest($"deputy is missing: who stands in? (the Adressbuch names no deputy for '{user}')", shape);
        if (deputy == user) throw ApiProblemException.BadRequest($"'{user}' cannot stand in for themself", shape);
        if (body?.From is not { } from || body.To is not { } to) throw ApiProblemException.BadRequest("from and to are needed", shape);
        if (to <= from) throw ApiProblemException.BadRequest($"the absence ends ({to:O}) before it begins ({from:O})", shape);
        if (user != caller.Id && !Manages(caller))
            throw new ApiProblemException(403, "Forbidden", $"only '{user}' themself, an administrator or a team lead records an absence of '{user}'");
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
            throw ApiProblemException.NotFound($"no absence '{id}'");
        if (a.Deputy == caller.Id && a.UserId != caller.Id && a.CreatedBy != caller.Id && !Manages(caller))
            throw new ApiProblemException(403, "Forbidden", "a deputy does not end the absence they stand in for; the absent person or a team lead does");
        data.DeleteAbsence(tenantId, id);
    }
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
        if (!TaskAccess.IsMember(caller, tenantId)) throw new ApiProblemException(403, "Forbidden", "this identity does not belong to the tenant");
        var name = body?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) throw ApiProblemException.BadRequest("the filter needs a name (1–200 characters)", shape);
        var query = new JsonObject();
        foreach (var (key, value) in body!.Query ?? [])
        {
            if (!QueryKeys.Contains(key)) throw ApiProblemException.BadRequest($"'{key}' is not a filter field", shape);
            if (value is not null && (value is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length > 500))
                throw ApiProblemException.BadRequest($"'{key}' must be a text of at most 500 characters", shape);
            query[key] = value?.DeepClone();
        }
        var columns = (body.Columns ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (columns.Count > 20 || columns.Any(c => c.Length > 100)) throw ApiProblemException.BadRequest("at most 20 columns of at most 100 characters", shape);
        var group = string.IsNullOrWhiteSpace(body.SharedWithGroup) ? null : body.SharedWithGroup.Trim();
        if (group is not null && !caller.InGroup(group))
            throw new ApiProblemException(403, "Forbidden", $"a filter is shared only with a group one belongs to; '{caller.Id}' is not in '{group}'");
        var f = new SavedFilter(Guid.NewGuid().ToString("N"), caller.Id, name, query.ToJsonString(), JsonSerializer.Serialize(columns), group, clock.GetCurrentInstant());
        data.AddFilter(tenantId, f);
        return Dto(f);
    }

    public void Delete(Caller caller, string id)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var f = TaskAccess.IsMember(caller, tenantId) ? data.FindFilter(tenantId, id) : null;
        if (f is null || !(f.Owner == caller.Id || f.SharedWithGroup is { } g && caller.InGroup(g))) throw ApiProblemException.NotFound($"no filter '{id}'");
        if (f.Owner != caller.Id) throw new ApiProblemException(403, "Forbidden", $"the filter '{f.Name}' is shared by '{f.Owner}'; only they delete it");
        data.DeleteFilter(tenantId, id);
    }

    private static SavedFilterDto Dto(SavedFilter f) => new(f.Id, f.Name, f.Owner, JsonNode.Parse(f.QueryJson)!.AsObject(),
        JsonSerializer.Deserialize<List<string>>(f.ColumnsJson) ?? [], f.SharedWithGroup);
}
