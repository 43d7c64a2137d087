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
        var api = app.MapGroup("/api");
        api.MapGet("/health", (HttpContext http, StoreChoice store, ServeOptions options) =>
            {
                // The job executor exists on durable stores only; its owner is the name this node leases jobs under.
                var jobs = http.RequestServices.GetService<JobExecutor>();
                return Results.Ok(new HealthDto("ok", store.Description, store.Durable, http.Tenant().TenantId,
                    typeof(ApiEndpoints).Assembly.GetName().Version?.ToString() ?? "0", jobs?.Options.Owner ?? options.NodeId, jobs?.Executed));
            })
            .WithName("Health").RequirePermission(Permission.Public).WithSummary("Is the server up, on which store, and which node (with the jobs it ran)");
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
        return app;
    }
}
