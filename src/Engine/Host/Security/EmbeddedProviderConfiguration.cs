using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// The embedded provider's metadata as the server's own OIDC client and bearer validation see it, without asking itself
/// over HTTP for discovery: issuer and browser-facing endpoints at the public address, the token endpoint at the local
/// one (the server redeems codes at itself), and its signing key.
/// </summary>
internal sealed class EmbeddedProviderConfiguration(ServerAddress address, SecurityKey signingKey) : IConfigurationManager<OpenIdConnectConfiguration>
{
    private OpenIdConnectConfiguration? _configuration;

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => Task.FromResult(_configuration ??= Build());

    public void RequestRefresh() { }

    private OpenIdConnectConfiguration Build()
    {
        var c = new OpenIdConnectConfiguration
        {
            Issuer = address.Public.AbsoluteUri,
            AuthorizationEndpoint = new Uri(address.Public, "connect/authorize").AbsoluteUri,
            TokenEndpoint = new Uri(address.Local, "connect/token").AbsoluteUri,
            EndSessionEndpoint = new Uri(address.Public, "connect/endsession").AbsoluteUri,
        };
        c.SigningKeys.Add(signingKey);
        return c;
    }
}
