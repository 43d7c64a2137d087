using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>What a verified response says: who signed in, at which level, and what makes it one-time.</summary>
public sealed record VerifiedSignIn(CitizenIdentity Citizen, string Issuer, string AssertionId, string InResponseTo, DateTimeOffset KeepUntil);

/// <summary>What a response is checked against.</summary>
public sealed record SamlExpectations(string EntityId, Uri Acs, IdpMetadata Idp, SpCredentials Credentials, DateTimeOffset Now);

/// <summary>
/// Verifies a BundID response (HTTP-POST binding) and reads the citizen from it. Only the identity provider's certificates
/// from its metadata count. Defence against XML signature wrapping: a signature is accepted only as the direct child of
/// the element it signs, with exactly one reference, naming that element's ID, which must occur exactly once in the whole
/// document; everything is then read by walking the direct children of the verified element, never by a search through
/// the document. The response's signature (if any) is checked before anything is decrypted; the assertion must be signed
/// itself or be the one assertion of a signed response. Then: destination and recipient (this ACS), audience (this entity
/// id), issuer, InResponseTo present, NotBefore/NotOnOrAfter with the configured skew, the STORK level reached (the lower
/// of AuthnContextClassRef and EID-CITIZEN-QAA-LEVEL), the bPK2 pseudonym. Stateless: the caller checks the request and
/// the one-time use (<see cref="Identity.Citizens.SamlStateStore"/>).
/// </summary>
public sealed class SamlResponseVerifier(BundIdOptions options)
{
    private static readonly HashSet<string> SignatureMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigRSASHA384Url, SignedXml.XmlDsigRSASHA512Url,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    };
    private static readonly HashSet<string> DigestMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigSHA256Url, SignedXml.XmlDsigSHA384Url, SignedXml.XmlDsigSHA512Url,
    };
    private static readonly HashSet<string> Transforms = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigEnvelopedSignatureTransformUrl, SignedXml.XmlDsigExcC14NTransformUrl, SignedXml.XmlDsigC14NTransformUrl,
    };

    private const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success", NoAuthnContext = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext",
        Bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    /// <summary>Verifies the form field <c>SAMLResponse</c>; throws <see cref="SamlException"/> with the reason.</summary>
    public VerifiedSignIn Verify(string? samlResponse, SamlExpectations expect)
    {
        ArgumentNullException.ThrowIfNull(expect);
        if (string.IsNullOrWhiteSpace(samlResponse) || samlResponse.Length > SamlXml.MaxCharacters * 4 / 3 + 4)
            throw new SamlException(SamlRefusal.Malformed, "no SAMLResponse, or one too large");
        XmlDocument doc;
        try { doc = SamlXml.Load(Encoding.UTF8.GetString(Convert.FromBase64String(samlResponse.Trim()))); }
        catch (Exception e) when (e is FormatException or XmlException) { throw new SamlException(SamlRefusal.Malformed, "SAMLResponse is not base64 XML: " + e.Message); }

        var response = doc.DocumentElement;
        if (response is null || response.LocalName != "Response" || response.NamespaceURI != SamlXml.Protocol || response.GetAttribute("Version") != "2.0")
            throw new SamlException(SamlRefusal.Malformed, "the root is not a SAML 2.0 samlp:Response");
        if (response.GetAttribute("Destination") != expect.Acs.AbsoluteUri)
            throw new SamlException(SamlRefusal.WrongDestination, $"Destination '{response.GetAttribute("Destination")}' is not this ACS");
        if (SamlXml.One(response, SamlXml.Assertion, "Issuer") is { } responseIssuer && responseIssuer.InnerText.Trim() != expect.Idp.EntityId)
            throw new SamlException(SamlRefusal.WrongIssuer, "the response's Issuer is not the configured identity provider");

        var status = SamlXml.One(response, SamlXml.Protocol, "Status") is { } st ? SamlXml.One(st, SamlXml.Protocol, "StatusCode") : null;
        var statusValue = status?.GetAttribute("Value");
        if (statusValue != Success)
        {
            var sub = status is null ? null : SamlXml.One(status, SamlXml.Protocol, "StatusCode")?.GetAttribute("Value");
            throw sub == NoAuthnContext
                ? new SamlException(SamlRefusal.LevelTooLow, "the identity provider could not reach the requested level (NoAuthnContext)")
                : new SamlException(SamlRefusal.Cancelled, $"status {statusValue ?? "(none)"} / {sub ?? "(none)"}");
        }

        // 1. The response's own signature, on the message as received (before decryption changes the document).
        var responseSigned = false;
        if (SamlXml.One(response, SamlXml.Ds, "Signature") is { } responseSignature)
        {
            VerifySignature(response, responseSignature, expect.Idp);
            responseSigned = true;
        }

        // 2. Exactly one assertion, encrypted to us (unless switched off), taken from the (verified) response's children.
        var plain = SamlXml.Children(response, SamlXml.Assertion, "Assertion").ToList();
        var encrypted = SamlXml.Children(response, SamlXml.Assertion, "EncryptedAssertion").ToList();
        if (plain.Count + encrypted.Count != 1) throw new SamlException(SamlRefusal.Malformed, $"{plain.Count + encrypted.Count} assertions instead of one");
        XmlElement assertion;
        if (encrypted.Count == 1) assertion = Decrypt(encrypted[0], expect.Credentials.Encryption);
        else if (options.RequireEncryptedAssertions) throw new SamlException(SamlRefusal.NotEncrypted, "the assertion is not encrypted");
        else assertion = plain[0];

        // 3. The assertion's signature; without one, only the signed response vouches for it.
        if (SamlXml.One(assertion, SamlXml.Ds, "Signature") is { } assertionSignature) VerifySignature(assertion, assertionSignature, expect.Idp);
        else if (!responseSigned) throw new SamlException(SamlRefusal.NotSigned, "neither the response nor the assertion is signed");

        return ReadAssertion(assertion, expect);
    }

    /// <summary>
    /// Accepts a signature only as the direct child of <paramref name="signedElement"/>, with one reference to its ID (which
    /// occurs once in the document), strong algorithms, only the usual transforms, and a key from the metadata.
    /// </summary>
    private static void VerifySignature(XmlElement signedElement, XmlElement signature, IdpMetadata idp)
    {
        var id = signedElement.GetAttribute("ID");
        if (id.Length == 0) throw new SamlException(SamlRefusal.Malformed, $"the signed {signedElement.LocalName} has no ID");
        var occurrences = SamlXml.CountIds(signedElement.OwnerDocument, id);
        if (occurrences != 1) throw new SamlException(SamlRefusal.SignatureInvalid, $"the ID of the signed {signedElement.LocalName} occurs {occurrences} times (signature wrapping)");
        var signed = new SignedXml(signedElement);
        try { signed.LoadXml(signature); }
        catch (CryptographicException e) { throw new SamlException(SamlRefusal.SignatureInvalid, "the signature cannot be read: " + e.Message); }
        var info = signed.SignedInfo!;
        if (info.References.Count != 1 || info.References[0] is not Reference reference)
            throw new SamlException(SamlRefusal.SignatureInvalid, $"the signature has {info.References.Count} references instead of one");
        if (reference.Uri != "#" + id)
            throw new SamlException(SamlRefusal.SignatureInvalid, $"the signature references '{reference.Uri}', not the {signedElement.LocalName} it belongs to (signature wrapping)");
        if (!SignatureMethods.Contains(info.SignatureMethod ?? "")) throw new SamlException(SamlRefusal.SignatureInvalid, $"signature method {info.SignatureMethod} is not accepted");
        if (!DigestMethods.Contains(reference.DigestMethod ?? "")) throw new SamlException(SamlRefusal.SignatureInvalid, $"digest method {reference.DigestMethod} is not accepted");
        if (info.CanonicalizationMethod is not (SignedXml.XmlDsigExcC14NTransformUrl or SignedXml.XmlDsigC14NTransformUrl))
            throw new SamlException(SamlRefusal.SignatureInvalid, $"canonicalization {info.CanonicalizationMethod} is not accepted");
        foreach (Transform t in reference.TransformChain)
            if (!Transforms.Contains(t.Algorithm ?? "")) throw new SamlException(SamlRefusal.SignatureInvalid, $"transform {t.Algorithm} is not accepted");
        foreach (var cert in idp.SigningCertificates)
        {
            bool ok;
            try { ok = signed.CheckSignature(cert, verifySignatureOnly: true); }
            catch (CryptographicException) { ok = false; }
            if (ok) return;
        }
        throw new SamlException(SamlRefusal.SignatureInvalid, $"the signature of the {signedElement.LocalName} does not verify with the identity provider's certificate");
    }

    private XmlElement Decrypt(XmlElement encryptedAssertion, X509Certificate2 certificate)
    {
        var data = SamlXml.One(encryptedAssertion, SamlXml.Xenc, "EncryptedData") ?? throw new SamlException(SamlRefusal.Malformed, "EncryptedAssertion without EncryptedData");
        var dataMethod = SamlXml.One(data, SamlXml.Xenc, "EncryptionMethod")?.GetAttribute("Algorithm");
        var encryptedKey = (SamlXml.One(data, SamlXml.Ds, "KeyInfo") is { } keyInfo ? SamlXml.One(keyInfo, SamlXml.Xenc, "EncryptedKey") : null)
            ?? SamlXml.One(encryptedAssertion, SamlXml.Xenc, "EncryptedKey")
            ?? throw new SamlException(SamlRefusal.Malformed, "no EncryptedKey for the assertion");
        var keyMethod = SamlXml.One(encryptedKey, SamlXml.Xenc, "EncryptionMethod");
        byte[] key, plain;
        try
        {
            using var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("the encryption certificate has no private key");
            key = rsa.Decrypt(CipherValue(encryptedKey), KeyPadding(keyMethod));
            plain = DecryptData(dataMethod, key, CipherValue(data));
        }
        catch (CryptographicException e) { throw new SamlException(SamlRefusal.Malformed, "the assertion cannot be decrypted with this service provider's key: " + e.Message); }
        // Parsed in place (like EncryptedXml.ReplaceData), so the prefixes declared on the response stay in scope.
        try { new EncryptedXml().ReplaceData(data, plain); }
        catch (XmlException e) { throw new SamlException(SamlRefusal.Malformed, "the decrypted assertion is not XML: " + e.Message); }
        var elements = encryptedAssertion.ChildNodes.OfType<XmlElement>().Where(e => !(e.LocalName == "EncryptedKey" && e.NamespaceURI == SamlXml.Xenc)).ToList();
        if (elements.Count != 1 || elements[0].LocalName != "Assertion" || elements[0].NamespaceURI != SamlXml.Assertion)
            throw new SamlException(SamlRefusal.Malformed, "the encrypted content is not exactly one saml:Assertion");
        return elements[0];
    }

    private static RSAEncryptionPadding KeyPadding(XmlElement? method)
    {
        var algorithm = method?.GetAttribute("Algorithm");
        var digest = method is null ? null : SamlXml.One(method, SamlXml.Ds, "DigestMethod")?.GetAttribute("Algorithm");
        var mgf = method?.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "MGF")?.GetAttribute("Algorithm");
        return algorithm switch
        {
            "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" when digest is null or SignedXml.XmlDsigSHA1Url => RSAEncryptionPadding.OaepSHA1,
            "http://www.w3.org/2009/xmlenc11#rsa-oaep" when (digest is null or SignedXml.XmlDsigSHA1Url) && (mgf is null or "http://www.w3.org/2009/xmlenc11#mgf1sha1") => RSAEncryptionPadding.OaepSHA1,
            "http://www.w3.org/2009/xmlenc11#rsa-oaep" when digest == SignedXml.XmlDsigSHA256Url && mgf == "http://www.w3.org/2009/xmlenc11#mgf1sha256" => RSAEncryptionPadding.OaepSHA256,
            _ => throw new SamlException(SamlRefusal.Malformed, $"key transport {algorithm} (digest {digest}, MGF {mgf}) is not accepted (RSA-OAEP only; RSA 1.5 is refused)"),
        };
    }

    private static byte[] DecryptData(string? algorithm, byte[] key, byte[] cipher)
    {
        var (bits, gcm) = algorithm switch
        {
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => (128, false),
            "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => (192, false),
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => (256, false),
            "http://www.w3.org/2009/xmlenc11#aes128-gcm" => (128, true),
            "http://www.w3.org/2009/xmlenc11#aes192-gcm" => (192, true),
            "http://www.w3.org/2009/xmlenc11#aes256-gcm" => (256, true),
            _ => throw new SamlException(SamlRefusal.Malformed, $"content encryption {algorithm} is not accepted"),
        };
        if (key.Length * 8 != bits) throw new CryptographicException($"the key has {key.Length * 8} bits, {algorithm} needs {bits}");
        if (gcm)
        {
            if (cipher.Length < 12 + 16) throw new CryptographicException("the GCM ciphertext is too short");
            var plain = new byte[cipher.Length - 12 - 16];
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(cipher.AsSpan(0, 12), cipher.AsSpan(12, plain.Length), cipher.AsSpan(cipher.Length - 16), plain);
            return plain;
        }
        if (cipher.Length < 32 || cipher.Length % 16 != 0) throw new CryptographicException("the CBC ciphertext has a wrong length");
        using var cbc = Aes.Create();
        cbc.Key = key;
        var padded = cbc.DecryptCbc(cipher.AsSpan(16), cipher.AsSpan(0, 16), PaddingMode.None);
        var pad = padded[^1]; // XML Encryption padding: the last byte says how many bytes to drop (the others are arbitrary)
        if (pad is 0 or > 16) throw new CryptographicException("the CBC padding is wrong");
        return padded[..^pad];
    }

    private static byte[] CipherValue(XmlElement encrypted)
    {
        var value = SamlXml.One(encrypted, SamlXml.Xenc, "CipherData") is { } cd ? SamlXml.One(cd, SamlXml.Xenc, "CipherValue") : null;
        if (value is null) throw new SamlException(SamlRefusal.Malformed, $"{encrypted.LocalName} without CipherData/CipherValue");
        try { return Convert.FromBase64String(string.Concat(value.InnerText.Where(c => !char.IsWhiteSpace(c)))); }
        catch (FormatException) { throw new SamlException(SamlRefusal.Malformed, "a CipherValue is not base64"); }
    }

    /// <summary>Reads the verified assertion: only its direct children and theirs.</summary>
    private VerifiedSignIn ReadAssertion(XmlElement assertion, SamlExpectations expect)
    {
        var now = expect.Now;
        var skew = options.ClockSkew;
        var assertionId = assertion.GetAttribute("ID");
        if (assertionId.Length == 0) throw new SamlException(SamlRefusal.Malformed, "the assertion has no ID");
        var issuer = SamlXml.One(assertion, SamlXml.Assertion, "Issuer")?.InnerText.Trim();
        if (issuer != expect.Idp.EntityId) throw new SamlException(SamlRefusal.WrongIssuer, $"the assertion's issuer is not '{expect.Idp.EntityId}'");

        // Subject: a bearer confirmation for this ACS, answering a request, still valid.
        var subject = SamlXml.One(assertion, SamlXml.Assertion, "Subject") ?? throw new SamlException(SamlRefusal.Malformed, "the assertion has no Subject");
        string? inResponseTo = null;
        DateTimeOffset confirmationEnd = default;
        var problem = (SamlRefusal.Malformed, "no bearer SubjectConfirmation");
        foreach (var confirmation in SamlXml.Children(subject, SamlXml.Assertion, "SubjectConfirmation"))
        {
            if (confirmation.GetAttribute("Method") != Bearer) continue;
            var data = SamlXml.One(confirmation, SamlXml.Assertion, "SubjectConfirmationData");
            if (data is null) { problem = (SamlRefusal.Malformed, "bearer confirmation without SubjectConfirmationData"); continue; }
            if (data.GetAttribute("Recipient") != expect.Acs.AbsoluteUri) { problem = (SamlRefusal.WrongDestination, "the confirmation's Recipient is not this ACS"); continue; }
            if (Time(data, "NotOnOrAfter") is not { } end) { problem = (SamlRefusal.Malformed, "the confirmation has no NotOnOrAfter"); continue; }
            if (now - skew >= end) { problem = (SamlRefusal.Expired, $"the confirmation expired at {end:O}"); continue; }
            if (Time(data, "NotBefore") is { } begin && now + skew < begin) { problem = (SamlRefusal.NotYetValid, $"the confirmation is valid from {begin:O}"); continue; }
            if (data.GetAttribute("InResponseTo") is not { Length: > 0 } answered) { problem = (SamlRefusal.UnknownRequest, "unsolicited: the confirmation answers no request"); continue; }
            inResponseTo = answered;
            confirmationEnd = end;
            break;
        }
        if (inResponseTo is null) throw new SamlException(problem.Item1, problem.Item2);

        // Conditions: time window and audience.
        var conditions = SamlXml.One(assertion, SamlXml.Assertion, "Conditions") ?? throw new SamlException(SamlRefusal.WrongAudience, "the assertion has no Conditions (no audience)");
        if (Time(conditions, "NotBefore") is { } notBefore && now + skew < notBefore)
            throw new SamlException(SamlRefusal.NotYetValid, $"the assertion is valid from {notBefore:O}");
        var conditionsEnd = Time(conditions, "NotOnOrAfter");
        if (conditionsEnd is { } notOnOrAfter && now - skew >= notOnOrAfter)
            throw new SamlException(SamlRefusal.Expired, $"the assertion expired at {notOnOrAfter:O}");
        var restrictions = SamlXml.Children(conditions, SamlXml.Assertion, "AudienceRestriction").ToList();
        if (restrictions.Count == 0) throw new SamlException(SamlRefusal.WrongAudience, "the assertion has no AudienceRestriction");
        foreach (var r in restrictions)
            if (!SamlXml.Children(r, SamlXml.Assertion, "Audience").Any(a => a.InnerText.Trim() == expect.EntityId))
                throw new SamlException(SamlRefusal.WrongAudience, "the assertion is meant for another audience");

        // The level reached: the highest STORK class of the authentication statements …
        TrustLevel? classLevel = null;
        DateTimeOffset? authnInstant = null;
        foreach (var statement in SamlXml.Children(assertion, SamlXml.Assertion, "AuthnStatement"))
        {
            if (Time(statement, "SessionNotOnOrAfter") is { } sessionEnd && now - skew >= sessionEnd)
                throw new SamlException(SamlRefusal.Expired, $"the identity provider's session ended at {sessionEnd:O}");
            authnInstant ??= Time(statement, "AuthnInstant");
            var context = SamlXml.One(statement, SamlXml.Assertion, "AuthnContext");
            var classRef = context is null ? null : SamlXml.One(context, SamlXml.Assertion, "AuthnContextClassRef")?.InnerText;
            if (classRef?.Trim().StartsWith("STORK-QAA-Level-", StringComparison.Ordinal) == true && TrustLevels.Parse(classRef) is { } l && (classLevel is null || l > classLevel))
                classLevel = l;
        }
        if (authnInstant is null) throw new SamlException(SamlRefusal.Malformed, "the assertion has no AuthnStatement with an AuthnInstant");

        // … and the attributes (first value of each, OIDs normalized).
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var statement in SamlXml.Children(assertion, SamlXml.Assertion, "AttributeStatement"))
            foreach (var attribute in SamlXml.Children(statement, SamlXml.Assertion, "Attribute"))
            {
                var name = BundIdAttributes.Normalize(attribute.GetAttribute("Name"));
                if (name.Length == 0 || values.ContainsKey(name)) continue;
                if (SamlXml.Children(attribute, SamlXml.Assertion, "AttributeValue").FirstOrDefault() is { } value) values[name] = value.InnerText;
            }
        var attributeLevel = values.TryGetValue(BundIdAttributes.TrustLevel, out var reported) ? TrustLevels.Parse(reported) : null;
        // Both say the level: the lower counts. Neither: the lowest.
        var level = (classLevel, attributeLevel) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => TrustLevel.Low,
        };
        var citizen = BundIdAttributes.Map(values, level, authnInstant.Value)
            ?? throw new SamlException(SamlRefusal.MissingPseudonym, "the assertion has no bPK2 attribute");
        var keepUntil = (conditionsEnd is { } ce && ce > confirmationEnd ? ce : confirmationEnd) + skew;
        return new VerifiedSignIn(citizen, issuer, assertionId, inResponseTo, keepUntil);
    }

    private static DateTimeOffset? Time(XmlElement e, string attribute)
    {
        var text = e.GetAttribute(attribute);
        if (text.Length == 0) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : throw new SamlException(SamlRefusal.Malformed, $"{e.LocalName}/@{attribute} is not a time");
    }
}
