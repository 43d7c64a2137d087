using EGov.Workflows.Host.Lifecycle;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>The REST API under /api: every route answers JSON, every error application/problem+json (RFC 9457).</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapEGovApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").OnCommandLane(app); // handlers wait on the store on the command lane, not on pool threads (issue 21, item 6)
        api.MapGet("/health", async (HttpContext http, StoreChoice store, ServeOptions options, Health.ReadinessProbe probe) =>
            {
                // Not a static 200: the same checks as /health/ready (the store answers a read and a write, migrations applied,
                // job executor running), so a node whose store is gone says so here too (503 with the reason and Retry-After).
                var ready = await probe.CheckAsync(http.RequestAborted);
                // The job executor exists on durable stores only; its owner is the name this node leases jobs under.
                var jobs = http.RequestServices.GetService<JobExecutor>();
                var body = new HealthDto(ready.Ready ? "ok" : "not ready", store.Description, store.Durable, http.Tenant().TenantId,
                    typeof(ApiEndpoints).Assembly.GetName().Version?.ToString() ?? "0", jobs?.Options.Owner ?? options.NodeId, jobs?.Executed, ready.Reason);
                http.Response.Headers.CacheControl = "no-store";
                if (ready.Ready) return Results.Ok(body);
                http.Response.Headers.RetryAfter = "5";
                return Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Health").RequirePermission(Permission.Public)
            .WithSummary("Is the node up and able to work (store read and write, migrations, job executor; 503 with the reason when not), on which store, which node, with the jobs it ran")
            .Produces<HealthDto>().Produces<HealthDto>(StatusCodes.Status503ServiceUnavailable);
        api.MapDefinitionEndpoints();
        api.MapInstanceEndpoints();
        api.MapHistoryEndpoints();
        api.MapTaskEndpoints();
        api.MapPostkorbEndpoints();
        api.MapEventEndpoints();
        api.MapIncidentEndpoints();
        api.MapMigrationEndpoints();
        api.MapDecisionEndpoints();
        api.MapServiceEndpoints();
        api.MapCallbackEndpoints();
        api.MapProcessCatalogueEndpoints();
        api.MapDesignerEndpoints();
        api.MapAnalyticsEndpoints();
        api.MapFristEndpoints();
        api.MapOverlayEndpoints();
        api.MapCockpitEndpoints();
        api.MapCaseDeletionEndpoints();
        ERechnung.ERechnungEndpoints.MapERechnungEndpoints(api);
        Ratsinfo.RatsinfoEndpoints.MapRatsinfoEndpoints(api);
        Zeit.ZeitEndpoints.MapZeitEndpoints(api);
        Mobilfunk.MobilfunkEndpoints.MapMobilfunkEndpoints(api); // tariffs, devices, contracts and costs (issue 17 item 4)
        Stadtplanung.StadtplanungEndpoints.MapStadtplanungEndpoints(api); // eAkte Stadtplanung: search, procedures, documents (issue 17 item 3)
        Ratsinfo.OParlEndpoints.MapOParl(app); // public, read-only, outside /api: /oparl/v1
        Reservierungen.ReservierungEndpoints.MapReservierungEndpoints(api); // rooms and cars with their calendars (issue 17)
        Adressbuch.AdressbuchEndpoints.MapAdressbuchEndpoints(api); // the staff directory, the Postkorb's source of groups and deputies
        Termine.TerminEndpoints.MapTerminEndpoints(app); // Online-Terminierung: /api/termine (clerks), /api/citizen/termine and /buerger/termine (citizens)
        Kita.KitaEndpoints.MapKitaEndpoints(api); // Kitas, places and the waiting list (issue 17 item 9: the life chain)
        return app;
    }
}
