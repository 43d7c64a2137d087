using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// The server's addresses once it listens: <see cref="Public"/> (the issuer of the embedded provider and the base of the
/// sign-in redirects: <c>--public-url</c>, else the first listening address) and <see cref="Local"/> (a loopback address
/// the server reaches itself on, for redeeming codes at its own token endpoint).
/// </summary>
public sealed class ServerAddress(string? publicUrl)
{
    private IServer? _server;
    private Uri? _public, _local;

    internal void Attach(IServer server) => _server = server;

    /// <summary>With a trailing slash, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Public => _public ??= publicUrl is { Length: > 0 } p ? WithSlash(p) : Local;

    public Uri Local => _local ??= Listening();

    public bool IsHttps => Public.Scheme == Uri.UriSchemeHttps;

    private Uri Listening()
    {
        var address = _server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the server does not listen yet");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::") uri.Host = "127.0.0.1";
        return WithSlash(uri.Uri.ToString());
    }

    private static Uri WithSlash(string url) => new(url.TrimEnd('/') + "/");
}
