using System.Net;
using System.Security.Claims;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// Signing in and out. The web pages: <c>GET /signin?returnUrl=</c> starts the code flow (PKCE) at the provider,
/// <c>POST /abmelden</c> ends the session (and the sign-in at the embedded provider, or at the external one). The embedded
/// provider: <c>/connect/authorize</c> (sends to the sign-in page <c>/anmelden</c> when nobody is signed in there),
/// <c>POST /anmelden</c> (name and password; German answers on the page), <c>/anmelden/passwort</c> (a one-time password
/// must be replaced), <c>/connect/token</c> (codes, refresh tokens, client credentials) and <c>/connect/endsession</c>.
/// </summary>
internal static class SignInEndpoints
{
    private const string MustChangeClaim = "egov_must_change";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (HttpContext http, ServerAddress address, string? returnUrl) =>
            {
                var back = LocalUrl(returnUrl) ?? "/aufgaben";
                // The provider sends the browser back to the public address: start there, so the flow's cookies are where it ends.
                if (!string.Equals(http.Request.Host.Value, address.Public.Authority, StringComparison.OrdinalIgnoreCase))
                    return Results.Redirect(new Uri(address.Public, "signin?returnUrl=" + Uri.EscapeDataString(back)).AbsoluteUri);
                return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [AuthSetup.OidcScheme]);
            })
            .WithName("SignInStart").RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapPost("/abmelden", async (HttpContext http, ServeOptions options) =>
            {
                var who = http.FindCaller()?.Id;
                if (options.OidcAuthority is { Length: > 0 } && who is not null)
                {
                    // At the external provider too: its end-session endpoint sends the browser back to /anmelden?abgemeldet=1.
                    await http.SignOutAsync(AuthSetup.OidcScheme, new AuthenticationProperties { RedirectUri = "/anmelden?abgemeldet=1" });
                    await http.SignOutAsync(AuthSetup.SessionScheme);
                    return Results.Empty;
                }
                await http.SignOutAsync(AuthSetup.SessionScheme);
                await http.SignOutAsync(AuthSetup.ProviderScheme);
                return Results.Redirect("/anmelden?abgemeldet=1");
            })
            .WithName("SignOut").RequirePermission(Permission.Public).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/anmelden", SignInAsync)
            .WithName("SignInForm").RequirePermission(Permission.Public).RequireRateLimiting(AuthSetup.SignInRateLimit).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/anmelden/passwort", ChangePasswordPageAsync)
            .WithName("PageChangePassword").RequirePermission(Permission.Public).WithMetadata(new PageEndpoint()).ExcludeFromDescription();
        app.MapPost("/anmelden/passwort", ChangePasswordAsync)
            .WithName("ChangePasswordForm").RequirePermission(Permission.Public).RequireRateLimiting(AuthSetup.SignInRateLimit).DisableAntiforgery().ExcludeFromDescription();

        app.MapMethods("/connect/authorize", ["GET", "POST"], AuthorizeAsync)
            .WithName("OidcAuthorize").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt()).DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/connect/token", TokenAsync)
            .WithName("OidcToken").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt()).DisableAntiforgery().ExcludeFromDescription();
        app.MapMethods("/connect/endsession", ["GET", "POST"], async (HttpContext http) =>
            {
                await http.SignOutAsync(AuthSetup.ProviderScheme);
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/anmelden?abgemeldet=1" },
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            })
            .WithName("OidcEndSession").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt()).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, AccountStore accounts, ILogger<AccountStore> log)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var name = First(form, "username", "Benutzername");
        var password = First(form, "password", "Passwort");
        var back = LocalUrl(form["ReturnUrl"].ToString()) ?? "/aufgaben";
        string Again(string why) => $"/anmelden?fehler={why}&ReturnUrl={Uri.EscapeDataString(back)}";
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(password)) return Results.Redirect(Again("1"));
        var (result, account) = await accounts.CheckPasswordAsync(name.Trim(), password, http.RequestAborted);
        if (result is PasswordCheck.Wrong or PasswordCheck.Disabled or PasswordCheck.LockedOut)
        {
            log.LogWarning("refused sign-in of '{Name}' from {Address}: {Reason}", name.Trim(), http.Connection.RemoteIpAddress,
                result switch { PasswordCheck.Disabled => "account disabled", PasswordCheck.LockedOut => "locked after too many wrong passwords", _ => "wrong name or password" });
            return Results.Redirect(Again(result == PasswordCheck.LockedOut ? "gesperrt" : "1"));
        }
        var identity = new ClaimsIdentity(AuthSetup.ProviderScheme, CallerClaims.Name, CallerClaims.Role);
        identity.AddClaim(new Claim(CallerClaims.Subject, account!.Name));
        if (result == PasswordCheck.MustChangePassword) identity.AddClaim(new Claim(MustChangeClaim, "true"));
        await http.SignInAsync(AuthSetup.ProviderScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(result == PasswordCheck.MustChangePassword ? "/anmelden/passwort?ReturnUrl=" + Uri.EscapeDataString(back) : back);
    }

    private static async Task<IResult> ChangePasswordPageAsync(HttpContext http, string? fehler, string? returnUrl)
    {
        var provider = await http.AuthenticateAsync(AuthSetup.ProviderScheme);
        if (!provider.Succeeded) return Results.Redirect("/anmelden");
        var token = http.Request.Cookies[Csrf.CookieName] ?? ReadSetCookie(http);
        var error = fehler switch
        {
            "ungleich" => "Die beiden Passwörter stimmen nicht überein.",
            "kurz" => $"Das Passwort muss mindestens {AccountStore.MinPasswordLength} Zeichen lang sein.",
            "gleich" => "Das neue Passwort muss sich vom bisherigen unterscheiden.",
            _ => null,
        };
        return Results.Content(PasswordPage.Html(token ?? "", LocalUrl(returnUrl) ?? "/aufgaben", error), "text/html; charset=utf-8");
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext http, AccountStore accounts)
    {
        var provider = await http.AuthenticateAsync(AuthSetup.ProviderScheme);
        if (!provider.Succeeded || provider.Principal.FindFirst(CallerClaims.Subject)?.Value is not { } name) return Results.Redirect("/anmelden");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var back = LocalUrl(form["ReturnUrl"].ToString()) ?? "/aufgaben";
        string Again(string why) => $"/anmelden/passwort?fehler={why}&returnUrl={Uri.EscapeDataString(back)}";
        var neu = form["neu"].ToString();
        if (neu != form["wiederholung"].ToString()) return Results.Redirect(Again("ungleich"));
        if (AccountStore.PasswordProblem(neu) is not null) return Results.Redirect(Again("kurz"));
        if ((await accounts.CheckPasswordAsync(name, neu)).Result is PasswordCheck.Ok or PasswordCheck.MustChangePassword) return Results.Redirect(Again("gleich"));
        await accounts.SetPasswordAsync(name, neu, http.RequestAborted);
        var identity = new ClaimsIdentity(AuthSetup.ProviderScheme, CallerClaims.Name, CallerClaims.Role);
        identity.AddClaim(new Claim(CallerClaims.Subject, name));
        await http.SignInAsync(AuthSetup.ProviderScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(back);
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, AccountStore accounts)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        var provider = await http.AuthenticateAsync(AuthSetup.ProviderScheme);
        var here = http.Request.PathBase + http.Request.Path + QueryString.Create(request.GetParameters().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString())));
        if (!provider.Succeeded || provider.Principal.FindFirst(CallerClaims.Subject)?.Value is not { } name)
            return Results.Redirect("/anmelden?ReturnUrl=" + Uri.EscapeDataString(here));
        var account = await accounts.FindAsync(name, http.RequestAborted);
        if (account is null || account.Disabled)
        {
            await http.SignOutAsync(AuthSetup.ProviderScheme);
            return Results.Redirect("/anmelden?fehler=1&ReturnUrl=" + Uri.EscapeDataString(here));
        }
        if (account.MustChangePassword) return Results.Redirect("/anmelden/passwort?returnUrl=" + Uri.EscapeDataString(here));
        var identity = PersonIdentity(account);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        principal.SetResources(AuthSetup.Audience);
        identity.SetDestinations(AuthSetup.Destinations);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, AccountStore accounts, ClientStore clients)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        ClaimsIdentity identity;
        IEnumerable<string> scopes;
        if (request.IsClientCredentialsGrantType())
        {
            var client = await clients.FindAsync(request.ClientId!, http.RequestAborted);
            if (client is null || client.Disabled) return Refused(Errors.InvalidClient, "the client is unknown or disabled");
            identity = CallerClaims.Identity(TokenValidation, client.ClientId, client.DisplayName, CallerClaims.ClientKind,
                client.Roles, [], client.Tenants, client.Topics);
            scopes = request.GetScopes();
        }
        else if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var name = result.Principal?.FindFirst(CallerClaims.Subject)?.Value;
            var account = name is null ? null : await accounts.FindAsync(name, http.RequestAborted);
            if (account is null || account.Disabled) return Refused(Errors.InvalidGrant, "the account is unknown or disabled");
            identity = PersonIdentity(account); // fresh: roles and groups changed since sign-in count now
            scopes = result.Principal!.GetScopes();
        }
        else return Refused(Errors.UnsupportedGrantType, "this grant type is not supported");
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        principal.SetResources(AuthSetup.Audience);
        identity.SetDestinations(AuthSetup.Destinations);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private const string TokenValidation = "egov";

    private static ClaimsIdentity PersonIdentity(AccountInfo account)
    {
        var identity = CallerClaims.Identity(TokenValidation, account.Name, account.DisplayName, CallerClaims.PersonKind,
            account.Roles, account.Groups, account.Tenants);
        identity.AddClaim(new Claim("preferred_username", account.Name));
        return identity;
    }

    private static IResult Refused(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string? First(IFormCollection form, params string[] names) =>
        names.Select(n => form[n].ToString()).FirstOrDefault(v => v.Length > 0);

    /// <summary>Only a path on this server (no scheme, no host, no //host): an open redirect is refused.</summary>
    internal static string? LocalUrl(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Contains('\r') && !u.Contains('\n') ? u : null;

    /// <summary>The CSRF token set on this very response (a first visit).</summary>
    private static string? ReadSetCookie(HttpContext http)
    {
        foreach (var header in http.Response.Headers.SetCookie)
            if (header?.StartsWith(Csrf.CookieName + "=", StringComparison.Ordinal) == true)
                return WebUtility.UrlDecode(header[(Csrf.CookieName.Length + 1)..].Split(';')[0]);
        return null;
    }
}
