using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The process catalogue behind the page <c>/prozesse</c>: every deployed process of the tenant with its versions (who
/// deployed each, when, with which change note), its running and ended instances and open incidents.
/// </summary>
internal static class ProcessCatalogueEndpoints
{
    public static void MapProcessCatalogueEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/processes", (HttpContext http, string? q, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var all = Summaries(http.Tenant(), scenarioStore: ScenarioStore(http));
                var text = q?.Trim();
                var found = string.IsNullOrEmpty(text) ? all : all.Where(p =>
                    p.ProcessId.Contains(text, StringComparison.OrdinalIgnoreCase) || (p.Name?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
                return Results.Ok(Page<ProcessSummaryDto>.Of(found, page));
            })
            .WithName("ListProcesses").RequirePermission(Permission.ProcessRead)
            .WithSummary("The process catalogue: every deployed process with its versions (deployed when, by whom, change note), running and ended instances and open incidents; ?q= searches id and name, ?offset=&limit= pages")
            .Produces<Page<ProcessSummaryDto>>().ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/processes/{processId}", (HttpContext http, string processId) =>
            {
                var t = http.Tenant();
                return Results.Ok(Summaries(t, processId, ScenarioStore(http)).FirstOrDefault()
                    ?? throw ApiProblemException.NotFound($"process '{processId}' is not deployed for tenant '{t.TenantId}'"));
            })
            .WithName("GetProcess").RequirePermission(Permission.ProcessRead)
            .WithSummary("One process of the catalogue with every version and its figures; 404 when it is not deployed")
            .Produces<ProcessSummaryDto>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Persistence.Designer.IDeployedScenarioStore? ScenarioStore(HttpContext http) =>
        http.RequestServices.GetService(typeof(Persistence.Designer.IDeployedScenarioStore)) as Persistence.Designer.IDeployedScenarioStore;

    /// <summary>The catalogue's lines, by process id; <paramref name="only"/> restricts it to one process.</summary>
    internal static List<ProcessSummaryDto> Summaries(TenantEngine t, string? only = null, Persistence.Designer.IDeployedScenarioStore? scenarioStore = null)
    {
        var definitions = t.Catalog.All().Where(d => only is null || d.ProcessId == only).ToList();
        if (definitions.Count == 0) return [];
        var counts = t.Engine.Store.InstanceCounts(t.TenantId).ToDictionary(c => (c.ProcessId, c.Version));
        var scenarios = (scenarioStore?.Files(t.TenantId, only) ?? []).ToLookup(f => (f.ProcessId, f.Version), f => f.File);
        var incidents = new Dictionary<(string, int), int>();
        foreach (var i in t.Engine.Store.OpenIncidents(t.TenantId).Where(i => only is null || i.ProcessId == only))
        {
            var version = t.Engine.Store.Load(t.TenantId, i.InstanceId)?.DefinitionVersion ?? 0;
            incidents[(i.ProcessId, version)] = incidents.GetValueOrDefault((i.ProcessId, version)) + 1;
        }
        return definitions.GroupBy(d => d.ProcessId, StringComparer.Ordinal).Select(g =>
        {
            var latest = g.MaxBy(d => d.Version)!;
            var versions = g.OrderByDescending(d => d.Version).Select(d =>
            {
                var c = counts.GetValueOrDefault((d.ProcessId, d.Version));
                return new ProcessVersionDto(d.Version, d.Name, d.File, d.DeployedAt, d.DeployedBy, d.ChangeNote, d.Version == latest.Version,
                    c?.Running ?? 0, c?.Ended ?? 0, incidents.GetValueOrDefault((d.ProcessId, d.Version)), scenarios[(d.ProcessId, d.Version)].ToList());
            }).ToList();
            return new ProcessSummaryDto(g.Key, latest.Name, latest.Version, versions.Sum(v => v.Running), versions.Sum(v => v.Ended),
                incidents.Where(kv => kv.Key.Item1 == g.Key).Sum(kv => kv.Value), versions);
        }).OrderBy(p => p.Name ?? p.ProcessId, StringComparer.CurrentCultureIgnoreCase).ThenBy(p => p.ProcessId, StringComparer.Ordinal).ToList();
    }
}

/// <summary>A process of the catalogue: its latest version's name, figures over all versions, and each version.</summary>
public sealed record ProcessSummaryDto(string ProcessId, string? Name, int LatestVersion, long Running, long Ended, int OpenIncidents, IReadOnlyList<ProcessVersionDto> Versions);

/// <summary>
/// One deployed version: when, by whom (null: the processes folder), the change note, its instances, and the scenarios
/// written or recorded in the designer that were deployed with it (file names; their text: GET /api/designer/{id}/versions/{v}/scenarios).
/// </summary>
public sealed record ProcessVersionDto(int Version, string? Name, string File, DateTimeOffset DeployedAt, string? DeployedBy, string? ChangeNote, bool Latest,
    long Running, long Ended, int OpenIncidents, IReadOnlyList<string>? Scenarios = null);
