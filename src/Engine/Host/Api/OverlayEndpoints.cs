using EGov.Workflows.Host.Catalogue;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The shared models with local overlays, per tenant: which version of which shared model runs with which overlay (its
/// file and content hash), or why a tenant's overlay was refused (positions in the overlay). Only the caller's tenants.
/// </summary>
internal static class OverlayEndpoints
{
    public static void MapOverlayEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/services/overlays", (HttpContext http, string? tenant, int? offset, int? limit) =>
            {
                var caller = http.Caller();
                var rows = http.RequestServices.GetService<TenantOverlays>()?.All ?? [];
                var mine = rows.Where(r => caller.BelongsTo(r.Tenant) && (tenant is null || r.Tenant == tenant));
                // A provider runs 580 services for hundreds of tenants: the list is paged like every other (X-Total-Count).
                return Results.Ok(BoundedList.Of(http, mine, offset, limit)
                    .Select(r => new
                    {
                        tenant = r.Tenant, service = r.Service, overlay = r.OverlayFile, overlayHash = r.OverlayHash, processId = r.ProcessId,
                        sharedHash = r.SharedHash, sharedVersion = r.SharedVersion, version = r.Version, state = r.State, problems = r.Problems,
                    }).ToList());
            })
            .WithName("ListServiceOverlays").RequirePermission(Permission.ServiceRead)
            .WithSummary("Per tenant: which version of which shared model runs with which overlay, or why the overlay was refused");
    }
}
