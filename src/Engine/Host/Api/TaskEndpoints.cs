using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The Postkorb's task API (contract: src/Designer/src/postkorb/api.ts): the views with counts, one task, its form and
/// case, and the commands — always as the caller (<c>http.Caller()</c>), never as a user named in a body. A task the
/// caller may not see answers 404 like an unknown one; a task completed meanwhile 409.
/// </summary>
internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tasks", (HttpContext http, string? view, string? sort, string? order, string? q, string? processId, string? assignee,
                string? candidateGroup, string? processInstanceId, string? columns, int? offset, int? limit) =>
            {
                var request = new TaskListRequest
                {
                    View = Parse(view, "view", TaskView.Mine), Sort = Parse(sort, "sort", InboxSort.Due), Descending = Order(order),
                    Text = q, ProcessId = processId, Assignee = assignee, CandidateGroup = candidateGroup, ProcessInstanceId = processInstanceId,
                    Columns = (columns ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(20).ToList(),
                    Page = PageRequest.From(offset, limit),
                };
                return Results.Ok(Tasks(http).List(http.Caller(), request));
            })
            .WithName("ListTasks").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("The caller's tasks of a view (mine, offered, group, overdue, followup, team), filtered, sorted (due, priority, created, name, businessKey) and paged")
            .Produces<Page<TaskDto>>().ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/tasks/counts", (HttpContext http) => Results.Ok(Tasks(http).Counts(http.Caller())))
            .WithName("CountTasks").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("How many tasks each view of the caller holds")
            .Produces<TaskCountsDto>();

        api.MapGet("/tasks/{id}", (HttpContext http, string id) => Results.Ok(Tasks(http).Get(http.Caller(), id)))
            .WithName("GetTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("One open task the caller may see")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tasks/{id}/form", (HttpContext http, string id) => Results.Ok(Tasks(http).Form(http.Caller(), id)))
            .WithName("GetTaskForm").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("The task's form: form-js (camunda:formKey), generated (camunda:formData) or none, prefilled from the variables")
            .Produces<FormDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tasks/{id}/case", (HttpContext http, string id) => Results.Ok(Tasks(http).Case(http.Caller(), id)))
            .WithName("GetTaskCase").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("The task's case: process and version, Aktenzeichen, current elements, history with who and when, variables the form does not show")
            .Produces<CaseDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tasks/{id}/claim", (HttpContext http, string id, ClaimRequest? body) => Results.Ok(Tasks(http).Claim(http.Caller(), id, body?.TakeOver ?? false)))
            .WithName("ClaimTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("Take the task; held by someone else and takeOver false: 409 with holder")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Claim));

        api.MapPost("/tasks/{id}/unclaim", (HttpContext http, string id) => Results.Ok(Tasks(http).Unclaim(http.Caller(), id)))
            .WithName("UnclaimTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Give the task back to its candidates")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tasks/{id}/delegate", (HttpContext http, string id, UserRequest? body) => Results.Ok(Tasks(http).Delegate(http.Caller(), id, body?.UserId)))
            .WithName("DelegateTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("Delegate to a person (Camunda): the owner stays, the delegate resolves it back")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.UserId));

        api.MapPost("/tasks/{id}/resolve", (HttpContext http, string id, ResolveRequest? body) => Results.Ok(Tasks(http).Resolve(http.Caller(), id, body?.Variables)))
            .WithName("ResolveTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("The delegate gives the task back to its owner with variables")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Complete));

        api.MapPost("/tasks/{id}/assign", (HttpContext http, string id, UserRequest? body) => Results.Ok(Tasks(http).Assign(http.Caller(), id, body?.UserId)))
            .WithName("AssignTask").RequirePermission(Permission.TaskAssign).WithMetadata(new GermanProblems())
            .WithSummary("A team lead of one of the task's groups (re)assigns it")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(new ExpectedBody(RequestBodies.UserId));

        api.MapPost("/tasks/{id}/follow-up", (HttpContext http, string id, FollowUpRequest? body) => Results.Ok(Tasks(http).FollowUp(http.Caller(), id, body?.FollowUp)))
            .WithName("SetTaskFollowUp").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems()).WithSummary("Set or remove the follow-up date (Wiedervorlage)")
            .Produces<TaskDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(new ExpectedBody(RequestBodies.FollowUp));

        api.MapPost("/tasks/{id}/complete", (HttpContext http, string id, CompleteRequest? body) =>
                // Idempotency-Key: a clerk's browser or a client that retries after a lost answer gets the first answer again.
                http.RequestServices.GetRequiredService<Idempotency.IdempotentRequests>().Once(http, http.Tenant().TenantId, $"complete task {id}", body, () =>
                {
                    var tasks = Tasks(http);
                    var caller = http.Caller();
                    var (_, row) = tasks.Visible(caller, id);
                    tasks.Complete(caller, id, body?.Variables, (r, v) => tasks.CheckedValues(r, v));
                    var view = tasks.Tenant.Engine.GetInstance(row.RootInstanceId);
                    return ProcessInstanceDto.From(view, view.ProcessId);
                }))
            .WithName("CompleteTask").RequirePermission(Permission.TaskWork).WithMetadata(new GermanProblems())
            .WithSummary("Complete the task with variables, checked against its form (400 with errors per field); four eyes: 403; answers the root instance")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(RequestBodies.Complete));
    }

    internal static TaskService Tasks(HttpContext http) => http.RequestServices.GetRequiredService<PostkorbServices>().Tasks(http);

    private static T Parse<T>(string? value, string name, T fallback) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (Enum.TryParse<T>(value, ignoreCase: true, out var v) && Enum.IsDefined(v) && !char.IsDigit(value[0])) return v;
        var known = Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]).ToList();
        var was = name switch { "view" => "Die Ansicht", "sort" => "Die Sortierung", _ => $"Den Wert für {name}" };
        throw ApiProblemException.Ungueltig($"{was} „{Kurz(value)}“ gibt es im Postkorb nicht ({name}). Möglich sind: {string.Join(", ", known)}.",
            string.Join(" | ", known));
    }

    private static bool Order(string? order) => order?.ToLowerInvariant() switch
    {
        null or "" or "asc" => false,
        "desc" => true,
        _ => throw ApiProblemException.Ungueltig($"Die Reihenfolge „{Kurz(order)}“ gibt es nicht (order): aufsteigend ist asc, absteigend desc.", "asc | desc"),
    };

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    private static string Kurz(string value) => new(value.Where(c => !char.IsControl(c)).Take(60).ToArray());

    /// <summary>The root instance of the instance a task or incident id (<c>instanceId.xN</c>) belongs to.</summary>
    internal static string RootOf(Tenancy.TenantEngine t, string id) =>
        t.Engine.Store.Load(t.TenantId, id[..id.IndexOf('.', StringComparison.Ordinal)])?.RootInstanceId
        ?? throw ApiProblemException.NotFound($"no process instance for '{id}'");
}
