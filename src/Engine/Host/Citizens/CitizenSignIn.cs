using System.Net;
using System.Security.Claims;
using System.Text;
using EGov.Workflows.Host.Citizens.Saml;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Identity.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// Citizens sign in with BundID; this server is the SAML 2.0 service provider (Web Browser SSO, HTTP-POST binding):
/// <c>GET /saml/metadata</c> (to register with BundID), <c>GET /buerger/anmelden?niveau=&amp;returnUrl=</c> (a signed
/// AuthnRequest with the level, recorded for InResponseTo and bound to the browser by the cookie <c>egov.saml</c>),
/// <c>POST /saml/acs</c> (the verified response becomes a citizen session, cookie <c>egov.buerger</c>, apart from the
/// staff's session), <c>POST /buerger/abmelden</c>, <c>GET /buerger</c> and <c>GET /api/citizen/me</c>.
/// </summary>
public static class CitizenSignIn
{
    public const string Scheme = "egov.buerger", RequestCookie = "egov.saml";

    internal static void AddEGovCitizens(this IServiceCollection services, ServeOptions serve, IdentityDatabase identity, ServerAddress address)
    {
        var options = BundIdOptions.From(serve.Configuration);
        services.AddSingleton(options);
        services.AddSingleton(new IdpMetadataSource(options));
        services.AddSingleton(new SamlResponseVerifier(options));
        services.AddSingleton(new SamlStateStore(identity));
        services.AddSingleton(new CitizenCaseStore(identity));
        Status.StatusEndpoints.AddEGovCitizenStatus(services, identity, serve.Configuration);
        // The citizens' e-mails (confirmation, Rückfrage) through the outbox of migration 0028, sent by every node.
        services.AddSingleton(sp => new CitizenMails(serve.Configuration ?? new ConfigurationBuilder().Build(),
            new Activities.Notifications.MailKitTransport(), sp.GetRequiredService<ServerAddress>()));
        services.AddSingleton(new CitizenMailOutbox(identity));
        services.AddSingleton(sp => new CitizenMailSender(sp.GetRequiredService<CitizenMailOutbox>(), sp.GetRequiredService<CitizenMails>(),
            sp.GetRequiredService<Tenancy.TenantEngines>(),
            new CitizenMailSchedule(serve.NodeId ?? $"{Environment.MachineName}:{Environment.ProcessId}", serve.JobPollInterval)
            {
                Retry = serve.AssignmentMailRetry, Attempts = Math.Max(1, serve.AssignmentMailAttempts), // the same retry settings as e-mail on assignment
            },
            TimeProvider.System, sp.GetRequiredService<ILogger<CitizenMailSender>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CitizenMailSender>());
        services.AddSingleton(new CitizenDraftStore(identity, TimeSpan.FromDays(Math.Max(1, serve.Configuration?.GetValue("Citizens:DraftDays", 30) ?? 30))));
        services.AddSingleton(_ => SpCredentials.LoadOrCreateAsync(identity).GetAwaiter().GetResult());
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "egov.buerger";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = serve.PublicUrl?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.SessionIdleTimeout;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
        });
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<DbTicketStore>((o, store) => o.SessionStore = store);
    }

    /// <summary>The paths a citizen session is read on: the citizen pages, their API and the SAML endpoints.</summary>
    public static bool IsCitizenPath(PathString path) =>
        path.StartsWithSegments("/buerger") || path.StartsWithSegments("/api/citizen") || path.StartsWithSegments("/saml");

    /// <summary>The entity id (configured, else the metadata's address) and the assertion consumer service.</summary>
    internal static (string EntityId, Uri Acs) Endpoints(BundIdOptions options, ServerAddress address) =>
        (options.EntityId is { Length: > 0 } e ? e : new Uri(address.Public, "saml/metadata").AbsoluteUri, new Uri(address.Public, "saml/acs"));

    internal static IEndpointRouteBuilder MapCitizens(this IEndpointRouteBuilder app)
    {
        app.MapGet("/saml/metadata", (BundIdOptions options, ServerAddress address, SpCredentials credentials) =>
            {
                var (entityId, acs) = Endpoints(options, address);
                return Results.Content(SamlMessages.Metadata(entityId, acs, credentials, options.OrganizationDisplayName), "application/samlmetadata+xml", Encoding.UTF8);
            })
            .WithName("SamlMetadata").RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapGet("/saml/autopost.js", (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=3600";
                http.Response.Headers.XContentTypeOptions = "nosniff";
                return Results.Text("document.addEventListener('DOMContentLoaded',function(){var f=document.getElementById('saml');if(f){f.submit();}});", "text/javascript", Encoding.UTF8);
            })
            .WithName("SamlAutoPost").RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapGet("/buerger/anmelden", StartAsync)
            .WithName("CitizenSignInStart").RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapPost("/saml/acs", AcsAsync)
            .WithName("SamlAssertionConsumer").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt()).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/buerger/abmelden", async (HttpContext http) =>
            {
                await http.SignOutAsync(Scheme);
                return Results.Redirect("/buerger?abgemeldet=1");
            })
            .WithName("CitizenSignOut").RequirePermission(Permission.Public).DisableAntiforgery().ExcludeFromDescription();

        app.MapGet("/buerger", (HttpContext http, string? abgemeldet) =>
            {
                var citizen = CitizenIdentity.From(http.User);
                return CitizenPages.Html(http, CitizenPages.Start(citizen, CsrfToken(http), abgemeldet == "1"));
            })
            .WithName("PageCitizenStart").WithMetadata(new PageEndpoint()).RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapGet("/api/citizen/me", (HttpContext http) =>
            {
                var citizen = Current(http);
                return Results.Ok(new
                {
                    owner = citizen.Owner, displayName = citizen.DisplayName, trustLevel = citizen.Level.Eidas(), trustLevelStork = citizen.Level.ClassRef(),
                    authenticatedAt = citizen.AuthenticatedAt, attributes = citizen.Attributes().Where(a => a.Name != "pseudonym").ToDictionary(a => a.Name, a => a.Value),
                });
            })
            .WithName("CitizenMe").WithSummary("The signed-in citizen (BundID): level, sign-in time and the identity attributes (never the bPK2 itself)")
            .RequirePermission(Permission.CitizenSelf);
        app.MapCitizenServices();
        app.MapCitizenCases();
        Status.StatusEndpoints.MapCitizenStatus(app);
        Status.InquiryEndpoints.MapInquiries(app);
        app.MapCitizenApplication();
        return app;
    }

    /// <summary>The signed-in citizen of a request that passed <see cref="Permission.CitizenSelf"/> (a staff account with the role gets 403).</summary>
    public static CitizenIdentity Current(HttpContext http) =>
        CitizenIdentity.From(http.User) ?? throw Refusals.Forbidden(http, "only a citizen signed in with BundID has citizen data");

    private static async Task<IResult> StartAsync(HttpContext http, BundIdOptions options, ServerAddress address, IdpMetadataSource idpSource,
        SpCredentials credentials, SamlStateStore store, ILogger<SamlResponseVerifier> log, string? niveau, string? returnUrl)
    {
        var back = SignInEndpoints.LocalUrl(returnUrl) ?? "/buerger";
        if (!options.Enabled) return Refusal(http, SamlRefusal.NotConfigured, back, null, 503);
        var requested = TrustLevels.Parse(niveau) ?? options.DefaultLevel;
        if (requested < options.DefaultLevel) requested = options.DefaultLevel;
        IdpMetadata idp;
        try { idp = await idpSource.GetAsync(http.RequestAborted); }
        catch (Exception e) when (e is IOException or HttpRequestException or FormatException or TaskCanceledException or System.Xml.XmlException)
        {
            log.LogError("BundID metadata cannot be loaded from the configured source: {Message}", e.Message);
            return Refusal(http, SamlRefusal.NotConfigured, back, null, 503);
        }
        var (entityId, acs) = Endpoints(options, address);
        var id = SamlMessages.NewId();
        var signedIn = CitizenIdentity.From(http.User) is not null; // a step-up: BundID must authenticate again
        var xml = SamlMessages.AuthnRequest(id, DateTimeOffset.UtcNow, entityId, acs, idp, requested, credentials, options, forceAuthn: signedIn);
        await store.AddRequestAsync(id, back, (int)requested, options.RequestLifetime, http.RequestAborted);
        http.Response.Cookies.Append(RequestCookie, id, new CookieOptions
        {
            HttpOnly = true, Path = "/saml", IsEssential = true, MaxAge = options.RequestLifetime,
            // BundID posts the answer from its own site: over https the cookie must travel with that cross-site POST.
            SameSite = address.IsHttps ? SameSiteMode.None : SameSiteMode.Lax, Secure = address.IsHttps,
        });
        var html = CitizenPages.AutoPost(idp.SingleSignOnPost, "SAMLRequest", Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)), relayState: null);
        return CitizenPages.Html(http, html, formAction: idp.SingleSignOnPost.GetLeftPart(UriPartial.Authority));
    }

    private static async Task<IResult> AcsAsync(HttpContext http, BundIdOptions options, ServerAddress address, IdpMetadataSource idpSource,
        SpCredentials credentials, SamlResponseVerifier verifier, SamlStateStore store, TenantEngines engines, ILogger<SamlResponseVerifier> log)
    {
        if (!options.Enabled) return Refusal(http, SamlRefusal.NotConfigured, "/buerger", null, 503);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        PendingSamlRequest? pending = null;
        try
        {
            IdpMetadata idp;
            try { idp = await idpSource.GetAsync(http.RequestAborted); }
            catch (Exception e) when (e is IOException or HttpRequestException or FormatException or TaskCanceledException or System.Xml.XmlException)
            {
                throw new SamlException(SamlRefusal.NotConfigured, "the identity provider's metadata cannot be loaded: " + e.Message);
            }
            var (entityId, acs) = Endpoints(options, address);
            var verified = verifier.Verify(form["SAMLResponse"].ToString(), new SamlExpectations(entityId, acs, idp, credentials, DateTimeOffset.UtcNow));
            if (await store.WasUsedAsync(verified.Issuer, verified.AssertionId, http.RequestAborted))
                throw new SamlException(SamlRefusal.Replayed, "the assertion id was used before");
            pending = await store.FindRequestAsync(verified.InResponseTo, http.RequestAborted)
                ?? throw new SamlException(SamlRefusal.UnknownRequest, "InResponseTo names no open request (unknown, answered or expired)");
            if (http.Request.Cookies[RequestCookie] != pending.Id)
                throw new SamlException(SamlRefusal.UnknownRequest, "the request was not sent from this browser (cookie egov.saml missing or another)");
            if ((int)verified.Citizen.Level < pending.Level)
                throw new SamlException(SamlRefusal.LevelTooLow, $"level {verified.Citizen.Level.ClassRef()} reached, STORK-QAA-Level-{pending.Level} required");
            switch (await store.ConsumeAsync(pending.Id, verified.Issuer, verified.AssertionId, verified.KeepUntil, http.RequestAborted))
            {
                case SamlConsumeResult.AssertionReplayed: throw new SamlException(SamlRefusal.Replayed, "the assertion id was used before");
                case SamlConsumeResult.UnknownRequest: throw new SamlException(SamlRefusal.UnknownRequest, "the request was answered meanwhile");
            }
            var principal = new ClaimsPrincipal(verified.Citizen.ToClaims(Scheme, engines.DefaultTenantId));
            await http.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
            http.Response.Cookies.Delete(RequestCookie, new CookieOptions { Path = "/saml" });
            if (log.IsEnabled(LogLevel.Information)) log.LogInformation("citizen signed in with BundID at {Level}", verified.Citizen.Level.ClassRef());
            return Results.Redirect(pending.ReturnUrl, permanent: false, preserveMethod: false);
        }
        catch (SamlException e)
        {
            // The reason and a technical detail for operators; never a name, a pseudonym or the response itself.
            log.LogWarning("refused BundID response from {Address}: {Reason}: {Detail}", http.Connection.RemoteIpAddress, e.Reason, e.Message);
            return Refusal(http, e.Reason, pending?.ReturnUrl ?? "/buerger", pending is null ? null : (TrustLevel)pending.Level,
                e.Reason == SamlRefusal.NotConfigured ? 503 : e.Reason is SamlRefusal.Malformed ? 400 : 403);
        }
    }

    private static IResult Refusal(HttpContext http, SamlRefusal reason, string back, TrustLevel? level, int status)
    {
        var (title, text) = SamlException.German(reason);
        var retry = "/buerger/anmelden?" + (level is { } l ? "niveau=" + l.Eidas() + "&" : "") + "returnUrl=" + Uri.EscapeDataString(back);
        var label = reason == SamlRefusal.LevelTooLow && level is { } need ? $"Mit Vertrauensniveau „{need.German()}“ anmelden" : "Erneut anmelden";
        return CitizenPages.Html(http, CitizenPages.Refused(title, text, retry, label), status);
    }

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
