using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Stadtplanung;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Stadtplanung;

public sealed record BauleitplanDokumentDto(int Nr, string Titel, string Schritt, string AktenplanKennzeichen, string Aktenzeichen, string? Inhalt,
    string? DateiName, string? ContentType, string? DateiHash, DateTimeOffset AbgelegtAm);

public sealed record BauleitplanDto(string Id, string PlanNummer, string Titel, string Planart, string Gemarkung, string? Flur, string Verfahrensart,
    string AktenplanKennzeichen, string? AktenplanBetreff, string Aktenzeichen, string Federfuehrend, bool Vertraulich, IReadOnlyList<string> Lesegruppen,
    string Status, string? AuslegungBeginn, string? InstanceId, DateTimeOffset AngelegtAm, DateTimeOffset GeaendertAm,
    IReadOnlyList<BauleitplanDokumentDto>? Dokumente);

/// <summary>
/// The eAkte Stadtplanung under /api/stadtplanung (issue 17 item 3): the Bauleitplan procedures, found by a search over their
/// metadata (Plan-Nummer, Titel, Gemarkung, Flur, Aktenzeichen), each with the documents of its eAkte (Aktenplan-Kennzeichen and
/// Aktenzeichen per document) and their files. <see cref="Permission.PlanningRead"/> (by role) reads; a CONFIDENTIAL procedure
/// (vertraulich) only a member of its lead group or of one of its read groups — for everyone else it is not found (404, and the
/// search does not count it). The procedures are written by their cases (activity <c>bauleitplan-akte</c>), never through the API.
/// </summary>
public static class StadtplanungEndpoints
{
    public static void MapStadtplanungEndpoints(this RouteGroupBuilder api)
    {
        var s = api.MapGroup("/stadtplanung");

        s.MapGet("/verfahren", (HttpContext http, string? q, string? gemarkung, string? status, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                if (q is { Length: > 200 }) throw ApiProblemException.BadRequest("q is longer than 200 characters", "q: 1–200 characters");
                if (status is { Length: > 0 } && !VerfahrenStatus.All.Contains(status))
                    throw ApiProblemException.BadRequest($"status '{status}' is unknown", string.Join(", ", VerfahrenStatus.All));
                var caller = http.Caller();
                var (items, total) = Store(http).Suche(http.Tenant().TenantId, new VerfahrenSuche(q, gemarkung, status, caller.Groups), page.Offset, page.Limit);
                return Results.Ok(new Page<BauleitplanDto>(items.Where(v => MayRead(caller, v)).Select(v => Dto(v, null)).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("SearchBauleitplanverfahren").RequirePermission(Permission.PlanningRead)
            .WithSummary("Search the Bauleitplan procedures (?q= Plan-Nummer, Titel, Gemarkung, Flur or Aktenzeichen, &gemarkung=&status=&offset=&limit=); confidential ones only for their read groups")
            .Produces<Page<BauleitplanDto>>().ProducesProblem(400);

        s.MapGet("/verfahren/{id}", (HttpContext http, string id) =>
            {
                var v = Readable(http, id);
                return Results.Ok(Dto(v, Store(http).Dokumente(http.Tenant().TenantId, v.Id).Select(Dto).ToList()));
            })
            .WithName("GetBauleitplanverfahren").RequirePermission(Permission.PlanningRead)
            .WithSummary("One procedure with the documents of its eAkte (404 when it is confidential and the caller is in none of its read groups)")
            .Produces<BauleitplanDto>().ProducesProblem(404);

        s.MapGet("/verfahren/{id}/dokumente/{nr}/datei", (HttpContext http, string id, string nr) =>
            {
                var v = Readable(http, id);
                if (!int.TryParse(nr, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) throw ApiProblemException.NotFound($"no document '{nr}' of '{id}'");
                var tenant = http.Tenant().TenantId;
                var d = Store(http).Dokumente(tenant, v.Id).FirstOrDefault(x => x.Nr == number && x.DateiHash is not null)
                    ?? throw ApiProblemException.NotFound($"no file as document {nr} of '{id}'");
                var postkorb = http.RequestServices.GetRequiredService<PostkorbServices>();
                var content = CaseFileStorage.Read(postkorb.Data, postkorb.AttachmentOptions, tenant, d.DateiHash!);
                if (content is null) throw ApiProblemException.NotFound($"the content of document {nr} is not stored here");
                http.Response.Headers["X-Content-Type-Options"] = "nosniff";
                http.Response.Headers["Content-Security-Policy"] = "sandbox; default-src 'none'";
                http.Response.Headers.CacheControl = "private, no-store";
                return Results.File(content, d.ContentType ?? "application/octet-stream", d.DateiName);
            })
            .WithName("DownloadBauleitplanDokument").RequirePermission(Permission.PlanningRead)
            .WithSummary("The file of a document of a procedure's eAkte (same read rule as the procedure; Content-Disposition: attachment, nosniff)")
            .ProducesProblem(404);
    }

    /// <summary>Whether the caller may read the procedure: an open one everyone with the permission; a confidential one its read groups.</summary>
    public static bool MayRead(Caller caller, Verfahren v)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(v);
        return !v.Vertraulich || v.Leser.Any(caller.InGroup);
    }

    private static Verfahren Readable(HttpContext http, string id)
    {
        var v = Store(http).GetVerfahren(http.Tenant().TenantId, id);
        return v is not null && MayRead(http.Caller(), v) ? v : throw ApiProblemException.NotFound($"no procedure '{id}' visible to you");
    }

    internal static IStadtplanungStore Store(HttpContext http) => http.RequestServices.GetRequiredService<StadtplanungRegister>().Store;

    private static BauleitplanDto Dto(Verfahren v, IReadOnlyList<BauleitplanDokumentDto>? dokumente) => new(v.Id, v.PlanNummer, v.Titel, v.Planart, v.Gemarkung,
        v.Flur, v.Verfahrensart, v.AktenplanKennzeichen, v.AktenplanBetreff, v.Aktenzeichen, v.Federfuehrend, v.Vertraulich, v.Lesegruppen, v.Status,
        v.AuslegungBeginn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), v.InstanceId, v.AngelegtAm.ToDateTimeOffset(), v.GeaendertAm.ToDateTimeOffset(), dokumente);

    private static BauleitplanDokumentDto Dto(Dokument d) => new(d.Nr, d.Titel, d.Schritt, d.AktenplanKennzeichen,
        d.Aktenzeichen + "/" + d.Nr.ToString(CultureInfo.InvariantCulture), d.Inhalt, d.DateiName, d.ContentType, d.DateiHash, d.AbgelegtAm.ToDateTimeOffset());
}
