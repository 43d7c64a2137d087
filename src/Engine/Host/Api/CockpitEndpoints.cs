using System.Text.Json;
using EGov.Workflows.Host.Cockpit;
using EGov.Workflows.Host.Migration;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Cockpit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The operators' cockpit (<c>/betrieb</c>, issue 11 item 7): the list of cases, where a case stands, changes with a
/// reason (variables, cancel) recorded in the case's journal, and batch operations on a filtered set in the background.
/// The page uses these and nothing else; each states the permission the same action needs anywhere else.
/// </summary>
internal static class CockpitEndpoints
{
    /// <summary>The most cases one batch takes.</summary>
    public const int MaxBatch = 50_000;
    private const int MaxReason = 500;

    internal static CockpitServices Cockpit(HttpContext http) => http.RequestServices.GetRequiredService<CockpitServices>();

    public static void MapCockpitEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/process-instances", (HttpContext http, string? processId, int? version, string? state, string? businessKey,
                string? startedFrom, string? startedTo, bool? withIncident, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var query = InstanceFilter.ToQuery(new InstanceFilterDto(processId, version, state, businessKey,
                    InstanceFilter.Time(startedFrom, "startedFrom"), InstanceFilter.Time(startedTo, "startedTo"), withIncident));
                var t = http.Tenant();
                var rows = t.Engine.Store.InstancesPage(t.TenantId, query, page.Offset, page.Limit);
                return Results.Ok(new Page<InstanceSummaryDto>(rows.Items.Select(r => new InstanceSummaryDto(r.Id, r.ProcessId, r.Version, r.BusinessKey,
                    InstanceFilter.StateName(r.Status), r.StartedAt.ToDateTimeOffset(), r.EndedAt?.ToDateTimeOffset(), r.OpenIncidents)).ToList(), page.Offset, page.Limit, rows.Total));
            })
            .WithName("ListProcessInstances").RequirePermission(Permission.InstanceRead)
            .WithSummary("Cases (root instances), newest first, paged on the server: ?processId=&version=&state=running|completed|terminated|incident&businessKey= (start of the Aktenzeichen)&startedFrom=&startedTo= (date or date-time; from inclusive, to exclusive)&withIncident=true|false&offset=&limit=")
            .Produces<Page<InstanceSummaryDto>>().ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/process-instances/{id}/activity", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                var tree = InstanceEndpoints.RequireInstance(t, id);
                return Results.Ok(InstanceActivity.Of(t, id, tree));
            })
            .WithName("GetProcessInstanceActivity").RequirePermission(Permission.InstanceRead)
            .WithSummary("Where a case stands, for its diagram: tokens per element (multi-instance: total, active, completed), the elements it passed through with how often, failures still being retried (before they become incidents), the instances it called")
            .Produces<InstanceActivityDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut("/process-instances/{id}/variables", (HttpContext http, string id, SetVariablesRequest? body) =>
            {
                var reason = Reason(body?.Reason, "the change of variables");
                if (body?.Variables is not { Count: > 0 } variables) throw ApiProblemException.BadRequest("no variables to set", SetVariablesShape);
                if (variables.Any(v => string.IsNullOrWhiteSpace(v.Key))) throw ApiProblemException.BadRequest("a variable name is empty", SetVariablesShape);
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                if (t.Engine.Store.Load(t.TenantId, id) is { IsEnded: true } ended)
                    throw ApiProblemException.Conflict($"process instance '{id}' has already ended ({ended.Status.ToString().ToLowerInvariant()}); its variables stay as they were");
                var caller = http.Caller().Id;
                t.Engine.SetVariables(id, variables, caller, reason);
                Cockpit(http).Record(t.TenantId, id, BatchKinds.SetVariables, reason, string.Join(", ", variables.Select(v => v.Key)), caller);
                var view = t.Engine.GetInstance(id);
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("SetProcessInstanceVariables").RequirePermission(Permission.InstanceOperate)
            .WithSummary("Set variables of a running case with a reason (required): the variable history records old → new, the caller and the reason; the case's journal the names")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(SetVariablesShape));

        api.MapPost("/process-instances/{id}/cancel", (HttpContext http, string id, CancelRequest? body) =>
            {
                var reason = Reason(body?.Reason, "a cancellation");
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                var caller = http.Caller().Id;
                t.Engine.CancelInstance(id, caller); // already ended: 409 (decided in the command)
                Cockpit(http).Record(t.TenantId, id, BatchKinds.Cancel, reason, null, caller);
                var view = t.Engine.GetInstance(id);
                return Results.Ok(ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("CancelProcessInstanceWithReason").RequirePermission(Permission.InstanceOperate)
            .WithSummary("Cancel a running case (and the instances it called) with a reason (required), recorded in the case's journal")
            .Produces<ProcessInstanceDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new ExpectedBody(CancelShape));

        api.MapGet("/process-instances/{id}/operator-actions", (HttpContext http, string id, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                var rows = Cockpit(http).Store.Actions(t.TenantId, id, page.Offset, page.Limit);
                return Results.Ok(new Page<OperatorActionDto>(rows.Items.Select(OperatorActionDto.From).ToList(), page.Offset, page.Limit, rows.Total));
            })
            .WithName("ListOperatorActions").RequirePermission(Permission.HistoryRead)
            .WithSummary("The case's operator journal, oldest first: retries, cancellation, variable changes and migrations with who, when and the reason")
            .Produces<Page<OperatorActionDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        MapBatches(api);
    }

    private static void MapBatches(RouteGroupBuilder api)
    {
        api.MapPost("/batches/retry", (HttpContext http, BatchRequest? body) => Create(http, BatchKinds.Retry, body))
            .WithName("BatchRetry").RequirePermission(Permission.IncidentOperate)
            .WithSummary("Retry every open incident of the selected cases with a reason (required: reason, or each case's own in reasons), in the background; 202 with the batch (progress at GET /api/batches/{id})")
            .Produces<BatchDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).WithMetadata(new ExpectedBody(BatchShape));
        api.MapPost("/batches/cancel", (HttpContext http, BatchRequest? body) => Create(http, BatchKinds.Cancel, body))
            .WithName("BatchCancel").RequirePermission(Permission.InstanceOperate)
            .WithSummary("Cancel the selected cases with a reason (required: reason, or each case's own in reasons), in the background; 202 with the batch")
            .Produces<BatchDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).WithMetadata(new ExpectedBody(BatchShape));
        api.MapPost("/batches/set-variables", (HttpContext http, BatchRequest? body) => Create(http, BatchKinds.SetVariables, body))
            .WithName("BatchSetVariables").RequirePermission(Permission.InstanceOperate)
            .WithSummary("Set variables on the selected running cases with a reason (required: reason, or each case's own in reasons), in the background; 202 with the batch")
            .Produces<BatchDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).WithMetadata(new ExpectedBody(BatchShape));
        api.MapPost("/batches/migrate", (HttpContext http, BatchRequest? body) => Create(http, BatchKinds.Migrate, body))
            .WithName("BatchMigrate").RequirePermission(Permission.Migrate)
            .WithSummary("Migrate the selected running cases of plan.processId version plan.fromVersion to plan.toVersion in the background; the plan is validated against them first (422 with the errors, nothing created)")
            .Produces<BatchDto>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(BatchShape));

        api.MapGet("/batches", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var rows = Cockpit(http).Store.Batches(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<BatchDto>(rows.Items.Select(BatchDto.From).ToList(), page.Offset, page.Limit, rows.Total));
            })
            .WithName("ListBatches").RequirePermission(Permission.InstanceRead)
            .WithSummary("The tenant's batch operations, newest first, with their progress")
            .Produces<Page<BatchDto>>();

        api.MapGet("/batches/{id}", (HttpContext http, string id) =>
                Results.Ok(BatchDto.From(Cockpit(http).Store.FindBatch(http.Tenant().TenantId, id) ?? throw ApiProblemException.NotFound($"no batch '{id}'"))))
            .WithName("GetBatch").RequirePermission(Permission.InstanceRead)
            .WithSummary("A batch operation: status running, completed or cancelled; total, succeeded, failed, skipped, pending")
            .Produces<BatchDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/batches/{id}/items", (HttpContext http, string id, string? status, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                if (status is not (null or BatchStates.Pending or BatchStates.Succeeded or BatchStates.Failed or BatchStates.Skipped))
                    throw ApiProblemException.BadRequest($"status '{status}' is unknown", "pending, succeeded, failed or skipped");
                var t = http.Tenant();
                if (Cockpit(http).Store.FindBatch(t.TenantId, id) is null) throw ApiProblemException.NotFound($"no batch '{id}'");
                var rows = Cockpit(http).Store.Items(t.TenantId, id, status, page.Offset, page.Limit);
                return Results.Ok(new Page<BatchItemDto>(rows.Items.Select(BatchItemDto.From).ToList(), page.Offset, page.Limit, rows.Total));
            })
            .WithName("ListBatchItems").RequirePermission(Permission.InstanceRead)
            .WithSummary("The result report of a batch: one line per case with its outcome and message; ?status= filters")
            .Produces<Page<BatchItemDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/batches/{id}/cancel", (HttpContext http, string id) =>
            {
                var t = http.Tenant();
                var c = Cockpit(http);
                var batch = c.Store.FindBatch(t.TenantId, id) ?? throw ApiProblemException.NotFound($"no batch '{id}'");
                if (!c.Store.Cancel(t.TenantId, id, c.Clock.GetCurrentInstant())) throw ApiProblemException.Conflict($"batch '{id}' is {batch.Status}, not running");
                return Results.Ok(BatchDto.From(c.Store.FindBatch(t.TenantId, id)!));
            })
            .WithName("StopBatch").RequirePermission(Permission.InstanceOperate)
            .WithSummary("Stop a running batch: the cases done stay done, the pending ones are left as they are")
            .Produces<BatchDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private const string SetVariablesShape = "{\"variables\": {name: value, …}, \"reason\": string (1–500 characters)}";
    private const string CancelShape = "{\"reason\": string (1–500 characters)}";
    private const string BatchShape = "{\"instanceIds\": [string] or \"filter\": {processId, version, state, businessKey, startedFrom, startedTo, withIncident}, " +
                                      "\"reason\": string (1–500 characters; required for retry, cancel and set-variables unless every case of instanceIds has its own), " +
                                      "\"reasons\": {instanceId: string} (a case's own reason for its journal), \"variables\": {…} (set-variables), \"plan\": {processId, fromVersion, toVersion, mapping} (migrate)}";

    private static string Reason(string? reason, string what)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw ApiProblemException.BadRequest($"a reason is required for {what}", "\"reason\": string (1–500 characters)");
        if (reason.Length > MaxReason) throw ApiProblemException.BadRequest($"the reason is longer than {MaxReason} characters", "\"reason\": string (1–500 characters)");
        return reason.Trim();
    }

    /// <summary>The cases' own reasons (by instance id), trimmed; 400 in German for an empty or too long one.</summary>
    private static Dictionary<string, string> CaseReasons(Dictionary<string, string?>? reasons)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reasons is null) return own;
        if (reasons.Count > MaxBatch) throw ApiProblemException.BadRequest($"„reasons“ nennt {reasons.Count} Vorgänge; eine Sammelaktion nimmt höchstens {MaxBatch}", BatchShape);
        foreach (var (id, text) in reasons)
        {
            if (string.IsNullOrWhiteSpace(text)) throw ApiProblemException.BadRequest($"Die Begründung für den Vorgang '{id}' ist leer.", BatchShape);
            if (text.Length > MaxReason) throw ApiProblemException.BadRequest($"Die Begründung für den Vorgang '{id}' ist länger als {MaxReason} Zeichen.", BatchShape);
            own[id] = text.Trim();
        }
        return own;
    }

    private static IResult Create(HttpContext http, string kind, BatchRequest? body)
    {
        if (body is null) throw ApiProblemException.BadRequest("no batch in the body", BatchShape);
        var own = CaseReasons(body.Reasons);
        // Retry, cancel and set-variables need a reason for every case: the batch's, or the case's own (reasons).
        string? reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Length > MaxReason ? Reason(body.Reason, "") : body.Reason.Trim();
        if (reason is null && kind is not BatchKinds.Migrate && (own.Count == 0 || body.InstanceIds is null))
            throw ApiProblemException.BadRequest(
                $"Eine Begründung ist erforderlich: „reason“ (1–{MaxReason} Zeichen) wird im Verlauf jedes Vorgangs festgehalten, oder jeder gewählte Vorgang bekommt unter „reasons“ seine eigene.",
                BatchShape);
        var t = http.Tenant();
        var filter = body.Filter ?? new InstanceFilterDto();
        string payload = "{}";
        switch (kind)
        {
            case BatchKinds.SetVariables:
                if (body.Variables is not { Count: > 0 }) throw ApiProblemException.BadRequest("no variables to set", BatchShape);
                if (body.Variables.Any(v => string.IsNullOrWhiteSpace(v.Key))) throw ApiProblemException.BadRequest("a variable name is empty", BatchShape);
                payload = body.Variables.ToJsonString();
                break;
            case BatchKinds.Migrate:
                if (body.Plan is not { } plan) throw ApiProblemException.BadRequest("no migration plan", BatchShape);
                filter = filter with { ProcessId = plan.ProcessId, Version = plan.FromVersion, State = filter.State is "incident" ? "incident" : "running" };
                break;
        }
        List<string> ids;
        if (body.InstanceIds is { } given)
        {
            if (given.Count == 0) throw ApiProblemException.BadRequest("instanceIds is empty", BatchShape);
            if (given.Count > MaxBatch) throw ApiProblemException.BadRequest($"{given.Count} cases; a batch takes at most {MaxBatch}", BatchShape);
            ids = given.Distinct(StringComparer.Ordinal).ToList();
            foreach (var id in ids)
                if (t.Engine.Store.InstanceTree(t.TenantId, id).Count == 0) throw ApiProblemException.NotFound($"no process instance '{id}'");
        }
        else ids = InstanceFilter.AllIds(t.Engine.Store, t.TenantId, InstanceFilter.ToQuery(filter), MaxBatch);
        if (ids.Count == 0) throw ApiProblemException.BadRequest("the selection matches no case", "a filter or instanceIds that match cases");
        if (own.Keys.FirstOrDefault(k => !ids.Contains(k, StringComparer.Ordinal)) is { } stranger)
            throw ApiProblemException.BadRequest($"„reasons“ nennt den Vorgang '{stranger}', der nicht zur Auswahl gehört.", BatchShape);
        if (reason is null && kind is not BatchKinds.Migrate && ids.FirstOrDefault(id => !own.ContainsKey(id)) is { } without)
            throw ApiProblemException.BadRequest($"Eine Begründung ist erforderlich: der Vorgang '{without}' hat keine eigene unter „reasons“, und „reason“ fehlt.", BatchShape);

        if (kind == BatchKinds.Migrate)
        {
            // The dry run over exactly these cases: a plan that does not validate creates nothing and migrates nothing.
            var plan = body.Plan! with { InstanceIds = ids };
            var validation = MigrationValidator.Validate(t, plan);
            if (!validation.Valid)
                throw new ApiProblemException(422, "Migration plan is not valid", $"{validation.Errors.Count} problem(s); nothing was migrated",
                    new Dictionary<string, object?> { ["errors"] = validation.Errors });
            payload = JsonSerializer.Serialize(plan with { InstanceIds = null }, BatchRunner.Json);
        }

        var c = Cockpit(http);
        var batch = new BatchOperation(Guid.NewGuid().ToString("N"), kind, reason, payload, JsonSerializer.Serialize(body.InstanceIds is null ? (object)filter : new { instanceIds = ids.Count }, BatchRunner.Json),
            http.Caller().Id, c.Clock.GetCurrentInstant(), BatchStates.Running, ids.Count, 0, 0, 0, null);
        c.Store.CreateBatch(t.TenantId, batch, ids, own);
        return Results.Accepted($"/api/batches/{batch.Id}", BatchDto.From(c.Store.FindBatch(t.TenantId, batch.Id)!));
    }
}
