using System.Security.Claims;
using System.Threading.RateLimiting;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Keys;
using EGov.Workflows.Identity.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// Authentication of every request, wired in one place. One policy scheme (<see cref="PolicyScheme"/>) picks per request:
/// <c>Authorization: Bearer</c> → a JWT validated by JwtBearer (the embedded provider's issuer and key, or, when the
/// token names it as issuer, the external provider's JWKS); <c>Basic</c> on /engine-rest → a machine client's id and
/// secret; anything else → the server-side web session (cookie <c>egov.session</c>). The embedded provider is OpenIddict
/// (code flow with PKCE for the web pages, client credentials for machines, refresh tokens); the web pages sign in
/// through the OpenID Connect handler against it, or against <c>--oidc-authority</c>.
/// </summary>
public static class AuthSetup
{
    public const string PolicyScheme = "egov", SessionScheme = "egov.session", ProviderScheme = "egov.provider",
        OidcScheme = "oidc", EmbeddedBearer = JwtBearerDefaults.AuthenticationScheme, ExternalBearer = "external-bearer";
    public const string Audience = "egov-api";
    public const string SignInRateLimit = "anmelden";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(30);

    internal static void AddEGovAuth(this IServiceCollection services, ServeOptions options, IdentityDatabase database, ServerAddress address)
    {
        services.AddSingleton(address);
        services.AddEGovIdentityStores(database);
        var (signing, encryption) = ServerKeys.LoadOrCreateAsync(database).GetAwaiter().GetResult();
        var embedded = new EmbeddedProviderConfiguration(address, signing);
        var external = options.OidcAuthority is { Length: > 0 } a ? new Uri(a.TrimEnd('/') + "/") : null;
        var mapping = new ClaimMapping(options.OidcClaimRoles, options.OidcClaimGroups, options.OidcClaimTenant);
        services.AddSingleton(mapping);
        var secure = options.PublicUrl?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

        services.AddDataProtection().SetApplicationName("EGov.Workflows");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new DbXmlRepository(database));
        services.AddSingleton<DbTicketStore>();
        services.AddHttpContextAccessor();

        services.AddOpenIddict()
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/endsession");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, "egov");
                o.AddSigningKey(signing).AddEncryptionKey(encryption);
                o.DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(AccessTokenLifetime).SetIdentityTokenLifetime(TimeSpan.FromMinutes(10));
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        services.AddOptions<OpenIddict.Server.OpenIddictServerOptions>().PostConfigure(o => o.Issuer = address.Public);

        var auth = services.AddAuthentication(o =>
        {
            o.DefaultScheme = PolicyScheme;
            o.DefaultChallengeScheme = PolicyScheme;
        });
        auth.AddPolicyScheme(PolicyScheme, "Bearer, Basic or web session", o => o.ForwardDefaultSelector = http => Select(http, external));
        auth.AddJwtBearer(EmbeddedBearer, o =>
        {
            o.MapInboundClaims = false;
            o.ConfigurationManager = embedded;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = Audience, NameClaimType = CallerClaims.Name, RoleClaimType = CallerClaims.Role, ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        auth.AddScheme<AuthenticationSchemeOptions, BasicClientAuthentication>(BasicClientAuthentication.SchemeName, null);
        auth.AddCookie(SessionScheme, o =>
        {
            o.Cookie.Name = "egov.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = DbTicketStore.DefaultLifetime;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
        });
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme).Configure<DbTicketStore>((o, store) => o.SessionStore = store);
        auth.AddCookie(ProviderScheme, o =>
        {
            o.Cookie.Name = "egov.anmeldung";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
        });
        auth.AddOpenIdConnect(OidcScheme, o =>
        {
            o.SignInScheme = SessionScheme;
            o.SignOutScheme = SessionScheme;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.SaveTokens = true;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.CallbackPath = "/signin-oidc";
            o.SignedOutCallbackPath = "/signout-callback-oidc";
            // The provider sends the browser back with a top-level GET (response_mode=query): Lax is enough, and over plain
            // http (a first start on loopback) the cookies must not be Secure-only.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = secure;
            o.Scope.Clear();
            o.Scope.Add(Scopes.OpenId);
            o.Scope.Add(Scopes.Profile);
            o.TokenValidationParameters.NameClaimType = CallerClaims.Name;
            o.TokenValidationParameters.RoleClaimType = CallerClaims.Role;
            if (external is null)
            {
                o.ClientId = Identity.Clients.ClientStore.WebClientId;
                o.ConfigurationManager = embedded;
                o.Scope.Add(Scopes.Roles);
            }
            else
            {
                o.Authority = external.AbsoluteUri.TrimEnd('/');
                o.ClientId = options.OidcClientId ?? "egov";
                o.ClientSecret = options.OidcClientSecret;
                o.RequireHttpsMetadata = external.Scheme == Uri.UriSchemeHttps;
            }
            o.Events.OnRedirectToIdentityProvider = c =>
            {
                c.ProtocolMessage.RedirectUri = new Uri(address.Public, "signin-oidc").AbsoluteUri;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToIdentityProviderForSignOut = c =>
            {
                c.ProtocolMessage.PostLogoutRedirectUri = new Uri(address.Public, "anmelden?abgemeldet=1").AbsoluteUri;
                return Task.CompletedTask;
            };
            o.Events.OnTokenValidated = c =>
            {
                // The session holds our normalized claims, mapped from the provider's id token and access token.
                var identity = external is null
                    ? new ClaimMapping(CallerClaims.Role, CallerClaims.Group, CallerClaims.Tenant).Map(SessionScheme, c.TokenEndpointResponse?.IdToken, c.TokenEndpointResponse?.AccessToken)
                    : mapping.Map(SessionScheme, c.TokenEndpointResponse?.IdToken, c.TokenEndpointResponse?.AccessToken);
                if (external is null)
                {
                    // Embedded tokens carry our kind claim; the mapping reads sub/name/roles/groups/tenants the same way.
                    identity = CallerClaims.Identity(SessionScheme, c.Principal!.FindFirst(CallerClaims.Subject)!.Value,
                        identity.FindFirst(CallerClaims.Name)?.Value, CallerClaims.PersonKind,
                        identity.FindAll(CallerClaims.Role).Select(x => x.Value), identity.FindAll(CallerClaims.Group).Select(x => x.Value),
                        identity.FindAll(CallerClaims.Tenant).Select(x => x.Value));
                }
                c.Principal = new ClaimsPrincipal(identity);
                return Task.CompletedTask;
            };
            o.Events.OnRemoteFailure = c =>
            {
                Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(c.HttpContext.RequestServices)
                    .CreateLogger("EGov.Workflows.SignIn").LogWarning(c.Failure, "sign-in at the provider failed: {Message}", c.Failure?.Message);
                c.Response.Redirect("/anmelden?fehler=1");
                c.HandleResponse();
                return Task.CompletedTask;
            };
        });
        if (external is not null)
            auth.AddJwtBearer(ExternalBearer, o =>
            {
                o.MapInboundClaims = false;
                o.Authority = external.AbsoluteUri.TrimEnd('/');
                o.Audience = options.OidcAudience ?? options.OidcClientId;
                o.RequireHttpsMetadata = external.Scheme == Uri.UriSchemeHttps;
                o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                o.TokenValidationParameters.ValidateAudience = (options.OidcAudience ?? options.OidcClientId) is not null;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = c =>
                    {
                        var raw = c.SecurityToken is JsonWebToken j ? j.EncodedToken : null;
                        c.Principal = new ClaimsPrincipal(mapping.Map(ExternalBearer, raw));
                        return Task.CompletedTask;
                    },
                };
            });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, options.SignInAttemptsPerMinute), Window = TimeSpan.FromMinutes(1) }));
            o.OnRejected = (c, _) =>
            {
                c.HttpContext.Response.Redirect("/anmelden?fehler=zuviele");
                return ValueTask.CompletedTask;
            };
        });
    }

    /// <summary>Which scheme authenticates a request (routing only: the chosen scheme validates everything).</summary>
    private static string Select(HttpContext http, Uri? external)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (external is not null && IssuerOf(header[7..].Trim()) is { } iss && SameIssuer(iss, external)) return ExternalBearer;
            return EmbeddedBearer;
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && http.Request.Path.StartsWithSegments("/engine-rest"))
            return BasicClientAuthentication.SchemeName;
        // Citizens (BundID) have their own session, read only on their pages and API: it never reaches a staff endpoint.
        if (Citizens.CitizenSignIn.IsCitizenPath(http.Request.Path)) return Citizens.CitizenSignIn.Scheme;
        return SessionScheme;
    }

    private static string? IssuerOf(string token)
    {
        try { return new JsonWebTokenHandler().ReadJsonWebToken(token).Issuer; }
        catch (ArgumentException) { return null; }
    }

    private static bool SameIssuer(string issuer, Uri authority) => issuer.TrimEnd('/') == authority.AbsoluteUri.TrimEnd('/');

    /// <summary>OpenIddict's destinations: which claims go into the access token and the id token.</summary>
    internal static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        CallerClaims.Name or CallerClaims.Role or CallerClaims.Group or CallerClaims.Tenant or CallerClaims.Kind or "preferred_username"
            => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        _ => [OpenIddictConstants.Destinations.AccessToken],
    };
}
