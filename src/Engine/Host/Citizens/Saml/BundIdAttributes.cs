using System.Text.RegularExpressions;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>
/// BundID's attribute names (OIDs, NameFormat uri) and their mapping to a <see cref="CitizenIdentity"/>. Real responses
/// sometimes write a blank after <c>urn:oid:</c> (<c>urn:oid: 1.2.40.0.10.2.1.1.261.94</c>): names are compared after
/// removing it.
/// </summary>
public static partial class BundIdAttributes
{
    public const string BPk2 = "urn:oid:1.3.6.1.4.1.25484.494450.3", GivenName = "urn:oid:2.5.4.42", Surname = "urn:oid:2.5.4.4",
        BirthDate = "urn:oid:1.2.40.0.10.2.1.1.55", PlaceOfBirth = "urn:oid:1.3.6.1.5.5.7.9.2", BirthName = "urn:oid:1.2.40.0.10.2.1.1.225566",
        PostalAddress = "urn:oid:2.5.4.16", PostalCode = "urn:oid:2.5.4.17", Locality = "urn:oid:2.5.4.7", Country = "urn:oid:1.2.40.0.10.2.1.1.225599",
        Mail = "urn:oid:0.9.2342.19200300.100.1.3", PersonalTitle = "urn:oid:0.9.2342.19200300.100.1.40",
        TrustLevel = "urn:oid:1.2.40.0.10.2.1.1.261.94", ProvedBy = "urn:oid:1.3.6.1.4.1.25484.494450.2";

    /// <summary><c>urn:oid: 1.2.3</c> → <c>urn:oid:1.2.3</c>; other names only trimmed.</summary>
    public static string Normalize(string name) => OidBlank().Replace(name.Trim(), "urn:oid:");

    /// <summary>The identity of a verified assertion's attributes (first value of each; null when the bPK2 is missing).</summary>
    public static CitizenIdentity? Map(IReadOnlyDictionary<string, string> values, TrustLevel level, DateTimeOffset authenticatedAt)
    {
        ArgumentNullException.ThrowIfNull(values);
        string? V(string name) => values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        if (V(BPk2) is not { } pseudonym) return null;
        return new CitizenIdentity
        {
            Pseudonym = pseudonym, GivenName = V(GivenName), Surname = V(Surname), BirthName = V(BirthName), Title = V(PersonalTitle),
            BirthDate = V(BirthDate), PlaceOfBirth = V(PlaceOfBirth), Street = V(PostalAddress), PostalCode = V(PostalCode), City = V(Locality),
            Country = V(Country), Email = V(Mail), ProvedBy = V(ProvedBy), Level = level, AuthenticatedAt = authenticatedAt,
        };
    }

    [GeneratedRegex(@"^urn:oid:\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OidBlank();
}
