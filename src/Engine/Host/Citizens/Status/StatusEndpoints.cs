using System.Net;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>Body of <c>POST /api/status/{aktenzeichen}</c>: the access code (in the body, never in the URL).</summary>
public sealed record StatusCodeRequest(string? Code);

/// <summary>
/// The status like a parcel:
/// <list type="bullet">
/// <item><c>GET/POST /status/{aktenzeichen}</c> for those without an account: the access code is posted once; then a
/// cookie <c>egov.status</c> (HttpOnly, SameSite=Strict, path /status, 30 minutes, encrypted with the server's data
/// protection keys) lets this browser see that one case and act on it (<c>POST /status/{aktenzeichen}/antwort</c>).</item>
/// <item><c>GET /buerger/vorgaenge/{id}</c> and <c>POST /buerger/vorgaenge/{id}/antwort</c> for the signed-in citizen.</item>
/// <item><c>POST /api/status/{aktenzeichen}</c> {"code"} → the status as JSON (as <c>GET /api/citizen/cases/{id}/status</c>
/// gives the signed-in citizen), for other portals and the web component.</item>
/// <item><c>GET /status/egov-status.js</c>: the embeddable web component <c>&lt;egov-status&gt;</c> (docs/citizen-status.md).</item>
/// </list>
/// An unknown Aktenzeichen, a wrong code and a case past its retention give the same 404 "nicht gefunden"; failed
/// attempts count against the client address (<see cref="CitizenAccessCodes"/>: 5 per minute, then 429).
/// </summary>
public static partial class StatusEndpoints
{
    public const string GrantCookie = "egov.status";
    private static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(30);

    internal static void AddEGovCitizenStatus(this IServiceCollection services, Identity.IdentityDatabase identity, Microsoft.Extensions.Configuration.IConfiguration? configuration)
    {
        services.AddSingleton(StatusCors.From(configuration));
        services.AddSingleton(new CitizenStatusStore(identity));
        services.AddSingleton(sp => new CitizenAccessCodes(sp.GetRequiredService<CitizenStatusStore>(), sp.GetRequiredService<TenantEngines>()));
        services.AddSingleton<ICitizenAccessCodeIssuer>(sp => sp.GetRequiredService<CitizenAccessCodes>()); // the apply side's seam
        services.AddSingleton(sp => new CompletionEstimates(sp.GetRequiredService<TenantEngines>().Store));
        services.AddSingleton(sp => new CaseStatusBuilder(sp.GetRequiredService<CitizenStatusStore>(), sp.GetRequiredService<CompletionEstimates>()));
        services.AddSingleton(sp => new CitizenAnswers(sp.GetRequiredService<CitizenStatusStore>(), sp.GetRequiredService<Postkorb.PostkorbServices>(), NodaTime.SystemClock.Instance));
    }

    internal static IEndpointRouteBuilder MapCitizenStatus(this IEndpointRouteBuilder app)
    {
        app.MapStatusPreflight();
        app.MapGet("/status/egov-status.js", (HttpContext http, StatusCors cors) =>
            {
                cors.Grant(http); // a module script from another origin is loaded with CORS
                http.Response.Headers.CacheControl = "public, max-age=3600";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Text(StatusComponent.Script, "text/javascript", System.Text.Encoding.UTF8);
            })
            .WithName("StatusWebComponent").RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapGet("/status/{aktenzeichen}", async (HttpContext http, string aktenzeichen, string? gesendet, IServiceProvider sp) =>
            {
                var az = Normalize(aktenzeichen);
                if (az is null) return CitizenPages.Html(http, StatusPages.NotFound(aktenzeichen, CsrfToken(http)), 404);
                if (await GrantedCaseAsync(http, az, sp) is not { } found) return CitizenPages.Html(http, StatusPages.CodeForm(az, CsrfToken(http), null));
                var status = await sp.GetRequiredService<CaseStatusBuilder>().BuildAsync(http.Tenant(), found.Owner, found.Case, http.RequestAborted);
                return CitizenPages.Html(http, StatusPages.Case(status, CsrfToken(http), $"/status/{Uri.EscapeDataString(az)}/antwort",
                    gesendet == "1" ? "Vielen Dank. Ihre Angaben sind bei der Behörde eingegangen." : null, null, $"/status/{Uri.EscapeDataString(az)}/schliessen"));
            })
            .WithName("PageCaseStatus").WithMetadata(new PageEndpoint()).RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapPost("/status/{aktenzeichen}", async (HttpContext http, string aktenzeichen, IServiceProvider sp) =>
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                var az = Normalize(aktenzeichen) ?? "";
                var t = http.Tenant();
                var result = await sp.GetRequiredService<CitizenAccessCodes>().VerifyAsync(t.TenantId, az, form["zugangscode"], http.Connection.RemoteIpAddress, http.RequestAborted);
                switch (result.Outcome)
                {
                    case AccessOutcome.TooManyAttempts:
                        http.Response.Headers.RetryAfter = "60";
                        return CitizenPages.Html(http, StatusPages.TooMany(az.Length > 0 ? az : aktenzeichen, CsrfToken(http)), 429);
                    case AccessOutcome.NotFound:
                        return CitizenPages.Html(http, StatusPages.NotFound(az.Length > 0 ? az : aktenzeichen, CsrfToken(http)), 404);
                }
                var protector = Protector(sp);
                http.Response.Cookies.Append(GrantCookie, protector.Protect($"{t.TenantId}\n{result.InstanceId}\n{az}", GrantLifetime), new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/status", IsEssential = true, MaxAge = GrantLifetime,
                    Secure = sp.GetRequiredService<ServerAddress>().IsHttps || http.Request.IsHttps,
                });
                return Results.Redirect($"/status/{Uri.EscapeDataString(az)}", permanent: false, preserveMethod: false);
            })
            .WithName("CaseStatusOpen").RequirePermission(Permission.Public).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/status/{aktenzeichen}/schliessen", (HttpContext http, string aktenzeichen) =>
            {
                http.Response.Cookies.Delete(GrantCookie, new CookieOptions { Path = "/status" });
                return Results.Redirect($"/status/{Uri.EscapeDataString(Normalize(aktenzeichen) ?? "")}", permanent: false, preserveMethod: false);
            })
            .WithName("CaseStatusClose").RequirePermission(Permission.Public).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/status/{aktenzeichen}/antwort", async (HttpContext http, string aktenzeichen, IServiceProvider sp) =>
            {
                var az = Normalize(aktenzeichen);
                if (az is null || await GrantedCaseAsync(http, az, sp) is not { } found)
                    return CitizenPages.Html(http, StatusPages.NotFound(aktenzeichen, CsrfToken(http)), 404);
                var back = $"/status/{Uri.EscapeDataString(az)}";
                return await AnswerAsync(http, sp, found.Owner, found.Case, back, back + "/antwort", back + "/schliessen");
            })
            .WithName("CaseStatusAnswer").RequirePermission(Permission.Public).DisableAntiforgery().ExcludeFromDescription();

        app.MapGet("/buerger/vorgaenge/{id}", async (HttpContext http, string id, string? gesendet, CitizenCaseStore cases, IServiceProvider sp) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                var found = await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted);
                if (found is null) return CitizenPages.Html(http, CitizenPages.Layout("Vorgang nicht gefunden", "<p>Diesen Vorgang gibt es nicht in Ihren Vorgängen.</p><p><a href=\"/buerger/vorgaenge\">Zu Meine Vorgänge</a></p>"), 404);
                var status = await sp.GetRequiredService<CaseStatusBuilder>().BuildAsync(t, citizen.Owner, found, http.RequestAborted);
                return CitizenPages.Html(http, StatusPages.Case(status, CsrfToken(http), $"/buerger/vorgaenge/{Uri.EscapeDataString(id)}/antwort",
                    gesendet == "1" ? "Vielen Dank. Ihre Angaben sind bei der Behörde eingegangen." : null, null, null));
            })
            .WithName("PageCitizenCase").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();

        app.MapPost("/buerger/vorgaenge/{id}/antwort", async (HttpContext http, string id, CitizenCaseStore cases, IServiceProvider sp) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var found = await cases.FindAsync(http.Tenant().TenantId, citizen.Owner, id, http.RequestAborted)
                    ?? throw ApiProblemException.NotFound("Vorgang nicht gefunden");
                var back = $"/buerger/vorgaenge/{Uri.EscapeDataString(id)}";
                return await AnswerAsync(http, sp, citizen.Owner, found, back, back + "/antwort", null);
            })
            .WithName("CitizenCaseAnswer").RequirePermission(Permission.CitizenSelf).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/api/status/{aktenzeichen}", async (HttpContext http, string aktenzeichen, StatusCodeRequest? body, IServiceProvider sp) =>
            {
                sp.GetRequiredService<StatusCors>().Grant(http); // the portal's origin, when configured (StatusCors)
                var t = http.Tenant();
                var az = Normalize(aktenzeichen) ?? "";
                var result = await sp.GetRequiredService<CitizenAccessCodes>().VerifyAsync(t.TenantId, az, body?.Code, http.Connection.RemoteIpAddress, http.RequestAborted);
                if (result.Outcome == AccessOutcome.TooManyAttempts)
                {
                    http.Response.Headers.RetryAfter = "60";
                    return Results.Problem(statusCode: 429, title: "Zu viele Versuche", detail: "Zu viele Versuche. Bitte warten Sie eine Minute.");
                }
                if (result.Outcome == AccessOutcome.NotFound) throw ApiProblemException.NotFound(StatusPages.NotFoundText);
                var found = await sp.GetRequiredService<CitizenStatusStore>().FindCaseAsync(t.TenantId, result.InstanceId!, http.RequestAborted)
                    ?? throw ApiProblemException.NotFound(StatusPages.NotFoundText);
                http.Response.Headers.CacheControl = "no-store";
                return Results.Ok(await sp.GetRequiredService<CaseStatusBuilder>().BuildAsync(t, found.Owner, found.Case, http.RequestAborted));
            })
            .WithName("CaseStatusByCode").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt())
            .WithSummary("The status of a case by Aktenzeichen and access code (in the body): milestones, current step, what the citizen must do, expected date, FIT-Connect status; unknown Aktenzeichen and wrong code: the same 404; 429 after 5 failures a minute")
            .Produces<CaseStatusDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, IServiceProvider sp, string owner, CitizenCase c, string back, string action, string? close)
    {
        var t = http.Tenant();
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var files = new List<CitizenUpload>();
        foreach (var f in form.Files.GetFiles("dateien"))
        {
            if (f.Length == 0 && string.IsNullOrEmpty(f.FileName)) continue; // the empty file field of a form sent without a file
            using var buffer = new MemoryStream();
            await f.CopyToAsync(buffer, http.RequestAborted);
            files.Add(new CitizenUpload(f.FileName, f.ContentType, buffer.ToArray()));
        }
        try
        {
            await sp.GetRequiredService<CitizenAnswers>().SubmitAsync(t, owner, c, form["aktion"], form["text"], files, http.RequestAborted);
        }
        catch (ApiProblemException e)
        {
            var status = await sp.GetRequiredService<CaseStatusBuilder>().BuildAsync(t, owner, c, http.RequestAborted);
            return CitizenPages.Html(http, StatusPages.Case(status, CsrfToken(http), action, null, e.Message, close), e.Status);
        }
        return Results.Redirect(back + "?gesendet=1", permanent: false, preserveMethod: false);
    }

    /// <summary>The case this browser opened with its code (the cookie), when it is this Aktenzeichen's and still valid.</summary>
    private static async Task<(string Owner, CitizenCase Case)?> GrantedCaseAsync(HttpContext http, string az, IServiceProvider sp)
    {
        if (http.Request.Cookies[GrantCookie] is not { Length: > 0 } cookie) return null;
        string payload;
        try { payload = Protector(sp).Unprotect(cookie, out _); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
        var parts = payload.Split('\n');
        var t = http.Tenant();
        if (parts.Length != 3 || parts[0] != t.TenantId || parts[2] != az) return null;
        var found = await sp.GetRequiredService<CitizenStatusStore>().FindCaseAsync(t.TenantId, parts[1], http.RequestAborted);
        return found is { } f && f.Case.Aktenzeichen == az ? found : null;
    }

    private static ITimeLimitedDataProtector Protector(IServiceProvider sp) =>
        sp.GetRequiredService<IDataProtectionProvider>().CreateProtector("EGov.Workflows.CitizenStatus.v1").ToTimeLimitedDataProtector();

    /// <summary>An Aktenzeichen as the URL may carry it (letters, digits, dashes; at most 64), upper case; null otherwise.</summary>
    private static string? Normalize(string? aktenzeichen) =>
        aktenzeichen is { Length: > 0 and <= 64 } && AktenzeichenPattern().IsMatch(aktenzeichen) ? aktenzeichen.ToUpperInvariant() : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex AktenzeichenPattern();

    /// <summary>The CSRF token for a form on a page (the cookie, or the one set on this very response).</summary>
    internal static string CsrfToken(HttpContext http)
    {
        if (http.Request.Cookies[Csrf.CookieName] is { Length: > 0 } token) return token;
        foreach (var header in http.Response.Headers.SetCookie)
            if (header?.StartsWith(Csrf.CookieName + "=", StringComparison.Ordinal) == true)
                return WebUtility.UrlDecode(header[(Csrf.CookieName.Length + 1)..].Split(';')[0]);
        return "";
    }
}
