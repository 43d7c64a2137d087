using EGov.Workflows.Host.Health;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// Health for load balancers and orchestrators, public and without internals (no paths, versions or server messages):
/// <c>/health/live</c> answers 200 while the process serves requests; <c>/health/ready</c> answers 200 when the node can
/// do work (store reachable for a read and a write, migrations applied, job executor running and not stalled), else 503
/// with the reason of each failed check and <c>Retry-After</c>.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("health");
        health.MapGet("/live", () => Results.Ok(new HealthAnswer("live", null, [])))
            .WithName("HealthLive").RequirePermission(Permission.Public)
            .WithSummary("200 while the server process answers (liveness)").Produces<HealthAnswer>();
        health.MapGet("/ready", async (HttpContext http, ReadinessProbe probe) =>
            {
                var r = await probe.CheckAsync(http.RequestAborted);
                var body = new HealthAnswer(r.Ready ? "ready" : "not ready", r.Reason, r.Checks);
                http.Response.Headers.CacheControl = "no-store";
                if (r.Ready) return Results.Ok(body);
                http.Response.Headers.RetryAfter = "5";
                return Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("HealthReady").RequirePermission(Permission.Public)
            .WithSummary("200 when the node can work: store answers a read and a write, migrations applied, job executor running; else 503 with the reason")
            .Produces<HealthAnswer>().Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}

/// <summary>Answer of /health/live and /health/ready: "live", "ready" or "not ready", the first failed check's reason, every check.</summary>
public sealed record HealthAnswer(string Status, string? Reason, IReadOnlyList<HealthCheck> Checks);
