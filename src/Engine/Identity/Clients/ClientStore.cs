using System.Security.Cryptography;
using System.Text.Json;
using EGov.Workflows.Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EGov.Workflows.Identity.Clients;

/// <summary>A machine client (a Camunda worker, another system): its roles, tenants and, for workers, the topics it may fetch.</summary>
public sealed record ClientInfo(string ClientId, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Tenants, IReadOnlyList<string> Topics, bool Disabled);

/// <summary>
/// Machine clients as OpenIddict applications (confidential, client credentials grant; the secret stored hashed by
/// OpenIddict and printed once), with our properties: roles, tenants, topics, disabled. Also registers the web pages'
/// own client (<see cref="WebClientId"/>: authorization code with PKCE, redirect to <c>/signin-oidc</c>).
/// </summary>
public sealed class ClientStore(IOpenIddictApplicationManager applications)
{
    public const string WebClientId = "egov-web";
    private const string RolesProperty = "egov_roles", TenantsProperty = "egov_tenants", TopicsProperty = "egov_topics", DisabledProperty = "egov_disabled";

    /// <summary>Creates a client and answers its secret (given, or a new random one).</summary>
    public async Task<string> CreateAsync(string clientId, IReadOnlyList<string> roles, IReadOnlyList<string> tenants, IReadOnlyList<string> topics,
        string? secret = null, string? displayName = null, CancellationToken cancel = default)
    {
        if (!AccountStore.IsValidName(clientId) || clientId == WebClientId)
            throw new ArgumentException($"'{clientId}' is not a valid client name: 1–64 letters, digits, '.', '-', '_' or '@' (and not {WebClientId})");
        if (await applications.FindByClientIdAsync(clientId, cancel) is not null)
            throw new NameTakenException($"a client named '{clientId}' exists already");
        secret ??= NewSecret();
        var d = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId, ClientSecret = secret, ClientType = ClientTypes.Confidential, DisplayName = displayName ?? clientId,
        };
        d.Permissions.Add(Permissions.Endpoints.Token);
        d.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        d.Properties[RolesProperty] = JsonSerializer.SerializeToElement(roles);
        d.Properties[TenantsProperty] = JsonSerializer.SerializeToElement(tenants);
        d.Properties[TopicsProperty] = JsonSerializer.SerializeToElement(topics);
        d.Properties[DisabledProperty] = JsonSerializer.SerializeToElement(false);
        await applications.CreateAsync(d, cancel);
        return secret;
    }

    public async Task<IReadOnlyList<ClientInfo>> ListAsync(CancellationToken cancel = default)
    {
        var list = new List<ClientInfo>();
        await foreach (var app in applications.ListAsync(count: null, offset: null, cancel))
        {
            var info = await InfoAsync(app, cancel);
            if (info.ClientId != WebClientId) list.Add(info);
        }
        return list.OrderBy(c => c.ClientId, StringComparer.Ordinal).ToList();
    }

    /// <summary>One page of the machine clients (by id, the web client left out) and how many there are: read and counted in SQL.</summary>
    public async Task<(IReadOnlyList<ClientInfo> Items, long Total)> PageAsync(int offset, int limit, CancellationToken cancel = default)
    {
        static IQueryable<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication> Clients(IQueryable<object> q) =>
            q.Cast<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId != WebClientId);
        var total = await applications.CountAsync(Clients, cancel);
        var list = new List<ClientInfo>();
        if (total <= offset) return (list, total);
        await foreach (var app in applications.ListAsync(q => Clients(q).OrderBy(a => a.ClientId).Skip(offset).Take(limit), cancel))
            list.Add(await InfoAsync(app, cancel));
        return (list, total);
    }

    public async Task<ClientInfo?> FindAsync(string clientId, CancellationToken cancel = default) =>
        await applications.FindByClientIdAsync(clientId, cancel) is { } app ? await InfoAsync(app, cancel) : null;

    /// <summary>The client when the secret is right and it is not disabled (HTTP Basic for Camunda workers), else null.</summary>
    public async Task<ClientInfo?> ValidateSecretAsync(string clientId, string secret, CancellationToken cancel = default)
    {
        if (clientId == WebClientId || await applications.FindByClientIdAsync(clientId, cancel) is not { } app) return null;
        if (!await applications.ValidateClientSecretAsync(app, secret, cancel)) return null;
        var info = await InfoAsync(app, cancel);
        return info.Disabled ? null : info;
    }

    /// <summary>Disables (no more tokens, no Basic) or enables a client; false when there is none of that name.</summary>
    public async Task<bool> SetDisabledAsync(string clientId, bool disabled, CancellationToken cancel = default)
    {
        if (clientId == WebClientId || await applications.FindByClientIdAsync(clientId, cancel) is not { } app) return false;
        var d = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(d, app, cancel);
        d.Properties[DisabledProperty] = JsonSerializer.SerializeToElement(disabled);
        if (disabled) d.Permissions.Remove(Permissions.GrantTypes.ClientCredentials);
        else d.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        await applications.UpdateAsync(app, d, cancel);
        return true;
    }

    /// <summary>
    /// Registers the web pages' client, or adds redirect addresses to it: several nodes of one store each add theirs, often at
    /// the same moment. A node whose write lost the race reads the registration again (in a fresh scope: the failed write
    /// stays in its unit of work) and adds its addresses to the winner's; giving up instead left that node's sign-in refused
    /// by the provider (redirect_uri not registered).
    /// </summary>
    public static async Task EnsureWebClientAsync(IServiceScopeFactory scopes, IEnumerable<Uri> redirectUris, IEnumerable<Uri> postLogoutRedirectUris,
        CancellationToken cancel = default)
    {
        const int attempts = 10;
        var redirects = redirectUris.ToList();
        var postLogout = postLogoutRedirectUris.ToList();
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<ClientStore>().EnsureWebClientAsync(redirects, postLogout, cancel);
                return;
            }
            // Lost races surface three ways: a concurrency token, a unique index, or — when the other node's client appeared
            // between our read and our create — OpenIddict's own check that the client id is new (a ValidationException).
            catch (Exception e) when (attempt < attempts && e is OpenIddictExceptions.ConcurrencyException or OpenIddictExceptions.ValidationException
                                          or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * attempt), cancel);
            }
        }
    }

    /// <summary>One attempt of the above; a concurrent registration by another node makes it throw.</summary>
    public async Task EnsureWebClientAsync(IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri> postLogoutRedirectUris, CancellationToken cancel = default)
    {
        var app = await applications.FindByClientIdAsync(WebClientId, cancel);
        var d = new OpenIddictApplicationDescriptor();
        if (app is not null) await applications.PopulateAsync(d, app, cancel);
        var before = (d.RedirectUris.Count, d.PostLogoutRedirectUris.Count);
        foreach (var u in redirectUris) d.RedirectUris.Add(u);
        foreach (var u in postLogoutRedirectUris) d.PostLogoutRedirectUris.Add(u);
        if (app is not null && before == (d.RedirectUris.Count, d.PostLogoutRedirectUris.Count)) return;
        d.ClientId = WebClientId;
        d.ClientType = ClientTypes.Public;
        d.DisplayName = "EGov.Workflows web pages";
        d.ConsentType = ConsentTypes.Implicit;
        foreach (var p in new[]
                 {
                     Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                     Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                     Permissions.Scopes.Profile, Permissions.Scopes.Roles, Permissions.Prefixes.Scope + "egov",
                 })
            d.Permissions.Add(p);
        d.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        if (app is null) await applications.CreateAsync(d, cancel);
        else await applications.UpdateAsync(app, d, cancel);
    }

    private async Task<ClientInfo> InfoAsync(object app, CancellationToken cancel)
    {
        var props = await applications.GetPropertiesAsync(app, cancel);
        IReadOnlyList<string> List(string key) =>
            props.TryGetValue(key, out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        var disabled = props.TryGetValue(DisabledProperty, out var dis) && dis.ValueKind == JsonValueKind.True;
        return new ClientInfo((await applications.GetClientIdAsync(app, cancel))!, await applications.GetDisplayNameAsync(app, cancel),
            List(RolesProperty), List(TenantsProperty), List(TopicsProperty), disabled);
    }

    /// <summary>256 random bits, base64url.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
