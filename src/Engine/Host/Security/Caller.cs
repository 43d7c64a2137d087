using EGov.Workflows.Host.Api;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// A person signed in (a clerk, an analyst, …), a machine client (a worker, another system), or a citizen signed in with
/// BundID (only on the citizen pages and /api/citizen, with the citizen role only).
/// </summary>
public enum CallerKind { Person, Client, Citizen }

/// <summary>
/// Who sends a request, taken only from a validated token or session (never from a header or body a client can set):
/// id (user name or client id), roles, groups, and the tenants (Mandanten) the identity belongs to. The tenant a
/// request acts for is one of <see cref="Tenants"/> (the <c>X-Tenant</c> header only selects among them).
/// </summary>
public sealed record Caller(
    string Id, string? DisplayName, CallerKind Kind,
    IReadOnlySet<string> Roles, IReadOnlySet<string> Groups, IReadOnlyList<string> Tenants)
{
    public const string Admin = "admin", Analyst = "analyst", Clerk = "clerk", Operator = "operator", Auditor = "auditor",
        Worker = "worker", TeamLead = "teamlead", Citizen = "citizen", Monitoring = "monitoring", Sitzungsdienst = "sitzungsdienst",
        Personalstelle = "personalstelle", ItService = "itservice", Kitaverwaltung = "kitaverwaltung";

    public bool HasRole(string role) => Roles.Contains(role);
    public bool InGroup(string group) => Groups.Contains(group);
    /// <summary>"*" among the tenants: every tenant of the installation (a service provider's operators).</summary>
    public bool AllTenants => Tenants.Contains("*");
    public bool BelongsTo(string tenant) => AllTenants || Tenants.Contains(tenant, StringComparer.Ordinal);

    /// <summary>Workers: the external-task topics this client may fetch and work ("*": every topic; empty: none).</summary>
    public IReadOnlySet<string> Topics { get; init; } = new HashSet<string>();
    public bool MayWorkTopic(string topic) => Topics.Contains("*") || Topics.Contains(topic);

    /// <summary>
    /// Whether the staff directory (Adressbuch) knows this person: then it, not the role alone, says which groups they lead
    /// (<see cref="LedGroups"/>); the role <c>teamlead</c> of a person it does not know leads every group they belong to.
    /// </summary>
    public bool InDirectory { get; init; }

    /// <summary>The groups the directory names this person lead of: their units' groups and those of every unit below.</summary>
    public IReadOnlySet<string> LedGroups { get; init; } = new HashSet<string>();
}

/// <summary>The caller of a request, as the authentication middleware established it.</summary>
public static class CallerContext
{
    private static readonly object Key = new();

    /// <summary>The request's caller; 401 when the request has no validated identity.</summary>
    public static Caller Caller(this HttpContext http) =>
        http.FindCaller() ?? throw new ApiProblemException(401, "Unauthorized", "sign in first: this request has no valid identity");

    public static Caller? FindCaller(this HttpContext http) => http.Items.TryGetValue(Key, out var c) ? c as Caller : null;

    internal static void SetCaller(this HttpContext http, Caller caller) => http.Items[Key] = caller;
}
