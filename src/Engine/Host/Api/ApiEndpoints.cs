using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>The REST API under /api: every route answers JSON, every error application/problem+json (RFC 9457).</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapEGovApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/health", (HttpContext http, StoreChoice store) =>
                Results.Ok(new HealthDto("ok", store.Description, store.Durable, http.Tenant().TenantId, typeof(ApiEndpoints).Assembly.GetName().Version?.ToString() ?? "0")))
            .WithName("Health").WithSummary("Is the server up, and on which store");
        api.MapDefinitionEndpoints();
        api.MapInstanceEndpoints();
        api.MapHistoryEndpoints();
        api.MapTaskEndpoints();
        api.MapEventEndpoints();
        api.MapIncidentEndpoints();
        api.MapMigrationEndpoints();
        return app;
    }
}
