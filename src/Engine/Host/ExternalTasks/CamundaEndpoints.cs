using EGov.Workflows.Host.Lifecycle;
using EGov.Workflows.Host.Security;
using System.Text.Json;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.ExternalTasks;

/// <summary>
/// Camunda-7-compatible external tasks under /engine-rest, so existing Camunda workers (camunda-external-task-client-js,
/// the Java client) connect unchanged: fetchAndLock with long polling, complete, failure, bpmnError, extendLock, lock,
/// unlock. Answers are <c>application/json</c> exactly (the JS client checks that header), errors Camunda's
/// <c>{"type", "message"}</c>. The tenant is the X-Tenant header (default tenant without it).
/// </summary>
public static class CamundaEndpoints
{
    public static IEndpointRouteBuilder MapCamundaEngineRest(this IEndpointRouteBuilder app)
    {
        var rest = app.MapGroup("/engine-rest").OnCommandLane(app); // as /api: handlers on the command lane (issue 21, item 6)
        rest.MapGet("/engine", () => Json(new[] { new { name = "default" } })).WithName("CamundaEngines").RequirePermission(Permission.ExternalTaskWork).WithTags("engine-rest");
        rest.MapGet("/version", () => Json(new { version = "7.22.0" })).WithName("CamundaVersion").RequirePermission(Permission.ExternalTaskWork).WithTags("engine-rest");

        var ext = rest.MapGroup("/external-task").WithTags("engine-rest").RequirePermission(Permission.ExternalTaskWork);
        ext.MapPost("/fetchAndLock", (Delegate)FetchAndLock).WithName("CamundaFetchAndLock")
            .WithSummary("Lock up to maxTasks tasks of the topics for a worker; waits up to asyncResponseTimeout ms for one");
        ext.MapGet("/", (HttpContext http, string? topicName, string? workerId, bool? locked, string? processInstanceId, int? firstResult, int? maxResults) =>
            {
                var tenant = http.Tenant();
                var svc = http.RequestServices.GetRequiredService<ExternalTaskService>();
                var now = tenant.Engine.Now;
                // Camunda's paging parameters, bounded: at most 500 per request (the total is in X-Total-Count).
                if (firstResult is < 0 || maxResults is < 0 or > Api.PageRequest.MaxLimit)
                    throw CamundaRestException.Invalid($"firstResult must be ≥ 0 and maxResults between 0 and {Api.PageRequest.MaxLimit}");
                var skip = firstResult ?? 0;
                var take = maxResults ?? Api.PageRequest.MaxLimit;
                // Topic, instance, lock holder and lock expiry are columns: the store filters and reads only the page.
                var page = workerId is null && locked is null
                    ? tenant.Engine.Store.OpenExternalTasksPage(tenant.TenantId, topicName, processInstanceId, skip, take)
                    : tenant.Engine.Store.OpenExternalTasksPage(tenant.TenantId, topicName, processInstanceId, workerId, locked, now, skip, take);
                var (rows, total) = (page.Items, page.Total);
                http.Response.Headers[Api.BoundedList.TotalHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Json(rows.Select(r => svc.ToDto(tenant, tenant.Engine.Store.Load(tenant.TenantId, r.InstanceId)!, r.Task)).ToList());
            }).WithName("CamundaListExternalTasks");
        ext.MapGet("/{id}", (HttpContext http, string id) =>
            {
                var tenant = http.Tenant();
                var (s, task) = ExternalTaskService.Require(tenant, id);
                return Json(http.RequestServices.GetRequiredService<ExternalTaskService>().ToDto(tenant, s, task));
            }).WithName("CamundaGetExternalTask");
        ext.MapGet("/{id}/errorDetails", (HttpContext http, string id) =>
            {
                var tenant = http.Tenant();
                ExternalTaskService.Require(tenant, id);
                return Results.Text(http.RequestServices.GetRequiredService<ExternalTaskService>().ErrorDetails(tenant, id) ?? "", "text/plain");
            }).WithName("CamundaGetExternalTaskErrorDetails");
        ext.MapPost("/{id}/complete", (HttpContext http, string id, CompleteExternalTaskRequest? body) =>
            http.RequestServices.GetRequiredService<Idempotency.IdempotentRequests>().Once(http, http.Tenant().TenantId, $"complete external task {id}", body, () =>
            {
                http.RequestServices.GetRequiredService<ExternalTaskService>().Complete(http.Tenant(), id, body ?? new(null, null, null));
                return null;
            })).WithName("CamundaCompleteExternalTask");
        ext.MapPost("/{id}/failure", (HttpContext http, string id, FailureRequest? body) =>
            http.RequestServices.GetRequiredService<Idempotency.IdempotentRequests>().Once(http, http.Tenant().TenantId, $"failure of external task {id}", body, () =>
            {
                http.RequestServices.GetRequiredService<ExternalTaskService>().Failure(http.Tenant(), id, body ?? new(null, null, null, null, null));
                return null;
            })).WithName("CamundaFailExternalTask");
        ext.MapPost("/{id}/bpmnError", (HttpContext http, string id, BpmnErrorRequest? body) =>
            http.RequestServices.GetRequiredService<Idempotency.IdempotentRequests>().Once(http, http.Tenant().TenantId, $"bpmn error of external task {id}", body, () =>
            {
                http.RequestServices.GetRequiredService<ExternalTaskService>().BpmnError(http.Tenant(), id, body ?? new(null, null, null, null));
                return null;
            })).WithName("CamundaBpmnErrorExternalTask");
        ext.MapPost("/{id}/extendLock", (HttpContext http, string id, ExtendLockRequest? body) =>
            Do(http, svc => svc.ExtendLock(http.Tenant(), id, body ?? new(null, null)))).WithName("CamundaExtendLockExternalTask");
        ext.MapPost("/{id}/lock", (HttpContext http, string id, LockRequest? body) =>
            Do(http, svc => svc.Lock(http.Tenant(), id, body ?? new(null, null)))).WithName("CamundaLockExternalTask");
        ext.MapPost("/{id}/unlock", (HttpContext http, string id) =>
            Do(http, svc => svc.Unlock(http.Tenant(), id))).WithName("CamundaUnlockExternalTask");
        return app;
    }

    private static IResult Do(HttpContext http, Action<ExternalTaskService> action)
    {
        action(http.RequestServices.GetRequiredService<ExternalTaskService>());
        return Results.NoContent();
    }

    private static async Task<IResult> FetchAndLock(HttpContext http, FetchAndLockRequest? body)
    {
        if (body is null) throw CamundaRestException.Invalid("the body must be a fetchAndLock request: {workerId, maxTasks, topics: [{topicName, lockDuration}]}");
        if (string.IsNullOrEmpty(body.WorkerId)) throw CamundaRestException.Invalid("workerId is required");
        if (body.MaxTasks is < 0) throw CamundaRestException.Invalid("maxTasks must not be negative");
        if (body.Topics is null) throw CamundaRestException.Invalid("topics are required");
        foreach (var t in body.Topics)
        {
            if (string.IsNullOrEmpty(t.TopicName)) throw CamundaRestException.Invalid("every topic needs a topicName");
            if (t.LockDuration is not > 0) throw CamundaRestException.Invalid($"topic '{t.TopicName}': lockDuration must be a positive number of milliseconds");
            if (t.LockDuration > ExternalTaskService.MaxDurationMilliseconds)
                throw CamundaRestException.Invalid($"topic '{t.TopicName}': lockDuration must not exceed {ExternalTaskService.MaxDurationMilliseconds} ms (365 days)");
        }
        if (body.AsyncResponseTimeout is > ExternalTaskService.MaxAsyncResponseTimeout)
            throw CamundaRestException.Invalid($"asyncResponseTimeout must not exceed {ExternalTaskService.MaxAsyncResponseTimeout} ms");
        var caller = http.Caller();
        if (body.Topics.FirstOrDefault(t => !caller.MayWorkTopic(t.TopicName!)) is { } refused)
            throw Refusals.Forbidden(http, $"client '{caller.Id}' may not fetch topic '{refused.TopicName}' (its topics: {(caller.Topics.Count == 0 ? "none" : string.Join(", ", caller.Topics))})");
        var tenant = http.Tenant();
        var svc = http.RequestServices.GetRequiredService<ExternalTaskService>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(body.AsyncResponseTimeout ?? 0);
        while (true)
        {
            var locked = svc.FetchAndLock(tenant, body);
            if (locked.Count > 0 || DateTime.UtcNow >= deadline || body.MaxTasks == 0) return Json(locked);
            try { await Task.Delay(TimeSpan.FromMilliseconds(150), http.RequestAborted); }
            catch (OperationCanceledException) { return Json(Array.Empty<object>()); }
        }
    }

    /// <summary>JSON with the content type exactly <c>application/json</c>, as Camunda sends it.</summary>
    internal static IResult Json(object value, int status = 200) => new ExactJsonResult(value, status);

    private sealed class ExactJsonResult(object value, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, value, value.GetType(), JsonSerializerOptions.Web, httpContext.RequestAborted);
        }
    }
}
