using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>User tasks: the inbox, claim, complete. Completing a task twice answers 409, an unknown task 404.</summary>
internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tasks", (HttpContext http, string? assignee, string? candidateGroup, string? processInstanceId) =>
            {
                var tasks = http.Tenant().Engine.OpenUserTasks(string.IsNullOrEmpty(processInstanceId) ? null : processInstanceId)
                    .Where(x => string.IsNullOrEmpty(assignee) || x.Assignee == assignee)
                    .Where(x => string.IsNullOrEmpty(candidateGroup) || x.CandidateGroups.Contains(candidateGroup))
                    .Select(TaskDto.From).ToList();
                return Results.Ok(tasks);
            })
            .WithName("ListTasks").RequirePermission(Permission.TaskWork).WithSummary("Open user tasks, oldest first; filter by assignee, candidate group or root process instance")
            .Produces<List<TaskDto>>();

        api.MapGet("/tasks/{id}", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                var row = RequireOpenTask(t, id);
                return Results.Ok(t.Engine.OpenUserTasks(row.RootInstanceId).Where(x => x.Id == id).Select(TaskDto.From).First());
            })
            .WithName("GetTask").RequirePermission(Permission.TaskWork).WithSummary("One open user task").Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/tasks/{id}/claim", (HttpContext http, string id, ClaimRequest? body) =>
            {
                var t = http.Tenant();
                var row = RequireOpenTask(t, id);
                // Who acts is the caller; a body userId other than the caller's own id assigns the task to someone else,
                // which only team leads (TaskAssign) may do. userId null gives the task back.
                var caller = http.Caller();
                var user = body?.UserId;
                if (user is not null && user != caller.Id && !RolePermissions.Allows(caller, Permission.TaskAssign))
                    throw Refusals.Forbidden(http, $"'{caller.Id}' may claim a task only for itself (assigning to '{user}' needs the role teamlead)");
                if (user is not null && row.Task.Assignee is { } current && current != user)
                    throw ApiProblemException.Conflict($"task '{id}' is already claimed by '{current}'");
                t.Engine.ClaimUserTask(id, user, caller.Id);
                return Results.Ok(t.Engine.OpenUserTasks(row.RootInstanceId).Where(x => x.Id == id).Select(TaskDto.From).First());
            })
            .WithName("ClaimTask").RequirePermission(Permission.TaskWork).WithSummary("Claim a task for a user (userId null unclaims); 409 when another user holds it")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Claim));

        api.MapPost("/tasks/{id}/complete", (HttpContext http, string id, CompleteRequest? body) =>
            {
                var t = http.Tenant();
                // The completing user is the caller (a userId in the body is not trusted: it is ignored).
                t.Engine.CompleteUserTask(id, body?.Variables, http.Caller().Id); // unknown: 404, no longer open: 409 (decided in the command)
                var view = t.Engine.GetInstance(RootOf(t, id));
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("CompleteTask").RequirePermission(Permission.TaskWork).WithSummary("Complete a task with variables; answers the root instance. 409 when it was completed already")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Complete));
    }

    /// <summary>The root instance of the instance a task or incident id (<c>instanceId.xN</c>) belongs to.</summary>
    internal static string RootOf(TenantEngine t, string id) =>
        t.Engine.Store.Load(t.TenantId, id[..id.IndexOf('.', StringComparison.Ordinal)])?.RootInstanceId
        ?? throw ApiProblemException.NotFound($"no process instance for '{id}'");

    /// <summary>
    /// The open task, or: 404 when no such task ever existed for the tenant, 409 when it existed and is no longer open
    /// (completed, or cancelled with its instance). Task ids are <c>instanceId.uN</c>, N counted within the instance.
    /// </summary>
    internal static (string RootInstanceId, UserTaskState Task) RequireOpenTask(TenantEngine t, string id)
    {
        var dot = id.LastIndexOf('.');
        var state = dot > 0 ? t.Engine.Store.Load(t.TenantId, id[..dot]) : null;
        if (state is null) throw ApiProblemException.NotFound($"no task '{id}'");
        if (state.UserTasks.Find(x => x.Id == id) is { } task && !state.IsEnded) return (state.RootInstanceId, task);
        var suffix = id[(dot + 1)..];
        if (suffix.Length > 1 && suffix[0] == 'u' && long.TryParse(suffix[1..], out var n) && n <= state.Sequence)
            throw ApiProblemException.Conflict(state.IsEnded && state.UserTasks.Any(x => x.Id == id)
                ? $"task '{id}' is no longer open: its process instance has ended"
                : $"task '{id}' is no longer open: it was completed or cancelled");
        throw ApiProblemException.NotFound($"no task '{id}'");
    }
}
