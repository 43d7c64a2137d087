using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>Messages (correlated to waiting instances or message start events) and signals (broadcast).</summary>
internal static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/messages", (HttpContext http, MessageRequest? body) =>
            {
                if (string.IsNullOrWhiteSpace(body?.Name)) throw ApiProblemException.BadRequest("a message needs a name", RequestBodies.Message);
                var t = http.Tenant();
                return http.RequestServices.GetRequiredService<Idempotency.IdempotentRequests>().Once(http, t.TenantId, $"message {body.Name}", body, () =>
                {
                    var n = t.Engine.CorrelateMessage(body.Name, string.IsNullOrEmpty(body.CorrelationKey) ? null : body.CorrelationKey, body.Variables, body.All, http.Caller().Id);
                    if (n == 0)
                        throw ApiProblemException.NotFound(
                            $"nothing waits for message '{body.Name}'{(body.CorrelationKey is { Length: > 0 } k ? $" with correlation key '{k}'" : "")} and no process starts with it");
                    return new MessageResult(n);
                });
            })
            .WithName("CorrelateMessage").RequirePermission(Permission.Correlate).WithSummary("Correlate a message by name and correlation key (business key); 404 when nothing takes it, 409 when several would and \"all\" is not true")
            .Produces<MessageResult>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Message));

        api.MapPost("/signals", (HttpContext http, SignalRequest? body) =>
            {
                if (string.IsNullOrWhiteSpace(body?.Name)) throw ApiProblemException.BadRequest("a signal needs a name", RequestBodies.Signal);
                return Results.Ok(new SignalResult(http.Tenant().Engine.BroadcastSignal(body.Name, body.Variables, http.Caller().Id)));
            })
            .WithName("BroadcastSignal").RequirePermission(Permission.Correlate).WithSummary("Broadcast a signal to every subscription of the tenant; answers how many received it")
            .Produces<SignalResult>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithMetadata(new ExpectedBody(RequestBodies.Signal));
    }
}
