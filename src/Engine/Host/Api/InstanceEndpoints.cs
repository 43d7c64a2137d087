using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>Process instances: state, history, cancel.</summary>
internal static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/process-instances/{id}", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                var view = t.Engine.GetInstance(id); // an unknown id is a 404 (WorkflowNotFoundException); the tree is looked up once
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("GetProcessInstance").RequirePermission(Permission.InstanceRead).WithSummary("State (running, completed, terminated, incident), variables and waiting elements of a root instance")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/process-instances/{id}/history", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                var tree = RequireInstance(t, id);
                var page = PageRequest.From(offset, limit, PageRequest.MaxLimit);
                var active = new List<ElementInstanceDto>();
                foreach (var instanceId in tree)
                {
                    var s = t.Engine.Store.Load(t.TenantId, instanceId);
                    if (s is null || s.IsEnded) continue;
                    var model = t.Catalog.Find(s.ProcessId, s.DefinitionVersion);
                    foreach (var tok in s.Tokens.Where(x => x.Status is TokenStatus.Waiting or TokenStatus.Job or TokenStatus.Incident))
                    {
                        var element = model?.Element(tok.ElementId);
                        var type = element is null ? "unknown" : char.ToLowerInvariant(element.Name.LocalName[0]) + element.Name.LocalName[1..];
                        active.Add(new ElementInstanceDto(tok.ElementId, type, element?.Attribute("name"), s.Id, tok.StartedAt.ToDateTimeOffset(), null, null));
                    }
                }
                // The ended element instances are paged in the store (a long case's history is never read whole); the active
                // ones (bounded by the tree's tokens) follow them.
                active = [.. active.OrderBy(a => a.StartedAt)];
                var ended = t.Engine.Store.HistoryPage(t.TenantId, id, page.Offset, page.Limit);
                var items = ended.Items.Select(h => new ElementInstanceDto(
                    h.ElementId, h.ElementType, h.ElementName, h.InstanceId, h.StartedAt.ToDateTimeOffset(), h.EndedAt.ToDateTimeOffset(), h.Completed, h.ActivityPack)).ToList();
                var activeFrom = (int)Math.Max(0, page.Offset - ended.Total);
                items.AddRange(active.Skip(activeFrom).Take(page.Limit - items.Count));
                http.Response.Headers[BoundedList.TotalHeader] = (ended.Total + active.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Ok(items);
            })
            .WithName("GetProcessInstanceHistory").RequirePermission(Permission.HistoryRead).WithSummary("Element instances of a root instance tree: ended ones in order, then the active ones (endedAt null)")
            .Produces<List<ElementInstanceDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/process-instances/{id}", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                RequireInstance(t, id); // a root instance (a called one is cancelled with its caller)
                t.Engine.CancelInstance(id, http.Caller().Id); // already ended: 409 (decided in the command)
                var view = t.Engine.GetInstance(id);
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("CancelProcessInstance").RequirePermission(Permission.InstanceOperate).WithSummary("Cancel a running instance (and the instances it called): state terminated")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The root instance's tree, or 404 (an id of another tenant is unknown here, too).</summary>
    internal static IReadOnlyList<string> RequireInstance(TenantEngine t, string id)
    {
        var tree = t.Engine.Store.InstanceTree(t.TenantId, id);
        if (tree.Count == 0) throw ApiProblemException.NotFound($"no process instance '{id}'");
        return tree;
    }
}
