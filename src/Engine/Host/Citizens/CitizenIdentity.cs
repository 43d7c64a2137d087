using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Host.Security;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// A citizen as BundID proved them: the bPK2 pseudonym (stable per person and service provider), the names, birth data,
/// address and e-mail the identity provider sent, the trust level reached and when they signed in. <see cref="Owner"/> is
/// what cases and the session carry: a hash of the pseudonym, so neither the bPK2 nor any name ends up in variables,
/// URLs or logs.
/// </summary>
public sealed record CitizenIdentity
{
    public required string Pseudonym { get; init; }
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? BirthName { get; init; }
    public string? Title { get; init; }
    /// <summary>YYYY-MM-DD as BundID sends it.</summary>
    public string? BirthDate { get; init; }
    public string? PlaceOfBirth { get; init; }
    /// <summary>Street and house number (postalAddress).</summary>
    public string? Street { get; init; }
    public string? PostalCode { get; init; }
    public string? City { get; init; }
    /// <summary>ISO 3166 alpha-2, e.g. DE.</summary>
    public string? Country { get; init; }
    public string? Email { get; init; }
    /// <summary>How the citizen identified (Benutzername, Elster, eID, …: AssertionProvedBy).</summary>
    public string? ProvedBy { get; init; }
    public required TrustLevel Level { get; init; }
    public required DateTimeOffset AuthenticatedAt { get; init; }

    /// <summary>The owner id of this citizen's cases and session subject: <c>buerger:</c> and a hash of the pseudonym.</summary>
    public string Owner => OwnerOf(Pseudonym);

    public string DisplayName => string.Join(' ', new[] { Title, GivenName, Surname }.Where(s => !string.IsNullOrWhiteSpace(s)));

    public static string OwnerOf(string pseudonym) =>
        "buerger:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("egov-bpk2\n" + pseudonym)))[..32].Replace('+', '-').Replace('/', '_');

    // Claim types of the citizen session (the session ticket is kept server-side and encrypted, see DbTicketStore).
    internal const string LevelClaim = "egov_trust_level", AuthTimeClaim = "egov_auth_time", AttributePrefix = "egov_citizen_";

    /// <summary>The claims of a citizen session: subject = <see cref="Owner"/>, role citizen, the level and sign-in time, the attributes.</summary>
    public ClaimsIdentity ToClaims(string authenticationType, string tenant)
    {
        var identity = CallerClaims.Identity(authenticationType, Owner, DisplayName, CallerClaims.CitizenKind, [Caller.Citizen], [], [tenant]);
        identity.AddClaim(new Claim(LevelClaim, ((int)Level).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(AuthTimeClaim, AuthenticatedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var (name, value) in Attributes())
            identity.AddClaim(new Claim(AttributePrefix + name, value));
        return identity;
    }

    /// <summary>The citizen of a session's principal (null: not a citizen session).</summary>
    public static CitizenIdentity? From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.FindFirst(CallerClaims.Kind)?.Value != CallerClaims.CitizenKind) return null;
        string? A(string name) => principal.FindFirst(AttributePrefix + name)?.Value;
        if (A("pseudonym") is not { Length: > 0 } pseudonym
            || !int.TryParse(principal.FindFirst(LevelClaim)?.Value, out var level) || level is < 1 or > 4
            || !long.TryParse(principal.FindFirst(AuthTimeClaim)?.Value, out var authTime)) return null;
        return new CitizenIdentity
        {
            Pseudonym = pseudonym, GivenName = A("givenName"), Surname = A("surname"), BirthName = A("birthName"), Title = A("title"),
            BirthDate = A("birthDate"), PlaceOfBirth = A("placeOfBirth"), Street = A("street"), PostalCode = A("postalCode"),
            City = A("city"), Country = A("country"), Email = A("email"), ProvedBy = A("provedBy"),
            Level = (TrustLevel)level, AuthenticatedAt = DateTimeOffset.FromUnixTimeSeconds(authTime),
        };
    }

    /// <summary>The identity fields by their names in forms and the API (only those BundID sent).</summary>
    public IEnumerable<(string Name, string Value)> Attributes()
    {
        var all = new (string, string?)[]
        {
            ("pseudonym", Pseudonym), ("givenName", GivenName), ("surname", Surname), ("birthName", BirthName), ("title", Title),
            ("birthDate", BirthDate), ("placeOfBirth", PlaceOfBirth), ("street", Street), ("postalCode", PostalCode), ("city", City),
            ("country", Country), ("email", Email), ("provedBy", ProvedBy),
        };
        foreach (var (name, value) in all)
            if (!string.IsNullOrEmpty(value)) yield return (name, value);
    }
}
