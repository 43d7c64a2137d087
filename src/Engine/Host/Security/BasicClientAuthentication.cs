using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EGov.Workflows.Identity.Clients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// HTTP Basic for Camunda workers that cannot fetch a token (only on /engine-rest): the client id and secret of a
/// machine client, checked against the stored (hashed) secret. A successful check is remembered for a minute by a hash
/// of id and secret, so a worker polling every 100 ms does not run the password hash each time; a disabled client or a
/// changed secret takes effect within that minute.
/// </summary>
internal sealed class BasicClientAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Basic";
    private static readonly ConcurrentDictionary<string, (ClientInfo Client, DateTimeOffset Until)> Recent = new(StringComparer.Ordinal);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        string id, secret;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter ?? ""));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) return AuthenticateResult.Fail("Basic credentials are not client-id:secret");
            (id, secret) = (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException) { return AuthenticateResult.Fail("Basic credentials are not base64"); }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id + "\n" + secret)));
        var now = TimeProvider.System.GetUtcNow();
        ClientInfo? client = Recent.TryGetValue(key, out var hit) && hit.Until > now ? hit.Client : null;
        if (client is null)
        {
            client = await Context.RequestServices.GetRequiredService<ClientStore>().ValidateSecretAsync(id, secret, Context.RequestAborted);
            if (client is null) return AuthenticateResult.Fail("unknown client, wrong secret or disabled client");
            if (Recent.Count > 10_000) Recent.Clear();
            Recent[key] = (client, now.AddMinutes(1));
        }
        var identity = CallerClaims.Identity(SchemeName, client.ClientId, client.DisplayName, CallerClaims.ClientKind,
            client.Roles, [], client.Tenants, client.Topics);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
