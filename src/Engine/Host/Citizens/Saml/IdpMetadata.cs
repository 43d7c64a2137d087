using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>
/// What this service provider trusts of the identity provider, read from its SAML metadata: its entity id, where the
/// AuthnRequest goes (SingleSignOnService with the HTTP-POST binding) and the certificates its signatures must verify
/// with (KeyDescriptor use="signing" or without use). Nothing a response carries itself (its KeyInfo) is ever trusted.
/// </summary>
public sealed record IdpMetadata(string EntityId, Uri SingleSignOnPost, IReadOnlyList<X509Certificate2> SigningCertificates)
{
    private const string PostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

    /// <summary>Parses an EntityDescriptor (or the first IdP of an EntitiesDescriptor); throws <see cref="FormatException"/> naming what is missing.</summary>
    public static IdpMetadata Parse(string xml)
    {
        var doc = SamlXml.Load(xml);
        var entity = doc.DocumentElement is { LocalName: "EntityDescriptor", NamespaceURI: SamlXml.Md } e ? e
            : doc.DocumentElement?.GetElementsByTagName("EntityDescriptor", SamlXml.Md).OfType<XmlElement>()
                .FirstOrDefault(x => x.GetElementsByTagName("IDPSSODescriptor", SamlXml.Md).Count > 0)
            ?? throw new FormatException("the metadata has no EntityDescriptor with an IDPSSODescriptor");
        var entityId = entity.GetAttribute("entityID");
        if (string.IsNullOrWhiteSpace(entityId)) throw new FormatException("the EntityDescriptor has no entityID");
        var idp = SamlXml.Children(entity, SamlXml.Md, "IDPSSODescriptor").FirstOrDefault()
            ?? throw new FormatException($"the entity '{entityId}' has no IDPSSODescriptor");
        var sso = SamlXml.Children(idp, SamlXml.Md, "SingleSignOnService").FirstOrDefault(s => s.GetAttribute("Binding") == PostBinding)?.GetAttribute("Location");
        if (!Uri.TryCreate(sso, UriKind.Absolute, out var ssoUri) || (ssoUri.Scheme != Uri.UriSchemeHttps && ssoUri.Scheme != Uri.UriSchemeHttp))
            throw new FormatException($"the identity provider '{entityId}' has no SingleSignOnService with the HTTP-POST binding");
        var certs = new List<X509Certificate2>();
        foreach (var key in SamlXml.Children(idp, SamlXml.Md, "KeyDescriptor"))
        {
            var use = key.GetAttribute("use");
            if (use.Length > 0 && use != "signing") continue;
            foreach (XmlElement c in key.GetElementsByTagName("X509Certificate", SamlXml.Ds))
            {
                try { certs.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(string.Concat(c.InnerText.Where(ch => !char.IsWhiteSpace(ch)))))); }
                catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
                {
                    throw new FormatException($"a signing certificate of '{entityId}' cannot be read: {ex.Message}");
                }
            }
        }
        if (certs.Count == 0) throw new FormatException($"the identity provider '{entityId}' names no signing certificate");
        return new IdpMetadata(entityId, ssoUri, certs);
    }
}

/// <summary>
/// Loads the identity provider's metadata from a file or URL on first use and keeps it for an hour (a URL) or until the
/// file changes; a failed load is retried on the next sign-in, so the server can start before the identity provider.
/// </summary>
public sealed class IdpMetadataSource(BundIdOptions options, IHttpClientFactory? http = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IdpMetadata Metadata, DateTimeOffset LoadedAt, DateTime FileTime)? _cached;

    public async Task<IdpMetadata> GetAsync(CancellationToken cancel = default)
    {
        var source = options.IdpMetadata ?? throw new InvalidOperationException("BundId:IdpMetadata is not configured");
        var isUrl = source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (_cached is { } c && Fresh(c, isUrl, source)) return c.Metadata;
        await _gate.WaitAsync(cancel);
        try
        {
            if (_cached is { } again && Fresh(again, isUrl, source)) return again.Metadata;
            string xml;
            if (isUrl)
            {
                using var client = http?.CreateClient("bundid-metadata") ?? new HttpClient();
                client.Timeout = TimeSpan.FromSeconds(10);
                xml = await client.GetStringAsync(new Uri(source), cancel);
            }
            else xml = await File.ReadAllTextAsync(source, cancel);
            var metadata = IdpMetadata.Parse(xml);
            _cached = (metadata, DateTimeOffset.UtcNow, isUrl ? default : File.GetLastWriteTimeUtc(source));
            return metadata;
        }
        finally { _gate.Release(); }
    }

    public void Dispose() => _gate.Dispose();

    private static bool Fresh((IdpMetadata, DateTimeOffset LoadedAt, DateTime FileTime) c, bool isUrl, string source) =>
        isUrl ? DateTimeOffset.UtcNow - c.LoadedAt < TimeSpan.FromHours(1) : File.GetLastWriteTimeUtc(source) == c.FileTime;
}
