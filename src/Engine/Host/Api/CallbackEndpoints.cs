using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// Notifications of outside systems to a pack (<see cref="ActivityCallback"/>): <c>POST /api/callbacks/{tenant}/{pack}/{name}</c>.
/// Public, because the sender is a machine of another organisation without an identity here: the pack's callback checks
/// the sender itself (a signature with the tenant's secret) before it resumes anything, and answers as its protocol
/// expects. The tenant comes from the address and only selects whose secret is checked.
/// </summary>
public static class CallbackEndpoints
{
    /// <summary>The largest notification body read (a payment notice is a few hundred bytes).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapCallbackEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/callbacks/{tenant}/{pack}/{name}", async (HttpContext http, string tenant, string pack, string name) =>
            {
                var engines = http.RequestServices.GetRequiredService<TenantEngines>();
                if (!TenantEngines.IsValidId(tenant))
                    throw ApiProblemException.NotFound($"no callback '{pack}/{name}' for tenant '{tenant}'");
                var callback = engines.Activities.FindCallback(pack, name)
                    ?? throw ApiProblemException.NotFound($"no callback '{pack}/{name}' for tenant '{tenant}'");
                var body = await ReadBodyAsync(http);
                var engine = engines.Get(tenant).Engine;
                var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                var request = new CallbackRequest(tenant, headers, body, engine.Now.ToDateTimeOffset(),
                    (key, payload) => engine.ResumeActivityByKey(key, payload), http.RequestAborted);
                CallbackResponse response;
                try { response = await callback.Create().HandleAsync(request); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(CallbackEndpoints))
                        .LogError(e, "callback {Pack}/{Name} of tenant {Tenant} failed", pack, name, tenant);
                    response = CallbackResponse.Problem(500, "Internal Server Error", "the notification could not be processed; send it again later");
                }
                http.Response.Headers.CacheControl = "no-store";
                return Results.Text(response.Body ?? "", response.ContentType, System.Text.Encoding.UTF8, response.StatusCode);
            })
            .WithName("PackCallback").RequirePermission(Permission.Public).WithMetadata(new Csrf.Exempt()).DisableAntiforgery()
            .WithSummary("A notification of an outside system to an activity pack (e.g. a payment provider's signed status notice); the pack checks its signature");
        return api;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBodyBytes)
            throw new ApiProblemException(413, "Payload Too Large", $"a notification may have at most {MaxBodyBytes} bytes");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                throw new ApiProblemException(413, "Payload Too Large", $"a notification may have at most {MaxBodyBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
