using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>
/// The messages this service provider writes: its metadata (entity id, ACS with the HTTP-POST binding, signing and
/// encryption certificates, AuthnRequestsSigned and WantAssertionsSigned) and signed AuthnRequests (RSA-SHA256, exclusive
/// canonicalization, enveloped) with the requested trust level as RequestedAuthnContext (minimum) and BundID's akdb
/// extension naming the attributes wanted.
/// </summary>
public static class SamlMessages
{
    /// <summary>The attributes requested from BundID (OIDs as in the operator's documentation).</summary>
    public static readonly IReadOnlyList<string> RequestedAttributes =
    [
        BundIdAttributes.BPk2, BundIdAttributes.GivenName, BundIdAttributes.Surname, BundIdAttributes.BirthDate, BundIdAttributes.BirthName,
        BundIdAttributes.PlaceOfBirth, BundIdAttributes.PostalAddress, BundIdAttributes.PostalCode, BundIdAttributes.Locality,
        BundIdAttributes.Country, BundIdAttributes.Mail, BundIdAttributes.PersonalTitle, BundIdAttributes.TrustLevel, BundIdAttributes.ProvedBy,
    ];

    public static string Metadata(string entityId, Uri acs, SpCredentials credentials, string? organization)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<md:EntityDescriptor xmlns:md=\"{SamlXml.Md}\" xmlns:ds=\"{SamlXml.Ds}\" entityID=\"{Esc(entityId)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"true\" protocolSupportEnumeration=\"{SamlXml.Protocol}\">");
        sb.Append(KeyDescriptor("signing", credentials.Signing));
        sb.Append(KeyDescriptor("encryption", credentials.Encryption,
            "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/><md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\"/>" +
            "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/>"));
        sb.Append("<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>");
        sb.Append(CultureInfo.InvariantCulture, $"<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{Esc(acs.AbsoluteUri)}\" index=\"0\" isDefault=\"true\"/>");
        sb.Append("</md:SPSSODescriptor>");
        if (!string.IsNullOrWhiteSpace(organization))
            sb.Append(CultureInfo.InvariantCulture, $"<md:Organization><md:OrganizationName xml:lang=\"de\">{Esc(organization)}</md:OrganizationName><md:OrganizationDisplayName xml:lang=\"de\">{Esc(organization)}</md:OrganizationDisplayName><md:OrganizationURL xml:lang=\"de\">{Esc(acs.GetLeftPart(UriPartial.Authority))}</md:OrganizationURL></md:Organization>");
        sb.Append("</md:EntityDescriptor>");
        return sb.ToString();
    }

    private static string KeyDescriptor(string use, X509Certificate2 cert, string extra = "") =>
        $"<md:KeyDescriptor use=\"{use}\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(cert.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{extra}</md:KeyDescriptor>";

    /// <summary>A new request id: an NCName ("_" and 32 hex digits of randomness).</summary>
    public static string NewId() => "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A signed AuthnRequest for the HTTP-POST binding (the XML; the page base64-encodes it).</summary>
    public static string AuthnRequest(string id, DateTimeOffset now, string entityId, Uri acs, IdpMetadata idp, TrustLevel level,
        SpCredentials credentials, BundIdOptions options, bool forceAuthn)
    {
        ArgumentNullException.ThrowIfNull(idp);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<samlp:AuthnRequest xmlns:samlp=\"{SamlXml.Protocol}\" xmlns:saml=\"{SamlXml.Assertion}\" ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{Instant(now)}\" ");
        sb.Append(CultureInfo.InvariantCulture,
            $"Destination=\"{Esc(idp.SingleSignOnPost.AbsoluteUri)}\" AssertionConsumerServiceURL=\"{Esc(acs.AbsoluteUri)}\" ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" ForceAuthn=\"{(forceAuthn ? "true" : "false")}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<saml:Issuer>{Esc(entityId)}</saml:Issuer>");
        sb.Append(CultureInfo.InvariantCulture, $"<samlp:Extensions><akdb:AuthenticationRequest xmlns:akdb=\"{SamlXml.Akdb}\" Version=\"2\"><akdb:RequestedAttributes>");
        foreach (var name in RequestedAttributes)
            sb.Append(CultureInfo.InvariantCulture, $"<akdb:RequestedAttribute Name=\"{name}\" RequiredAttribute=\"{(name == BundIdAttributes.BPk2 ? "true" : "false")}\"/>");
        sb.Append("</akdb:RequestedAttributes>");
        if (!string.IsNullOrWhiteSpace(options.OrganizationDisplayName) || !string.IsNullOrWhiteSpace(options.OnlineServiceId))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<akdb:DisplayInformation><classic-ui:Version xmlns:classic-ui=\"{SamlXml.ClassicUi}\">");
            if (!string.IsNullOrWhiteSpace(options.OrganizationDisplayName))
                sb.Append(CultureInfo.InvariantCulture, $"<classic-ui:OrganizationDisplayName>{Esc(options.OrganizationDisplayName)}</classic-ui:OrganizationDisplayName>");
            if (!string.IsNullOrWhiteSpace(options.OnlineServiceId))
                sb.Append(CultureInfo.InvariantCulture, $"<classic-ui:OnlineServiceId>{Esc(options.OnlineServiceId)}</classic-ui:OnlineServiceId>");
            sb.Append("</classic-ui:Version></akdb:DisplayInformation>");
        }
        sb.Append("</akdb:AuthenticationRequest></samlp:Extensions>");
        sb.Append("<samlp:NameIDPolicy AllowCreate=\"true\" Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\"/>");
        sb.Append(CultureInfo.InvariantCulture,
            $"<samlp:RequestedAuthnContext Comparison=\"minimum\"><saml:AuthnContextClassRef>{level.ClassRef()}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>");
        sb.Append("</samlp:AuthnRequest>");
        return Sign(sb.ToString(), id, credentials.Signing);
    }

    /// <summary>Signs the root element (enveloped, exclusive c14n, RSA-SHA256, SHA-256 digest); the signature goes right after Issuer.</summary>
    internal static string Sign(string xml, string id, X509Certificate2 certificate)
    {
        var doc = SamlXml.Load(xml);
        var root = doc.DocumentElement!;
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("the signing certificate has no RSA private key");
        var signed = new SignedXml(doc) { SigningKey = key };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + id) { DigestMethod = SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var info = new KeyInfo();
        info.AddClause(new KeyInfoX509Data(certificate));
        signed.KeyInfo = info;
        signed.ComputeSignature();
        var signature = doc.ImportNode(signed.GetXml(), true);
        var issuer = SamlXml.Children(root, SamlXml.Assertion, "Issuer").FirstOrDefault();
        if (issuer is null) root.PrependChild(signature);
        else root.InsertAfter(signature, issuer);
        return doc.OuterXml;
    }

    internal static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Esc(string s) => System.Security.SecurityElement.Escape(s);
}
