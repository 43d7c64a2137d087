using System.Security.Claims;
using System.Text;
using System.Text.Json;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// The claims every validated identity is normalized to (embedded tokens carry them as they are; an external provider's
/// tokens are mapped with <see cref="ClaimMapping"/> when they are validated), and the <see cref="Caller"/> built from them.
/// </summary>
public static class CallerClaims
{
    public const string Subject = "sub", Name = "name", Role = "role", Group = "group", Tenant = "tenant", Kind = "egov_kind", Topic = "egov_topic";
    public const string PersonKind = "person", ClientKind = "client", CitizenKind = "citizen";

    /// <summary>The caller of a validated principal; tenants empty in the claims mean the installation's default tenant.</summary>
    public static Caller? From(ClaimsPrincipal principal, string defaultTenant)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirst(Subject)?.Value is not { Length: > 0 } id) return null;
        var tenants = principal.FindAll(Tenant).Select(c => c.Value).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (tenants.Count == 0) tenants.Add(defaultTenant);
        return new Caller(id, principal.FindFirst(Name)?.Value,
            principal.FindFirst(Kind)?.Value switch { ClientKind => CallerKind.Client, CitizenKind => CallerKind.Citizen, _ => CallerKind.Person },
            principal.FindAll(Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            principal.FindAll(Group).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            tenants)
        {
            Topics = principal.FindAll(Topic).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>A normalized identity (for sessions and mapped external tokens).</summary>
    public static ClaimsIdentity Identity(string authenticationType, string id, string? name, string kind,
        IEnumerable<string> roles, IEnumerable<string> groups, IEnumerable<string> tenants, IEnumerable<string>? topics = null)
    {
        var identity = new ClaimsIdentity(authenticationType, Name, Role);
        identity.AddClaim(new Claim(Subject, id));
        identity.AddClaim(new Claim(Name, string.IsNullOrEmpty(name) ? id : name));
        identity.AddClaim(new Claim(Kind, kind));
        foreach (var r in roles.Distinct(StringComparer.Ordinal)) identity.AddClaim(new Claim(Role, r));
        foreach (var g in groups.Distinct(StringComparer.Ordinal)) identity.AddClaim(new Claim(Group, g));
        foreach (var t in tenants.Distinct(StringComparer.Ordinal)) identity.AddClaim(new Claim(Tenant, t));
        foreach (var t in (topics ?? []).Distinct(StringComparer.Ordinal)) identity.AddClaim(new Claim(Topic, t));
        return identity;
    }
}

/// <summary>
/// Where an external provider puts roles, groups and the tenant: dotted JSON paths into a token's payload (Keycloak:
/// <c>realm_access.roles</c>, <c>groups</c> with its leading "/" stripped). The id is <c>preferred_username</c>, else <c>sub</c>.
/// </summary>
public sealed record ClaimMapping(string Roles = "roles", string Groups = "groups", string Tenant = "tenant")
{
    /// <summary>Normalizes the payloads of a provider's tokens (id token and access token; the first that has a value wins per path).</summary>
    public ClaimsIdentity Map(string authenticationType, params string?[] jwts)
    {
        var payloads = jwts.Where(t => !string.IsNullOrEmpty(t)).Select(Payload).Where(p => p is not null).Cast<JsonElement>().ToList();
        string? First(string path) => payloads.SelectMany(p => Values(p, path)).FirstOrDefault();
        List<string> All(string path) => payloads.SelectMany(p => Values(p, path)).Distinct(StringComparer.Ordinal).ToList();
        var id = First("preferred_username") ?? First("sub") ?? throw new InvalidOperationException("the token has no subject");
        var groups = All(Groups).Select(g => g.StartsWith('/') ? g[1..] : g);
        var kind = First("preferred_username") is { } u && u.StartsWith("service-account-", StringComparison.Ordinal) ? CallerClaims.ClientKind : CallerClaims.PersonKind;
        return CallerClaims.Identity(authenticationType, id, First("name"), kind, All(Roles), groups, All(Tenant));
    }

    /// <summary>The strings at a dotted path: a string, or the strings of an array.</summary>
    public static IEnumerable<string> Values(JsonElement root, string path)
    {
        var e = root;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e)) yield break;
        }
        if (e.ValueKind == JsonValueKind.String) yield return e.GetString()!;
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var x in e.EnumerateArray())
                if (x.ValueKind == JsonValueKind.String) yield return x.GetString()!;
    }

    /// <summary>The JSON payload of a JWT that was already validated (or came straight from the provider's token endpoint).</summary>
    private static JsonElement? Payload(string? jwt)
    {
        var parts = jwt!.Split('.');
        if (parts.Length < 2) return null;
        try
        {
            var b64 = parts[1].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64))).RootElement.Clone();
        }
        catch (Exception e) when (e is FormatException or JsonException) { return null; }
    }
}
