using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Stadtplanung;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using EGov.Workflows.Time;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Stadtplanung;

public sealed record BauleitplanDokumentDto(int Nr, string Titel, string Schritt, string AktenplanKennzeichen, string Aktenzeichen, string? Inhalt,
    string? DateiName, string? ContentType, string? DateiHash, DateTimeOffset AbgelegtAm);

public sealed record BauleitplanDto(string Id, string PlanNummer, string Titel, string Planart, string Gemarkung, string? Flur, string Verfahrensart,
    string AktenplanKennzeichen, string? AktenplanBetreff, string Aktenzeichen, string Federfuehrend, bool Vertraulich, IReadOnlyList<string> Lesegruppen,
    string Status, string? AuslegungBeginn, string? AuslegungEnde, string? InstanceId, DateTimeOffset AngelegtAm, DateTimeOffset GeaendertAm,
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
        var s = api.MapGroup("/stadtplanung").WithMetadata(new GermanProblems());

        s.MapGet("/verfahren", (HttpContext http, string? q, string? gemarkung, string? status, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                if (q is { Length: > 200 })
                    throw ApiProblemException.Ungueltig($"Der Suchbegriff (q) ist {q.Length} Zeichen lang; höchstens 200 sind erlaubt. Bitte kürzen Sie ihn.", "q: 1–200 Zeichen");
                if (gemarkung is { Length: > 200 })
                    throw ApiProblemException.Ungueltig($"Die Gemarkung ist {gemarkung.Length} Zeichen lang; höchstens 200 sind erlaubt.", "gemarkung: 1–200 Zeichen");
                if (status is { Length: > 0 } && !VerfahrenStatus.All.Contains(status))
                    throw ApiProblemException.Ungueltig($"Den Verfahrensstand „{Kurz(status)}“ gibt es nicht; möglich sind: {string.Join(", ", VerfahrenStatus.All)}.", string.Join(", ", VerfahrenStatus.All));
                var caller = http.Caller();
                var (items, total) = Store(http).Suche(http.Tenant().TenantId, new VerfahrenSuche(q, gemarkung, status, caller.Groups), page.Offset, page.Limit);
                var fristen = Fristen(http);
                return Results.Ok(new Page<BauleitplanDto>(items.Where(v => MayRead(caller, v)).Select(v => Dto(v, null, fristen)).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("SearchBauleitplanverfahren").RequirePermission(Permission.PlanningRead)
            .WithSummary("Search the Bauleitplan procedures (?q= Plan-Nummer, Titel, Gemarkung, Flur or Aktenzeichen, &gemarkung=&status=&offset=&limit=); confidential ones only for their read groups; each with the end of its public display (auslegungEnde) once it has a start")
            .Produces<Page<BauleitplanDto>>().ProducesProblem(400);

        s.MapGet("/verfahren/{id}", (HttpContext http, string id) =>
            {
                var v = Readable(http, id);
                return Results.Ok(Dto(v, Store(http).Dokumente(http.Tenant().TenantId, v.Id).Select(Dto).ToList(), Fristen(http)));
            })
            .WithName("GetBauleitplanverfahren").RequirePermission(Permission.PlanningRead)
            .WithSummary("One procedure with the documents of its eAkte (404 when it is confidential and the caller is in none of its read groups)")
            .Produces<BauleitplanDto>().ProducesProblem(404);

        s.MapGet("/verfahren/{id}/dokumente/{nr}/datei", (HttpContext http, string id, string nr) =>
            {
                var v = Readable(http, id);
                if (!int.TryParse(nr, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) throw ApiProblemException.NichtGefunden($"Ein Dokument „{Kurz(nr)}“ gibt es in der Akte „{Kurz(id)}“ nicht: Dokumente sind nummeriert (1, 2, 3 …).");
                var tenant = http.Tenant().TenantId;
                var d = Store(http).Dokumente(tenant, v.Id).FirstOrDefault(x => x.Nr == number && x.DateiHash is not null)
                    ?? throw ApiProblemException.NichtGefunden($"Zu Dokument {number} der Akte „{Kurz(id)}“ gibt es keine Datei (es ist ein Text oder es gibt es nicht).");
                var postkorb = http.RequestServices.GetRequiredService<PostkorbServices>();
                var content = CaseFileStorage.Read(postkorb.Data, postkorb.AttachmentOptions, tenant, d.DateiHash!);
                if (content is null) throw ApiProblemException.NichtGefunden($"Die Datei zu Dokument {number} ist hier nicht (mehr) gespeichert; bitte wenden Sie sich an den Betrieb.");
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
        return v is not null && MayRead(http.Caller(), v) ? v : throw ApiProblemException.NichtGefunden($"Ein Verfahren „{Kurz(id)}“ gibt es nicht unter den Verfahren, die Sie sehen dürfen.");
    }

    /// <summary>
    /// The last day of the public display (§ 3 Abs. 2 BauGB) starting on <paramref name="beginn"/>: as the model counts it, one month
    /// and at least 30 days (two Beginnfristen, the later end counts), each moved off weekends and holidays (§ 193 BGB).
    /// </summary>
    public static LocalDate AuslegungEnde(LocalDate beginn, FristCalculator fristen)
    {
        ArgumentNullException.ThrowIfNull(fristen);
        var monat = fristen.Fristende(beginn, Period.FromMonths(1), FristArt.Beginn);
        var tage = fristen.Fristende(beginn, Period.FromDays(30), FristArt.Beginn);
        return monat > tage ? monat : tage;
    }

    private static FristCalculator Fristen(HttpContext http) =>
        http.RequestServices.GetService<TenantEngines>()?.Fristen?.Invoke(http.Tenant().TenantId) ?? FristCalculator.Hessen;

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    internal static IStadtplanungStore Store(HttpContext http) => http.RequestServices.GetRequiredService<StadtplanungRegister>().Store;

    private static BauleitplanDto Dto(Verfahren v, IReadOnlyList<BauleitplanDokumentDto>? dokumente, FristCalculator fristen) => new(v.Id, v.PlanNummer, v.Titel, v.Planart, v.Gemarkung,
        v.Flur, v.Verfahrensart, v.AktenplanKennzeichen, v.AktenplanBetreff, v.Aktenzeichen, v.Federfuehrend, v.Vertraulich, v.Lesegruppen, v.Status,
        v.AuslegungBeginn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        v.AuslegungBeginn is { } beginn ? AuslegungEnde(beginn, fristen).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null, v.InstanceId, v.AngelegtAm.ToDateTimeOffset(), v.GeaendertAm.ToDateTimeOffset(), dokumente);

    private static BauleitplanDokumentDto Dto(Dokument d) => new(d.Nr, d.Titel, d.Schritt, d.AktenplanKennzeichen,
        d.Aktenzeichen + "/" + d.Nr.ToString(CultureInfo.InvariantCulture), d.Inhalt, d.DateiName, d.ContentType, d.DateiHash, d.AbgelegtAm.ToDateTimeOffset());
}
