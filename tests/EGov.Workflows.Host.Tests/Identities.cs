using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Real identities for tests: machine clients with a bearer token from the server's token endpoint (client credentials),
/// and persons signed in through the real code flow (sign-in form included) holding a web session, whose client sends
/// the CSRF header on changes as the pages do.
/// </summary>
public sealed class Identities(RunningServer server) : IDisposable
{
    public static readonly string[] AllRoles = [.. RolePermissions.Roles];
    public const string Password = "ein-langes-Passwort-1";
    private readonly List<IDisposable> _owned = [];

    /// <summary>Creates a client and answers its secret.</summary>
    public async Task<string> CreateClientAsync(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? tenants = null, IReadOnlyList<string>? topics = null)
    {
        using var scope = server.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ClientStore>().CreateAsync(name, roles, tenants ?? [], topics ?? []);
    }

    /// <summary>Creates a client and fetches a bearer token for it (client credentials).</summary>
    public async Task<string> ClientTokenAsync(string name, IReadOnlyList<string> roles, IReadOnlyList<string>? tenants = null, IReadOnlyList<string>? topics = null)
    {
        var secret = await CreateClientAsync(name, roles, tenants, topics);
        return await TokenAsync(name, secret);
    }

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    /// <summary>An HttpClient authenticated as a new machine client (bearer token).</summary>
    public async Task<HttpClient> ClientAsync(string name, string[] roles, string? tenant = null, string[]? topics = null)
    {
        var token = await ClientTokenAsync(name, roles, tenant is null ? [] : [tenant], topics);
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _owned.Add(http);
        return http;
    }

    /// <summary>Creates a local account with <see cref="Password"/> (or answers its one-time password when <paramref name="oneTime"/>).</summary>
    public async Task<string?> CreatePersonAsync(string name, string[] roles, string[]? groups = null, string? tenant = null, bool oneTime = false)
    {
        var accounts = server.App.Services.GetRequiredService<AccountStore>();
        return await accounts.CreateAsync(new NewAccount(name, name.ToUpperInvariant(), roles, groups ?? [], tenant is null ? [] : [tenant]), oneTime ? null : Password);
    }

    /// <summary>A person signed in through the browser flow: /signin → /connect/authorize → /anmelden (form post) → /signin-oidc.</summary>
    public async Task<HttpClient> PersonAsync(string name, string[] roles, string[]? groups = null, string? tenant = null)
    {
        await CreatePersonAsync(name, roles, groups, tenant);
        var (http, cookies) = Browser();
        using var signedIn = await SignInAsync(http, cookies, name, Password, "/api/me");
        var body = await signedIn.Content.ReadAsStringAsync();
        ((int)signedIn.StatusCode).ShouldBe(200, signedIn.RequestMessage!.RequestUri + " " + body);
        JsonNode.Parse(body)!["id"]!.GetValue<string>().ShouldBe(name);
        return http;
    }

    /// <summary>A cookie-keeping client that follows redirects and sends the CSRF header on changes (as the pages' fetch does).</summary>
    public (HttpClient Http, CookieContainer Cookies) Browser(bool sendCsrfHeader = true)
    {
        var cookies = new CookieContainer();
        var inner = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true, MaxAutomaticRedirections = 20 };
        HttpMessageHandler handler = sendCsrfHeader ? new CsrfHeader(cookies, server.BaseAddress) { InnerHandler = inner } : inner;
        var http = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _owned.Add(http);
        return (http, cookies);
    }

    /// <summary>Runs the browser flow to <paramref name="returnUrl"/> with a name and password; answers the last response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient http, CookieContainer cookies, string name, string password, string returnUrl = "/api/me")
    {
        // Unauthenticated: /signin starts the flow; the provider sends us to its sign-in page (which sets the CSRF cookie).
        using var page = await http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var signInPage = page.RequestMessage!.RequestUri!;
        signInPage.AbsolutePath.ShouldBe("/anmelden", $"expected the sign-in page, got {(int)page.StatusCode} {signInPage}");
        var back = System.Web.HttpUtility.ParseQueryString(signInPage.Query)["ReturnUrl"]!;
        return await PostSignInFormAsync(http, cookies, name, password, back);
    }

    public async Task<HttpResponseMessage> PostSignInFormAsync(HttpClient http, CookieContainer cookies, string name, string password, string returnUrl)
    {
        var csrf = cookies.GetCookies(server.BaseAddress)[Csrf.CookieName]?.Value ?? "";
        return await http.PostAsync("/anmelden", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = name, ["password"] = password, ["ReturnUrl"] = returnUrl, [Csrf.FormField] = csrf,
        }));
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }

    private sealed class CsrfHeader(CookieContainer cookies, Uri baseAddress) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && cookies.GetCookies(baseAddress)[Csrf.CookieName] is { } c)
                request.Headers.TryAddWithoutValidation(Csrf.HeaderName, c.Value);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
