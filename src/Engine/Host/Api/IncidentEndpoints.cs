using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>Open incidents (failed scripts, expressions, jobs, external tasks out of retries) and their retry.</summary>
internal static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/incidents", (HttpContext http, string? processInstanceId, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                var root = string.IsNullOrEmpty(processInstanceId) ? null : processInstanceId;
                return Results.Ok(BoundedList.Read(http, offset, limit, page => t.Engine.Store.OpenIncidentsPage(t.TenantId, root, page.Offset, page.Limit),
                    r => IncidentDto.Of(r.Incident.Id, r.InstanceId, r.RootInstanceId, r.ProcessId, r.Incident.ElementId,
                        r.Incident.Kind.ToString(), r.Incident.Message, r.Incident.Details, r.Incident.CreatedAt.ToDateTimeOffset())));
            })
            .WithName("ListIncidents").RequirePermission(Permission.IncidentOperate).WithSummary("Open incidents of the tenant, oldest first (optionally of one root instance)")
            .Produces<List<IncidentDto>>();

        api.MapPost("/incidents/{id}/retry", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                var caller = http.Caller().Id;
                var dot = id.IndexOf('.', StringComparison.Ordinal);
                var elementId = dot > 0 ? t.Engine.Store.Load(t.TenantId, id[..dot])?.Incidents.Find(x => x.Id == id)?.ElementId : null;
                t.Engine.RetryIncident(id, caller); // unknown: 404, resolved already or instance ended: 409 (decided in the command)
                var root = TaskEndpoints.RootOf(t, id);
                CockpitEndpoints.Cockpit(http).Record(t.TenantId, root, Persistence.Cockpit.BatchKinds.Retry, null, elementId ?? id, caller);
                var view = t.Engine.GetInstance(root);
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("RetryIncident").RequirePermission(Permission.IncidentOperate).WithSummary("Resolve an incident: the element runs again, or the external task gets one more try; answers the root instance")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
