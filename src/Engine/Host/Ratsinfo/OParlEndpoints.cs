using System.Globalization;
using System.Text.Json.Nodes;
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

/// <summary>
/// The OParl 1.1 interface (https://oparl.org, the German standard API of council information systems) at <c>/oparl/v1</c>:
/// public and read-only, without identity (<see cref="Permission.Public"/>: anyone may read what a council publishes), every
/// list paged. One System; each tenant that has set its Körperschaft is a Body; its Gremien are Organizations, its sessions
/// Meetings, and its papers Papers — only papers submitted to a session that are public. A non-public paper never appears:
/// not in a list, and its URL answers 404 exactly like a number that does not exist. People are not published (empty list).
/// The shapes are checked against docs/oparl/oparl-1.1.schema.json in the tests.
/// </summary>
public static class OParlEndpoints
{
    public const string Version = "https://schema.oparl.org/1.1/";
    private const int DefaultLimit = 20, MaxLimit = 100;

    public static void MapOParl(this IEndpointRouteBuilder app)
    {
        var o = app.MapGroup("/oparl/v1");

        o.MapGet("/system", (HttpContext http) => Json(http, SystemObject(http)))
            .WithName("OParlSystem").RequirePermission(Permission.Public).WithTags("OParl")
            .WithSummary("OParl 1.1 System (public, no identity)");

        o.MapGet("/bodies", (HttpContext http, int? page, int? limit) =>
            {
                var store = RatsinfoEndpoints.Store(http);
                var tenants = store.PublishingTenants();
                var (p, size) = Paging(page, limit);
                var items = tenants.Skip(Offset(p, size)).Take(size).Select(t => (JsonNode)BodyObject(http, t, store.GetKoerperschaft(t)!)).ToList();
                return Json(http, List(http, items, tenants.Count, p, size, Url(http, "bodies")));
            })
            .WithName("OParlBodies").RequirePermission(Permission.Public).WithTags("OParl")
            .WithSummary("OParl Body list: the tenants that publish (?page=&limit=, at most 100)");

        o.MapGet("/bodies/{body}", (HttpContext http, string body) => Json(http, BodyObject(http, body, Koerperschaft(http, body))))
            .WithName("OParlBody").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Body");

        o.MapGet("/bodies/{body}/organizations", (HttpContext http, string body, int? page, int? limit) =>
            {
                Koerperschaft(http, body);
                var (p, size) = Paging(page, limit);
                var (items, total) = RatsinfoEndpoints.Store(http).ListGremien(body, Offset(p, size), size);
                return Json(http, List(http, items.Select(g => (JsonNode)OrganizationObject(http, body, g)).ToList(), total, p, size, Url(http, $"bodies/{body}/organizations")));
            })
            .WithName("OParlOrganizations").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Organization list: the council and its committees (?page=&limit=)");

        o.MapGet("/bodies/{body}/organizations/{id}", (HttpContext http, string body, string id) =>
            {
                Koerperschaft(http, body);
                var g = RatsinfoEndpoints.Store(http).GetGremium(body, id) ?? throw ApiProblemException.NotFound($"no Organization '{id}'");
                return Json(http, OrganizationObject(http, body, g));
            })
            .WithName("OParlOrganization").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Organization");

        o.MapGet("/bodies/{body}/meetings", (HttpContext http, string body, int? page, int? limit) =>
            {
                Koerperschaft(http, body);
                var (p, size) = Paging(page, limit);
                var (items, total) = RatsinfoEndpoints.Store(http).ListSitzungen(body, null, null, Offset(p, size), size);
                return Json(http, List(http, items.Select(s => (JsonNode)MeetingObject(http, body, s)).ToList(), total, p, size, Url(http, $"bodies/{body}/meetings")));
            })
            .WithName("OParlMeetings").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Meeting list: the Sitzungskalender (?page=&limit=)");

        o.MapGet("/bodies/{body}/meetings/{id}", (HttpContext http, string body, string id) =>
            {
                Koerperschaft(http, body);
                var s = RatsinfoEndpoints.Store(http).GetSitzung(body, id) ?? throw ApiProblemException.NotFound($"no Meeting '{id}'");
                return Json(http, MeetingObject(http, body, s));
            })
            .WithName("OParlMeeting").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Meeting");

        o.MapGet("/bodies/{body}/papers", (HttpContext http, string body, int? page, int? limit) =>
            {
                Koerperschaft(http, body);
                var (p, size) = Paging(page, limit);
                var (items, total) = RatsinfoEndpoints.Store(http).ListVeroeffentlicht(body, null, Offset(p, size), size);
                return Json(http, List(http, items.Where(Published).Select(v => (JsonNode)PaperObject(http, body, v)).ToList(), total, p, size, Url(http, $"bodies/{body}/papers")));
            })
            .WithName("OParlPapers").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Paper list: published public papers only (?page=&limit=)");

        o.MapGet("/bodies/{body}/papers/{id}", (HttpContext http, string body, string id) =>
            {
                Koerperschaft(http, body);
                // Not published (non-public, not submitted, withdrawn) and not there answer the same 404: nothing tells them apart.
                var v = RatsinfoEndpoints.Store(http).GetVorlage(body, id);
                if (v is null || !Published(v)) throw ApiProblemException.NotFound($"no Paper '{id}'");
                return Json(http, PaperObject(http, body, v));
            })
            .WithName("OParlPaper").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Paper (published public papers only; anything else is 404)");

        o.MapGet("/bodies/{body}/people", (HttpContext http, string body, int? page, int? limit) =>
            {
                Koerperschaft(http, body);
                var (p, size) = Paging(page, limit);
                return Json(http, List(http, [], 0, p, size, Url(http, $"bodies/{body}/people")));
            })
            .WithName("OParlPeople").RequirePermission(Permission.Public).WithTags("OParl").WithSummary("OParl Person list: people are not published (always empty)");
    }

    /// <summary>Published: submitted to a session, public, with a publication date (the table allows no other publication either).</summary>
    public static bool Published(Vorlage v) => v.Oeffentlich && v.Status == VorlageStatus.Eingereicht && v.VeroeffentlichtAm is not null;

    private static (int Page, int Limit) Paging(int? page, int? limit)
    {
        if (page is < 1) throw ApiProblemException.BadRequest($"page {page} is out of range", "page ≥ 1");
        if (limit is < 1 or > MaxLimit) throw ApiProblemException.BadRequest($"limit {limit} is out of range", $"1 ≤ limit ≤ {MaxLimit}");
        return (page ?? 1, limit ?? DefaultLimit);
    }

    /// <summary>Where page <paramref name="page"/> starts; a page past what an offset can name starts past every row (an empty page, never an overflow).</summary>
    private static int Offset(int page, int size) => (int)Math.Min(int.MaxValue, ((long)page - 1) * size);

    private static Koerperschaft Koerperschaft(HttpContext http, string body) =>
        (TenantEngines.IsValidId(body) ? RatsinfoEndpoints.Store(http).GetKoerperschaft(body) : null) ?? throw ApiProblemException.NotFound($"no Body '{body}'");

    private static IResult Json(HttpContext http, JsonObject body)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*"; // public data, read by other portals; no credentials are involved
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Text(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static string Base(HttpContext http)
    {
        var configured = http.RequestServices.GetService<ServerAddress>();
        var root = configured is not null ? configured.Public.ToString().TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return root + "/oparl/v1/";
    }

    private static string Url(HttpContext http, string path) => Base(http) + path;

    private static string Iso(Instant i) => i.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject SystemObject(HttpContext http) => new()
    {
        ["id"] = Url(http, "system"),
        ["type"] = Version + "System",
        ["oparlVersion"] = Version,
        ["body"] = Url(http, "bodies"),
        ["name"] = "EGov.Workflows Ratsinformationssystem",
        ["product"] = "https://egov-workflows.example/",
    };

    private static JsonObject BodyObject(HttpContext http, string tenant, Koerperschaft k)
    {
        var b = new JsonObject
        {
            ["id"] = Url(http, $"bodies/{tenant}"),
            ["type"] = Version + "Body",
            ["system"] = Url(http, "system"),
            ["name"] = k.Name,
            ["organization"] = Url(http, $"bodies/{tenant}/organizations"),
            ["person"] = Url(http, $"bodies/{tenant}/people"),
            ["meeting"] = Url(http, $"bodies/{tenant}/meetings"),
            ["paper"] = Url(http, $"bodies/{tenant}/papers"),
            ["legislativeTerm"] = new JsonArray(),
            ["modified"] = Iso(k.GeaendertAm),
        };
        if (k.Kurzname is { } s) b["shortName"] = s;
        if (k.Ags is { } ags) b["ags"] = ags;
        if (k.Website is { } w) b["website"] = w;
        if (k.KontaktEmail is { } e) b["contactEmail"] = e;
        return b;
    }

    private static JsonObject OrganizationObject(HttpContext http, string tenant, Gremium g)
    {
        var o = new JsonObject
        {
            ["id"] = Url(http, $"bodies/{tenant}/organizations/{g.Id}"),
            ["type"] = Version + "Organization",
            ["body"] = Url(http, $"bodies/{tenant}"),
            ["name"] = g.Name,
            ["organizationType"] = "Gremium",
            ["classification"] = g.Art switch
            {
                GremiumArten.Vertretung => "Parlament",
                GremiumArten.Ausschuss => "Ausschuss",
                GremiumArten.Beirat => "Beirat",
                _ => "Ortsbeirat",
            },
            ["modified"] = Iso(g.GeaendertAm),
        };
        if (g.Kurzname is { } s) o["shortName"] = s;
        return o;
    }

    private static JsonObject MeetingObject(HttpContext http, string tenant, Sitzung s)
    {
        var m = new JsonObject
        {
            ["id"] = Url(http, $"bodies/{tenant}/meetings/{s.Id}"),
            ["type"] = Version + "Meeting",
            ["name"] = s.Name,
            ["meetingState"] = s.Abgesagt ? "abgesagt" : "terminiert",
            ["cancelled"] = s.Abgesagt,
            ["start"] = Iso(s.Beginn),
            ["organization"] = new JsonArray(Url(http, $"bodies/{tenant}/organizations/{s.GremiumId}")),
            ["modified"] = Iso(s.GeaendertAm),
        };
        if (s.Ende is { } e) m["end"] = Iso(e);
        return m;
    }

    private static JsonObject PaperObject(HttpContext http, string tenant, Vorlage v)
    {
        var p = new JsonObject
        {
            ["id"] = Url(http, $"bodies/{tenant}/papers/{v.Id}"),
            ["type"] = Version + "Paper",
            ["body"] = Url(http, $"bodies/{tenant}"),
            ["name"] = v.Betreff,
            ["reference"] = v.Id,
            ["date"] = v.EingereichtAm!.Value.InUtc().Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["paperType"] = v.Art,
            ["created"] = Iso(v.VeroeffentlichtAm!.Value),
            ["modified"] = Iso(v.GeaendertAm),
        };
        if (v.Nachtrag) p["keyword"] = new JsonArray("Nachtrag");
        return p;
    }

    private static JsonObject List(HttpContext http, IReadOnlyList<JsonNode> items, int total, int page, int size, string self)
    {
        var pages = Math.Max(1, (total + size - 1) / size);
        string PageUrl(int n) => $"{self}?page={n.ToString(CultureInfo.InvariantCulture)}&limit={size.ToString(CultureInfo.InvariantCulture)}";
        var links = new JsonObject { ["first"] = PageUrl(1), ["last"] = PageUrl(pages), ["self"] = PageUrl(page) };
        if (page > 1) links["prev"] = PageUrl(Math.Min(page - 1, pages));
        if (page < pages) links["next"] = PageUrl(page + 1);
        return new JsonObject
        {
            ["data"] = new JsonArray([.. items]),
            ["pagination"] = new JsonObject { ["totalElements"] = total, ["elementsPerPage"] = size, ["currentPage"] = page, ["totalPages"] = pages },
            ["links"] = links,
        };
    }
}
