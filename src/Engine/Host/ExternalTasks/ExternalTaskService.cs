using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.ExternalTasks;

/// <summary>
/// Camunda-7 external task semantics over the engine. Locks live in the instance document itself
/// (<see cref="ExternalTaskState.LockOwner"/>, <see cref="ExternalTaskState.LockExpiresAt"/>); the engine checks and
/// changes them in one command (the lock owner check of complete, failure, bpmnError and extendLock included), and the
/// store's optimistic concurrency decides races: two workers (or two nodes on one database) racing for a task — one
/// commit wins, the other sees a conflict and skips the task. A locked task is not fetched again until its lock expires.
/// The error details of failures are kept in this process only (the state has no field for them).
/// </summary>
public sealed class ExternalTaskService
{
    public const long MaxAsyncResponseTimeout = 1_800_000;

    /// <summary>Characters of a failure's errorDetails kept (a stack trace fits; a probe's 14 million characters do not).</summary>
    public const int MaxErrorDetails = 64 * 1024;

    /// <summary>
    /// The longest lock, lock extension or retry back-off a worker may ask for: a year. Camunda sets none, but a duration
    /// near long.MaxValue milliseconds lies beyond the calendar and must be a clear 400, not an overflow.
    /// </summary>
    public const long MaxDurationMilliseconds = 365L * 24 * 60 * 60 * 1000;

    internal static Duration Milliseconds(string name, long value) =>
        value <= MaxDurationMilliseconds ? Duration.FromMilliseconds(value)
            : throw CamundaRestException.Invalid($"{name} must not exceed {MaxDurationMilliseconds} ms (365 days)");
    private readonly ConcurrentDictionary<(string, string), string> _errorDetails = new();

    /// <summary>Locks up to maxTasks available tasks of the topics for the worker; [] when none is available.</summary>
    public List<LockedExternalTaskDto> FetchAndLock(TenantEngine tenant, FetchAndLockRequest request)
    {
        var worker = request.WorkerId!;
        var max = request.MaxTasks ?? 10;
        var topics = request.Topics!.Where(t => !string.IsNullOrEmpty(t.TopicName)).GroupBy(t => t.TopicName!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var now = tenant.Engine.Now;
        var candidates = tenant.Engine.Store.OpenExternalTasks(tenant.TenantId)
            .Where(r => !r.Task.Unbound && r.Task.Topic is { } topic && topics.ContainsKey(topic))
            .Where(r => IsFetchable(r.Task, now))
            .Where(r => Matches(topics[r.Task.Topic!], r, tenant.TenantId));
        candidates = request.UsePriority == true
            ? candidates.OrderByDescending(r => r.Task.Priority).ThenBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order)
            : candidates.OrderBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order);
        var locked = new List<LockedExternalTaskDto>();
        foreach (var row in candidates)
        {
            if (locked.Count >= max) break;
            var topic = topics[row.Task.Topic!];
            bool taken;
            try { taken = tenant.Engine.TryLockExternalTask(row.Task.Id, worker, Milliseconds("lockDuration", topic.LockDuration ?? 0)); }
            catch (WorkflowCommandException) { continue; } // ended or completed since the query
            if (!taken) continue;
            var state = tenant.Engine.Store.Load(tenant.TenantId, row.InstanceId);
            var task = state?.ExternalTasks.Find(x => x.Id == row.Task.Id);
            if (state is null || task is null) continue;
            locked.Add(ToLocked(tenant, state, task, topic));
        }
        return locked;
    }

    private static bool IsFetchable(ExternalTaskState t, Instant now) => WorkflowEngine.IsFetchable(t, now);

    private static bool Matches(FetchTopic t, ExternalTaskRow r, string tenantId) =>
        (t.BusinessKey is null || t.BusinessKey == r.BusinessKey)
        && (t.ProcessDefinitionKey is null || t.ProcessDefinitionKey == r.ProcessId)
        && (t.ProcessDefinitionKeyIn is null || t.ProcessDefinitionKeyIn.Contains(r.ProcessId))
        && (t.TenantIdIn is null || t.TenantIdIn.Contains(tenantId))
        && (t.ProcessDefinitionId is null || t.ProcessDefinitionId.StartsWith(r.ProcessId + ":", StringComparison.Ordinal))
        && (t.ProcessDefinitionIdIn is null || t.ProcessDefinitionIdIn.Any(id => id.StartsWith(r.ProcessId + ":", StringComparison.Ordinal)));

    private LockedExternalTaskDto ToLocked(TenantEngine tenant, ProcessInstanceState s, ExternalTaskState task, FetchTopic topic)
    {
        var vars = topic.LocalVariables == true ? Locals(s, task) : Visible(s, task);
        var only = topic.Variables is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : null;
        _errorDetails.TryGetValue((tenant.TenantId, task.Id), out var details);
        return new LockedExternalTaskDto(
            task.ElementId, task.TokenId, task.ErrorMessage, details, task.TokenId, task.Id, Format(task.LockExpiresAt), Format(task.CreatedAt),
            DefinitionId(s), s.ProcessId, null, s.Id, task.Retries, false, task.LockOwner, task.Topic, tenant.TenantId,
            CamundaVariables.ToTyped(vars, only), task.Priority, s.BusinessKey, []) { Traceparent = task.TraceParent };
    }

    public ExternalTaskDto ToDto(TenantEngine tenant, ProcessInstanceState s, ExternalTaskState task) => new(
        task.ElementId, task.TokenId, task.ErrorMessage, task.TokenId, task.Id, Format(task.LockExpiresAt), DefinitionId(s), s.ProcessId, s.Id,
        task.Retries, task.Suspended, task.LockOwner, task.Topic, tenant.TenantId, task.Priority, s.BusinessKey);

    public static string DefinitionId(ProcessInstanceState s) => $"{s.ProcessId}:{s.DefinitionVersion}";

    /// <summary>Camunda's date format: <c>2026-11-28T21:20:58.123+0000</c>.</summary>
    public static string? Format(Instant? i) =>
        i is { } v ? v.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000" : null;

    /// <summary>Variables the task's execution sees: process scope, then each nested scope down to its own, then its locals.</summary>
    private static JsonObject Visible(ProcessInstanceState s, ExternalTaskState task)
    {
        var token = s.Tokens.Find(t => t.Id == task.TokenId);
        var chain = new List<ScopeState>();
        for (var scope = s.Scopes.Find(x => x.Id == token?.ScopeId); scope is not null; scope = s.Scopes.Find(x => x.Id == scope.ParentScopeId))
            chain.Add(scope);
        var result = new JsonObject();
        for (var k = chain.Count - 1; k >= 0; k--)
            foreach (var (name, value) in chain[k].Variables) result[name] = value?.DeepClone();
        if (token?.Locals is { } locals) foreach (var (name, value) in locals) result[name] = value?.DeepClone();
        return result;
    }

    private static JsonObject Locals(ProcessInstanceState s, ExternalTaskState task) =>
        s.Tokens.Find(t => t.Id == task.TokenId)?.Locals?.DeepClone() as JsonObject ?? [];

    /// <summary>The open task, or Camunda's 404.</summary>
    public static (ProcessInstanceState State, ExternalTaskState Task) Require(TenantEngine tenant, string id)
    {
        var dot = id.LastIndexOf('.');
        var s = dot > 0 ? tenant.Engine.Store.Load(tenant.TenantId, id[..dot]) : null;
        var task = s is { IsEnded: false } ? s.ExternalTasks.Find(x => x.Id == id) : null;
        if (s is null || task is null) throw CamundaRestException.NotFound($"External task with id {id} does not exist");
        return (s, task);
    }

    // Each operation below: the request is checked here (Camunda's 400 InvalidRequest, 404 for a task that is not open),
    // the lock owner in the engine, in the same command as the change (Camunda's 400 for another worker's task).

    public void Complete(TenantEngine tenant, string id, CompleteExternalTaskRequest body)
    {
        Require(tenant, id);
        var worker = RequireWorker(body.WorkerId);
        var vars = Variables(body.Variables);
        var locals = Variables(body.LocalVariables);
        if (locals is not null) { vars ??= []; foreach (var (k, v) in locals) vars[k] = v?.DeepClone(); }
        AsCamunda(() => tenant.Engine.CompleteExternalTask(id, vars, worker));
        _errorDetails.TryRemove((tenant.TenantId, id), out _);
    }

    public void Failure(TenantEngine tenant, string id, FailureRequest body)
    {
        Require(tenant, id);
        var worker = RequireWorker(body.WorkerId);
        if (body.Retries is < 0) throw CamundaRestException.Invalid("retries must not be negative");
        if (body.RetryTimeout is < 0) throw CamundaRestException.Invalid("retryTimeout must not be negative");
        AsCamunda(() => tenant.Engine.FailExternalTask(id, body.ErrorMessage ?? "", body.Retries,
            body.RetryTimeout is { } ms ? Milliseconds("retryTimeout", ms) : null, worker));
        if (body.ErrorDetails is { } d) _errorDetails[(tenant.TenantId, id)] = d.Length <= MaxErrorDetails ? d : d[..MaxErrorDetails] + $"\n… ({d.Length - MaxErrorDetails} more characters cut)";
    }

    public void BpmnError(TenantEngine tenant, string id, BpmnErrorRequest body)
    {
        Require(tenant, id);
        var worker = RequireWorker(body.WorkerId);
        if (string.IsNullOrEmpty(body.ErrorCode)) throw CamundaRestException.Invalid("errorCode is required");
        AsCamunda(() => tenant.Engine.ThrowExternalTaskBpmnError(id, body.ErrorCode, body.ErrorMessage, Variables(body.Variables), worker));
        _errorDetails.TryRemove((tenant.TenantId, id), out _);
    }

    public void ExtendLock(TenantEngine tenant, string id, ExtendLockRequest body)
    {
        Require(tenant, id);
        if (body.NewDuration is not > 0) throw CamundaRestException.Invalid("newDuration must be a positive number of milliseconds");
        var worker = RequireWorker(body.WorkerId);
        var duration = Milliseconds("newDuration", body.NewDuration.Value);
        AsCamunda(() => tenant.Engine.ExtendExternalTaskLock(id, worker, duration));
    }

    /// <summary>Camunda's POST /{id}/lock: locks (or re-locks) one task for a worker.</summary>
    public void Lock(TenantEngine tenant, string id, LockRequest body)
    {
        Require(tenant, id);
        var worker = RequireWorker(body.WorkerId);
        if (body.LockDuration is not > 0) throw CamundaRestException.Invalid("lockDuration must be a positive number of milliseconds");
        var duration = Milliseconds("lockDuration", body.LockDuration.Value);
        AsCamunda(() => tenant.Engine.LockExternalTask(id, worker, duration));
    }

    public void Unlock(TenantEngine tenant, string id)
    {
        var (_, task) = Require(tenant, id);
        if (task.LockOwner is null && task.LockExpiresAt is null) return;
        AsCamunda(() => tenant.Engine.UnlockExternalTask(id));
    }

    private static string RequireWorker(string? workerId) =>
        string.IsNullOrEmpty(workerId) ? throw CamundaRestException.Invalid("workerId is required") : workerId;

    /// <summary>Runs an engine command; a refused lock becomes Camunda's 400, a task gone meanwhile its 404.</summary>
    private static void AsCamunda(Action command)
    {
        try { command(); }
        catch (ExternalTaskLockedException e) { throw CamundaRestException.BadUser(e.Message); }
        catch (WorkflowCommandException e) { throw CamundaRestException.NotFound(e.Message); }
    }

    public string? ErrorDetails(TenantEngine tenant, string id) => _errorDetails.TryGetValue((tenant.TenantId, id), out var d) ? d : null;

    private static JsonObject? Variables(JsonObject? typed)
    {
        try { return CamundaVariables.FromTyped(typed); }
        catch (FormatException e) { throw CamundaRestException.Invalid(e.Message); }
    }
}
