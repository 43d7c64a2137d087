using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>
/// CORS for the web component <c>&lt;egov-status&gt;</c> on a municipality's portal (another origin): the portal's origin
/// may load <c>GET /status/egov-status.js</c> as a module script and call <c>POST /api/status/{aktenzeichen}</c> with the
/// access code in the body — nothing else. Deny by default: only origins named in the configuration, for the whole
/// installation (<c>Citizens:StatusOrigins</c>) or for one tenant (<c>Tenants:&lt;id&gt;:Citizens:StatusOrigins</c>), each
/// exactly <c>https://portal.example</c> (scheme, host, port; no path, no wildcard). Never with credentials: no
/// <c>Access-Control-Allow-Credentials</c>, so a browser sends no cookie of this server along (the citizen session is
/// never usable from another origin). A preflight from another origin is answered 403.
/// </summary>
public sealed class StatusCors
{
    public const string Section = "Citizens:StatusOrigins";
    private readonly HashSet<string> _installation;
    private readonly Dictionary<string, HashSet<string>> _tenants;

    private StatusCors(HashSet<string> installation, Dictionary<string, HashSet<string>> tenants)
    {
        _installation = installation;
        _tenants = tenants;
    }

    /// <summary>Reads and checks the configured origins; an entry that is not an origin stops the start with the reason.</summary>
    public static StatusCors From(IConfiguration? configuration)
    {
        var installation = Read(configuration?.GetSection(Section), Section);
        var tenants = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tenant in configuration?.GetSection("Tenants").GetChildren() ?? [])
        {
            var key = $"Tenants:{tenant.Key}:{Section}";
            var origins = Read(tenant.GetSection(Section), key);
            if (origins.Count > 0) tenants[tenant.Key] = origins;
        }
        return new StatusCors(installation, tenants);
    }

    /// <summary>Whether <paramref name="origin"/> may use the status API of <paramref name="tenantId"/> from a browser.</summary>
    public bool Allows(string tenantId, string? origin)
    {
        if (Normalize(origin) is not { } o) return false;
        return _installation.Contains(o) || (_tenants.TryGetValue(tenantId, out var own) && own.Contains(o));
    }

    /// <summary>
    /// Adds <c>Access-Control-Allow-Origin</c> (and <c>Vary: Origin</c>) to this response when the request comes from an
    /// allowed origin — also to an error answer (404, 429), so the component can say what went wrong.
    /// </summary>
    public void Grant(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var allowed = origin.Length > 0 && Allows(http.Tenant().TenantId, origin);
        http.Response.OnStarting(() =>
        {
            http.Response.Headers.Append("Vary", "Origin");
            if (allowed) http.Response.Headers.AccessControlAllowOrigin = origin;
            return Task.CompletedTask;
        });
    }

    private static HashSet<string> Read(IConfigurationSection? section, string key)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (section is null) return set;
        // A list (Citizens:StatusOrigins:0, :1, …) or one value with origins separated by commas or blanks.
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var value in values)
            set.Add(Normalize(value) ?? throw new ServerStartException([
                $"{key}: '{value}' is not an origin; write it as scheme://host[:port], e.g. https://portal.musterstadt.de (no path, no '*')"], usage: true));
        return set;
    }

    /// <summary>scheme://host[:port] in lower case (the default port left out); null for anything else.</summary>
    private static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('*', StringComparison.Ordinal)) return null;
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) return null;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return null;
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }
}

/// <summary>The route of the preflight (<see cref="StatusCors"/>).</summary>
internal static class StatusPreflight
{
    private static readonly TimeSpan PreflightCache = TimeSpan.FromMinutes(10);

    /// <summary>The preflight of <c>POST /api/status/{aktenzeichen}</c>: 204 with the grant for an allowed origin, else 403.</summary>
    internal static IEndpointRouteBuilder MapStatusPreflight(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/api/status/{aktenzeichen}", [HttpMethods.Options], (HttpContext http, string aktenzeichen, StatusCors cors) =>
            {
                _ = aktenzeichen;
                var origin = http.Request.Headers.Origin.ToString();
                var method = http.Request.Headers.AccessControlRequestMethod.ToString();
                http.Response.Headers.Append("Vary", "Origin");
                if (origin.Length == 0 || !cors.Allows(http.Tenant().TenantId, origin))
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Herkunft nicht freigegeben",
                        detail: $"Diese Seite darf den Stand von Anträgen nicht abfragen: ihre Herkunft ist nicht freigegeben ({StatusCors.Section}).");
                if (!HttpMethods.IsPost(method))
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Methode nicht freigegeben",
                        detail: "Nur POST mit dem Zugangscode im Inhalt ist freigegeben.");
                var headers = http.Response.Headers;
                headers.AccessControlAllowOrigin = origin;
                headers.AccessControlAllowMethods = "POST";
                headers.AccessControlAllowHeaders = "Content-Type, Accept";
                headers.AccessControlMaxAge = ((int)PreflightCache.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.NoContent();
            })
            .WithName("CaseStatusByCodePreflight").RequirePermission(Permission.Public).ExcludeFromDescription();
        return app;
    }

}
