using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;

namespace EGov.Workflows.Host.Web;

/// <summary>
/// The page routes of the web pages and their built assets. Each route states its permission: the sign-in page, the
/// accessibility statement and the assets are public; the Postkorb and the task pages need a signed-in person (the
/// session and the redirect into sign-in are the authentication's job, not the pages'). Pages are HTML shells that
/// fetch their data from /api; they carry a strict Content-Security-Policy (nothing from another origin, no inline
/// script) and are never cached, while the content-hashed assets are cached for good.
/// </summary>
public static class WebPages
{
    /// <summary>No script or style from anywhere but this server; bpmn-js and form-js set inline style attributes.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app, WebSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        app.MapGet("/anmelden", (HttpContext http) => Page(http, site, "anmelden"))
            .WithName("PageSignIn").WithMetadata(new PageEndpoint()).RequirePermission(Permission.Public).ExcludeFromDescription();
        app.MapGet("/barrierefreiheit", (HttpContext http) => Page(http, site, "barrierefreiheit"))
            .WithName("PageAccessibility").WithMetadata(new PageEndpoint()).RequirePermission(Permission.Public).ExcludeFromDescription();
        app.MapGet("/aufgaben", (HttpContext http) => Page(http, site, "aufgaben"))
            .WithName("PagePostkorb").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/aufgaben/{taskId}", (HttpContext http) => Page(http, site, "aufgabe"))
            .WithName("PageTask").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/prozesse", (HttpContext http) => Page(http, site, "prozesse"))
            .WithName("PageProcesses").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/designer/{processId}", (HttpContext http) => Page(http, site, "designer"))
            .WithName("PageDesigner").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/betrieb", (HttpContext http) => Page(http, site, "betrieb"))
            .WithName("PageCockpit").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/betrieb/{instanceId}", (HttpContext http) => Page(http, site, "betrieb-fall"))
            .WithName("PageCockpitCase").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/analyse/{processId}", (HttpContext http) => Page(http, site, "analyse"))
            .WithName("PageAnalysis").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/analyse/{processId}/vergleich", (HttpContext http) => Page(http, site, "vergleich"))
            .WithName("PageVersionComparison").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/termine", (HttpContext http) => Page(http, site, "termine"))
            .WithName("PageAppointmentsDay").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/mobilfunk", (HttpContext http) => Page(http, site, "mobilfunk"))
            .WithName("PageMobilfunk").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/stadtplanung", (HttpContext http) => Page(http, site, "stadtplanung"))
            .WithName("PageStadtplanung").WithMetadata(new PageEndpoint()).RequirePermission(Permission.SignedIn).ExcludeFromDescription();
        app.MapGet("/assets/{**path}", (HttpContext http, string path) => Asset(http, site, path))
            .WithName("WebAssets").RequirePermission(Permission.Public).ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext http, WebSite site, string name)
    {
        if (site.Page(name) is not IFileInfo file) return NotBuilt(site);
        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        return TypedResults.PhysicalFile(file.PhysicalPath!, "text/html; charset=utf-8");
    }

    private static IResult Asset(HttpContext http, WebSite site, string path)
    {
        if (!site.IsBuilt) return NotBuilt(site);
        if (site.Asset(path) is not IFileInfo file) throw ApiProblemException.NotFound($"no asset '{path}'");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.PhysicalFile(file.PhysicalPath!, site.ContentType(file.Name), lastModified: file.LastModified);
    }

    /// <summary>
    /// An answer, not an exception: what the request set on the way (the sign-in's CSRF cookie) stays, so signing in
    /// still works for clients that post the form themselves while the pages are missing.
    /// </summary>
    private static IResult NotBuilt(WebSite site) => Results.Problem(statusCode: 503, title: "Web pages not built",
        detail: $"the web pages are not built{(site.Directory is null ? "" : $" in {site.Directory}")}: run ./egov once (it builds src/Designer with npm), or start with --web DIR");
}
