using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace EGov.Workflows.Host.Security;

/// <summary>Endpoint metadata: an HTML page; without a session a browser is sent to sign in instead of getting a 401.</summary>
public sealed record PageEndpoint;

/// <summary>
/// Deny by default, after routing and authentication: an endpoint without a stated permission refuses everything (403);
/// <see cref="Permission.Public"/> passes; no identity → 401 (pages: a redirect into sign-in); a browser request that
/// changes something must carry the CSRF token; a caller whose roles do not hold the permission → 403. Every refusal is
/// logged with who, what and why (never a token). Answers are RFC 9457 problems.
/// </summary>
internal sealed class PermissionEnforcement(RequestDelegate next, ServerAddress address, TenantEngines engines, ILogger<PermissionEnforcement> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (CallerClaims.From(http.User, engines.DefaultTenantId) is { } caller)
        {
            // The staff directory completes a person it knows: their unit's group, the groups they lead (Adressbuch, issue 17).
            if (http.RequestServices.GetService<Reservierungen.ReservierungRegister>() is { } register)
                caller = register.Verzeichnis.Ergaenzen(caller, DirectoryTenant(http, caller));
            http.SetCaller(caller);
        }
        var endpoint = http.GetEndpoint();
        if (endpoint is null || endpoint.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) == true)
        {
            await next(http);
            return;
        }
        var who = http.FindCaller();
        var permission = endpoint.Metadata.GetMetadata<EndpointPermission>()?.Permission;
        if (permission is null)
        {
            await RefuseAsync(http, 403, "Forbidden", "this endpoint states no permission, so it refuses every request (deny by default)", who);
            return;
        }
        var isPage = endpoint.Metadata.GetMetadata<PageEndpoint>() is not null;
        if (isPage) Csrf.EnsureCookie(http, address.IsHttps);
        var browser = http.Request.Headers.Authorization.Count == 0;
        if (permission == Permission.Public)
        {
            if (browser && Csrf.IsUnsafe(http.Request.Method) && endpoint.Metadata.GetMetadata<Csrf.Exempt>() is null && await Csrf.ProblemAsync(http) is { } why)
            {
                await RefuseAsync(http, 403, "Forbidden", why, who);
                return;
            }
            await next(http);
            return;
        }
        if (who is null)
        {
            if (isPage && HttpMethods.IsGet(http.Request.Method))
            {
                var back = http.Request.Path + http.Request.QueryString;
                http.Response.Redirect((Citizens.CitizenSignIn.IsCitizenPath(http.Request.Path) ? "/buerger/anmelden" : "/signin") + "?returnUrl=" + Uri.EscapeDataString(back));
                return;
            }
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            await RefuseAsync(http, 401, "Unauthorized", "sign in first: this request has no valid identity (a bearer token, a worker's Basic credentials or a web session)", null,
                "Bitte melden Sie sich zuerst an: die Anfrage trägt keine gültige Anmeldung (ein Token, die Zugangsdaten eines Workers oder eine Web-Sitzung).");
            return;
        }
        if (browser && Csrf.IsUnsafe(http.Request.Method) && endpoint.Metadata.GetMetadata<Csrf.Exempt>() is null && await Csrf.ProblemAsync(http) is { } csrf)
        {
            await RefuseAsync(http, 403, "Forbidden", csrf, who,
                "Die Anfrage trägt kein gültiges CSRF-Token (Formularfeld oder Kopfzeile X-CSRF-Token aus dem Cookie der Sitzung); bitte laden Sie die Seite neu.");
            return;
        }
        if (!RolePermissions.Allows(who, permission.Value))
        {
            await RefuseAsync(http, 403, "Forbidden",
                $"'{who.Id}' lacks the permission {permission} (roles that have it: {string.Join(", ", RolePermissions.RolesWith(permission.Value))})", who,
                $"„{who.Id}“ fehlt die Berechtigung {permission} (Rollen mit ihr: {string.Join(", ", RolePermissions.RolesWith(permission.Value))}).");
            return;
        }
        await next(http);
    }

    /// <summary>
    /// The tenant whose directory completes the caller: the one <c>X-Tenant</c> names when the caller belongs to it, else the
    /// caller's first (as <see cref="TenantContext"/> decides; a header it refuses is refused there, with nobody completed).
    /// </summary>
    private string DirectoryTenant(HttpContext http, Caller caller)
    {
        var header = http.Request.Headers[TenantEngines.Header].ToString().Trim();
        if (header.Length > 0 && TenantEngines.IsValidId(header) && caller.BelongsTo(header)) return header;
        var first = caller.Tenants.FirstOrDefault(t => t != "*");
        return caller.AllTenants || first is null ? engines.DefaultTenantId : first;
    }

    /// <summary>Refuses with problem details; endpoints marked <see cref="Api.GermanProblems"/> get <paramref name="deutsch"/> (when given) and a German title.</summary>
    private async Task RefuseAsync(HttpContext http, int status, string title, string why, Caller? who, string? deutsch = null)
    {
        log.LogWarning("refused {Method} {Path}: {Status} for {Caller}: {Reason}", http.Request.Method, http.Request.Path, status,
            who is null ? "(no identity)" : $"{who.Kind.ToString().ToLowerInvariant()} '{who.Id}'", why);
        http.Response.StatusCode = status;
        if (http.Request.Path.StartsWithSegments("/engine-rest"))
        {
            // Camunda's error shape, as every /engine-rest error.
            await http.Response.WriteAsJsonAsync(new { type = status == 401 ? "AuthenticationException" : "AuthorizationException", message = why });
            return;
        }
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = deutsch is not null && http.GetEndpoint()?.Metadata.GetMetadata<Api.GermanProblems>() is not null
                ? new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = status == 401 ? "Nicht angemeldet" : "Keine Berechtigung", Detail = deutsch, Instance = http.Request.Path }
                : new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = why, Instance = http.Request.Path },
        });
    }
}

/// <summary>Logs a refusal the endpoints decide themselves (task visibility, candidate starters, topics, tenants).</summary>
public static class Refusals
{
    public static ApiProblemException Forbidden(HttpContext http, string why)
    {
        ArgumentNullException.ThrowIfNull(http);
        var log = (ILogger?)http.RequestServices.GetService(typeof(ILogger<PermissionEnforcement>));
        var who = http.FindCaller();
        log?.LogWarning("refused {Method} {Path}: 403 for {Caller}: {Reason}", http.Request.Method, http.Request.Path,
            who is null ? "(no identity)" : $"{who.Kind.ToString().ToLowerInvariant()} '{who.Id}'", why);
        return new ApiProblemException(403, "Forbidden", why);
    }
}
