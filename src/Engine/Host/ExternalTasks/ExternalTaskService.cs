using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.ExternalTasks;

/// <summary>
/// Camunda-7 external task semantics over the engine. Locks live in the instance document itself
/// (<see cref="ExternalTaskState.LockOwner"/>, <see cref="ExternalTaskState.LockExpiresAt"/>) and are taken through the
/// store's optimistic concurrency: two workers (or two nodes on one database) racing for a task — one commit wins,
/// the other sees a conflict and skips the task. A locked task is not fetched again until its lock expires.
/// The error details of failures are kept in this process only (the state has no field for them).
/// </summary>
public sealed class ExternalTaskService
{
    public const long MaxAsyncResponseTimeout = 1_800_000;
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
            var state = tenant.Engine.Store.Load(tenant.TenantId, row.InstanceId);
            var task = state?.ExternalTasks.Find(x => x.Id == row.Task.Id);
            if (state is null || state.IsEnded || task is null || !IsFetchable(task, now)) continue;
            task.LockOwner = worker;
            task.LockExpiresAt = now + Duration.FromMilliseconds(topic.LockDuration ?? 0);
            if (!TryCommit(tenant, state)) continue;
            locked.Add(ToLocked(tenant, state, task, topic));
        }
        return locked;
    }

    private static bool IsFetchable(ExternalTaskState t, Instant now) =>
        !t.Suspended && t.AvailableAt <= now && (t.LockOwner is null || t.LockExpiresAt is not { } until || until <= now);

    private static bool Matches(FetchTopic t, ExternalTaskRow r, string tenantId) =>
        (t.BusinessKey is null || t.BusinessKey == r.BusinessKey)
        && (t.ProcessDefinitionKey is null || t.ProcessDefinitionKey == r.ProcessId)
        && (t.ProcessDefinitionKeyIn is null || t.ProcessDefinitionKeyIn.Contains(r.ProcessId))
        && (t.TenantIdIn is null || t.TenantIdIn.Contains(tenantId))
        && (t.ProcessDefinitionId is null || t.ProcessDefinitionId.StartsWith(r.ProcessId + ":", StringComparison.Ordinal))
        && (t.ProcessDefinitionIdIn is null || t.ProcessDefinitionIdIn.Any(id => id.StartsWith(r.ProcessId + ":", StringComparison.Ordinal)));

    private static bool TryCommit(TenantEngine tenant, ProcessInstanceState state)
    {
        try
        {
            var changes = new RuntimeChangeSet { TenantId = tenant.TenantId };
            changes.Instances.Add(state);
            tenant.Engine.Store.Commit(changes);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            return false;
        }
    }

    private LockedExternalTaskDto ToLocked(TenantEngine tenant, ProcessInstanceState s, ExternalTaskState task, FetchTopic topic)
    {
        var vars = topic.LocalVariables == true ? Locals(s, task) : Visible(s, task);
        var only = topic.Variables is { } names ? new HashSet<string>(names, StringComparer.Ordinal) : null;
        _errorDetails.TryGetValue((tenant.TenantId, task.Id), out var details);
        return new LockedExternalTaskDto(
            task.ElementId, task.TokenId, task.ErrorMessage, details, task.TokenId, task.Id, Format(task.LockExpiresAt), Format(task.CreatedAt),
            DefinitionId(s), s.ProcessId, null, s.Id, task.Retries, false, task.LockOwner, task.Topic, tenant.TenantId,
            CamundaVariables.ToTyped(vars, only), task.Priority, s.BusinessKey, []);
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

    /// <summary>Camunda: only the worker holding the lock may complete, fail, or report a BPMN error.</summary>
    public static void RequireLockedBy(ExternalTaskState task, string? workerId, string verb)
    {
        if (string.IsNullOrEmpty(workerId)) throw CamundaRestException.Invalid("workerId is required");
        if (task.LockOwner != workerId)
            throw CamundaRestException.BadUser($"External Task {task.Id} cannot be {verb} by worker '{workerId}'. It is locked by worker '{task.LockOwner ?? "null"}'.");
    }

    public void Complete(TenantEngine tenant, string id, CompleteExternalTaskRequest body)
    {
        var (_, task) = Require(tenant, id);
        RequireLockedBy(task, body.WorkerId, "completed");
        var vars = Variables(body.Variables);
        var locals = Variables(body.LocalVariables);
        if (locals is not null) { vars ??= []; foreach (var (k, v) in locals) vars[k] = v?.DeepClone(); }
        tenant.Engine.CompleteExternalTask(id, vars);
        _errorDetails.TryRemove((tenant.TenantId, id), out _);
    }

    public void Failure(TenantEngine tenant, string id, FailureRequest body)
    {
        var (_, task) = Require(tenant, id);
        RequireLockedBy(task, body.WorkerId, "failed");
        if (body.Retries is < 0) throw CamundaRestException.Invalid("retries must not be negative");
        if (body.RetryTimeout is < 0) throw CamundaRestException.Invalid("retryTimeout must not be negative");
        tenant.Engine.FailExternalTask(id, body.ErrorMessage ?? "", body.Retries, body.RetryTimeout is { } ms ? Duration.FromMilliseconds(ms) : null);
        if (body.ErrorDetails is { } d) _errorDetails[(tenant.TenantId, id)] = d;
        // Camunda unlocks a failed task; the runtime keeps the lock when no retries are left (incident), so a retried
        // incident would stay locked by the failed worker until the lock expired.
        try { Unlock(tenant, id); }
        catch (CamundaRestException) { }
        catch (ConcurrencyConflictException) { }
    }

    public void BpmnError(TenantEngine tenant, string id, BpmnErrorRequest body)
    {
        var (_, task) = Require(tenant, id);
        RequireLockedBy(task, body.WorkerId, "reported with a BPMN error");
        if (string.IsNullOrEmpty(body.ErrorCode)) throw CamundaRestException.Invalid("errorCode is required");
        tenant.Engine.ThrowExternalTaskBpmnError(id, body.ErrorCode, body.ErrorMessage, Variables(body.Variables));
        _errorDetails.TryRemove((tenant.TenantId, id), out _);
    }

    public void ExtendLock(TenantEngine tenant, string id, ExtendLockRequest body)
    {
        var (s, task) = Require(tenant, id);
        if (body.NewDuration is not > 0) throw CamundaRestException.Invalid("newDuration must be a positive number of milliseconds");
        if (string.IsNullOrEmpty(body.WorkerId)) throw CamundaRestException.Invalid("workerId is required");
        var now = tenant.Engine.Now;
        if (task.LockOwner is null || task.LockExpiresAt is not { } until || until <= now)
            throw CamundaRestException.BadUser($"The lock of the External Task {id} cannot be extended: it is not locked (or the lock has expired).");
        if (task.LockOwner != body.WorkerId)
            throw CamundaRestException.BadUser($"The lock of the External Task {id} cannot be extended by worker '{body.WorkerId}'. It is locked by worker '{task.LockOwner}'.");
        task.LockExpiresAt = now + Duration.FromMilliseconds(body.NewDuration.Value);
        if (!TryCommit(tenant, s)) throw new ConcurrencyConflictException($"external task {id} changed while its lock was extended");
    }

    /// <summary>Camunda's POST /{id}/lock: locks (or re-locks) one task for a worker.</summary>
    public void Lock(TenantEngine tenant, string id, LockRequest body)
    {
        var (s, task) = Require(tenant, id);
        if (string.IsNullOrEmpty(body.WorkerId)) throw CamundaRestException.Invalid("workerId is required");
        if (body.LockDuration is not > 0) throw CamundaRestException.Invalid("lockDuration must be a positive number of milliseconds");
        var now = tenant.Engine.Now;
        if (task.LockOwner is { } owner && owner != body.WorkerId && task.LockExpiresAt is { } until && until > now)
            throw CamundaRestException.BadUser($"External Task {id} cannot be locked by worker '{body.WorkerId}'. It is locked by worker '{owner}'.");
        task.LockOwner = body.WorkerId;
        task.LockExpiresAt = now + Duration.FromMilliseconds(body.LockDuration.Value);
        if (!TryCommit(tenant, s)) throw new ConcurrencyConflictException($"external task {id} changed while it was locked");
    }

    public void Unlock(TenantEngine tenant, string id)
    {
        var (s, task) = Require(tenant, id);
        if (task.LockOwner is null && task.LockExpiresAt is null) return;
        task.LockOwner = null;
        task.LockExpiresAt = null;
        if (!TryCommit(tenant, s)) throw new ConcurrencyConflictException($"external task {id} changed while it was unlocked");
    }

    public string? ErrorDetails(TenantEngine tenant, string id) => _errorDetails.TryGetValue((tenant.TenantId, id), out var d) ? d : null;

    private static JsonObject? Variables(JsonObject? typed)
    {
        try { return CamundaVariables.FromTyped(typed); }
        catch (FormatException e) { throw CamundaRestException.Invalid(e.Message); }
    }
}
