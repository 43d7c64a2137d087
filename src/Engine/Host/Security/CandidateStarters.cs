using EGov.Workflows.Model;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// Who may start a definition beyond the <see cref="Permission.ProcessStart"/> permission: Camunda's
/// <c>camunda:candidateStarterGroups</c> and <c>camunda:candidateStarterUsers</c> on the process (comma-separated). A
/// process that names neither may be started by every caller with the permission; one that names some only by those.
/// </summary>
public static class CandidateStarters
{
    public static void Check(HttpContext http, TenantEngine tenant, string processId)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var latest = tenant.Catalog.Latest(processId);
        if (latest is null || !latest.HasProcess) return; // not in this node's catalog (deployed on another node after this one started): no starter list known here
        var groups = Split(latest.ProcessAttribute(Namespaces.Camunda + "candidateStarterGroups"));
        var users = Split(latest.ProcessAttribute(Namespaces.Camunda + "candidateStarterUsers"));
        if (groups.Count == 0 && users.Count == 0) return;
        var caller = http.Caller();
        if (users.Contains(caller.Id) || groups.Any(caller.InGroup)) return;
        throw Refusals.Forbidden(http, $"'{caller.Id}' may not start '{processId}': it is open to {Describe(groups, users)}");
    }

    private static List<string> Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string Describe(List<string> groups, List<string> users) =>
        string.Join(" and ", new[]
        {
            groups.Count > 0 ? $"the groups {string.Join(", ", groups)}" : null,
            users.Count > 0 ? $"the users {string.Join(", ", users)}" : null,
        }.Where(x => x is not null));
}
