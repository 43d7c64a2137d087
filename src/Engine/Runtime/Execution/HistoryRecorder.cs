using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// Writes the detailed history of one command: variable changes, task and incident events. It remembers how each
/// instance looked when the command loaded it and compares at commit, so every path that changes a variable or removes
/// a task (behaviours, mappings, scripts, interrupting events, termination) is recorded without each of them knowing.
/// A command declares only what a comparison cannot tell: why a task or incident went away (completed, resolved).
/// </summary>
internal sealed class HistoryRecorder(bool enabled)
{
    private readonly Dictionary<string, Baseline> _baselines = new(StringComparer.Ordinal);
    // Both created on first use: most commands (every straight-through start) declare no outcome.
    private Dictionary<string, (TaskEvent Event, string? UserId, string? Detail)>? _taskOutcomes;
    private HashSet<string>? _resolvedIncidents;

    /// <summary>False at <see cref="HistoryLevel.Activity"/>: nothing is recorded, so callers need not prepare anything for it.</summary>
    public bool Enabled => enabled;

    /// <summary>The engine command being recorded (its method name).</summary>
    public string Command { get; set; } = "";

    /// <summary>The user or worker on whose behalf the command runs, when the caller said.</summary>
    public string? UserId { get; set; }

    /// <summary>The absent user <see cref="UserId"/> stands in for (Vertretung), recorded with every task event of the command.</summary>
    public string? OnBehalfOf { get; set; }

    private sealed record Baseline(
        Dictionary<string, (string ElementId, JsonObject Variables)> Scopes,
        Dictionary<string, (string ElementId, string? Assignee)> UserTasks,
        Dictionary<string, (string ElementId, string? LockOwner, Instant? LockExpiresAt)> ExternalTasks,
        Dictionary<string, IncidentState> Incidents); // incidents never change, they only come and go: references suffice

    /// <summary>How every new instance starts: shared, because a baseline is only ever read.</summary>
    private static readonly Baseline NothingYet = new([], [], [], []);

    /// <summary>Remembers an instance as the command found it (a new instance starts from nothing).</summary>
    public void Observe(ProcessInstanceState s, bool isNew)
    {
        if (!enabled || _baselines.ContainsKey(s.Id)) return;
        _baselines[s.Id] = isNew
            ? NothingYet
            : new Baseline(
                s.Scopes.ToDictionary(x => x.Id, x => (x.ElementId, (JsonObject)x.Variables.DeepClone()), StringComparer.Ordinal),
                s.UserTasks.ToDictionary(x => x.Id, x => (x.ElementId, x.Assignee), StringComparer.Ordinal),
                s.ExternalTasks.ToDictionary(x => x.Id, x => (x.ElementId, x.LockOwner, x.LockExpiresAt), StringComparer.Ordinal),
                s.Incidents.ToDictionary(x => x.Id, StringComparer.Ordinal));
    }

    /// <summary>The command ends this task this way (completed, BPMN error) or reports this about it (failure).</summary>
    public void TaskOutcome(string taskId, TaskEvent outcome, string? userId = null, string? detail = null) =>
        (_taskOutcomes ??= new(StringComparer.Ordinal))[taskId] = (outcome, userId ?? UserId, detail);

    /// <summary>Local variables written this command (token locals), recorded as they were written: they may be gone at commit.</summary>
    private List<(Inst Inst, string TokenId, string ElementId, string Name, VariableChange Change, string? Old, string? New)>? _locals;

    /// <summary>
    /// A token's local variable was set (input mapping, loop counter, <c>setVariableLocal</c>, an activity's result): recorded
    /// with the token as its scope and the activity as the scope's element.
    /// </summary>
    public void LocalChanged(Inst i, TokenState t, string name, bool existed, JsonNode? was, JsonNode? value)
    {
        if (!enabled) return;
        (_locals ??= []).Add((i, t.Id, t.ElementId, name, existed ? VariableChange.Updated : VariableChange.Created, existed ? Json(was) : null, Json(value)));
    }

    /// <summary>The command resolves this incident (a retry).</summary>
    public void IncidentResolved(string incidentId) => (_resolvedIncidents ??= new(StringComparer.Ordinal)).Add(incidentId);

    /// <summary>
    /// Compares every instance with how the command found it and adds the history rows to the change set; per instance,
    /// what ended is told before what began (an interrupting timer cancels one task, then creates the next).
    /// </summary>
    public void Emit(IEnumerable<Inst> instances, Instant now, RuntimeChangeSet changes)
    {
        if (!enabled) return;
        if (_locals is not null)
            foreach (var l in _locals)
                changes.VariableHistory.Add(new VariableChangeRecord
                {
                    Id = l.Inst.NextId("hv"), TenantId = l.Inst.S.TenantId, InstanceId = l.Inst.Id, RootInstanceId = l.Inst.S.RootInstanceId,
                    ProcessId = l.Inst.S.ProcessId, ScopeId = l.TokenId, ScopeElementId = l.ElementId, Name = l.Name, Change = l.Change,
                    OldValue = l.Old, NewValue = l.New, At = now, Command = Command, UserId = UserId,
                });
        foreach (var i in instances)
        {
            if (!_baselines.TryGetValue(i.Id, out var before)) continue;
            Variables(i, before, now, changes);
            UserTasks(i, before, now, changes);
            ExternalTasks(i, before, now, changes);
            Incidents(i, before, now, changes);
        }
    }

    private void Variables(Inst i, Baseline before, Instant now, RuntimeChangeSet changes)
    {
        foreach (var scope in i.S.Scopes)
        {
            var existed = before.Scopes.TryGetValue(scope.Id, out var old);
            if (!existed && scope.HasNoVariables) continue; // a new scope without variables: nothing happened to record
            foreach (var (name, value) in scope.Variables)
            {
                if (existed && old.Variables.TryGetPropertyValue(name, out var was))
                {
                    if (!JsonNode.DeepEquals(was, value)) changes.VariableHistory.Add(Variable(i, scope, name, VariableChange.Updated, Json(was), Json(value), now));
                }
                else changes.VariableHistory.Add(Variable(i, scope, name, VariableChange.Created, null, Json(value), now));
            }
            if (!existed) continue;
            foreach (var (name, was) in old.Variables)
                if (!scope.Variables.ContainsKey(name))
                    changes.VariableHistory.Add(Variable(i, scope, name, VariableChange.Deleted, Json(was), null, now));
        }
    }

    private static string Json(JsonNode? value) => value?.ToJsonString() ?? "null";

    private VariableChangeRecord Variable(Inst i, ScopeState scope, string name, VariableChange change, string? oldValue, string? newValue, Instant now) => new()
    {
        Id = i.NextId("hv"), TenantId = i.S.TenantId, InstanceId = i.Id, RootInstanceId = i.S.RootInstanceId, ProcessId = i.S.ProcessId,
        ScopeId = scope.Id, ScopeElementId = scope.ElementId, Name = name, Change = change, OldValue = oldValue, NewValue = newValue,
        At = now, Command = Command, UserId = UserId,
    };

    private void UserTasks(Inst i, Baseline before, Instant now, RuntimeChangeSet changes)
    {
        foreach (var (id, was) in before.UserTasks)
            if (!i.S.UserTasks.Exists(x => x.Id == id))
                changes.TaskHistory.Add(Ended(i, id, TaskKind.User, was.ElementId, was.Assignee, now));
        foreach (var task in i.S.UserTasks)
        {
            if (!before.UserTasks.TryGetValue(task.Id, out var was))
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.User, task.ElementId, TaskEvent.Created, task.Assignee, null, now));
            else if (_taskOutcomes is not null && _taskOutcomes.TryGetValue(task.Id, out var o))
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.User, task.ElementId, o.Event, o.UserId ?? task.Assignee, o.Detail, now));
            else if (was.Assignee != task.Assignee)
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.User, task.ElementId,
                    task.Assignee is null ? TaskEvent.Unassigned : TaskEvent.Assigned, task.Assignee ?? was.Assignee, null, now));
        }
    }

    private void ExternalTasks(Inst i, Baseline before, Instant now, RuntimeChangeSet changes)
    {
        foreach (var (id, was) in before.ExternalTasks)
            if (!i.S.ExternalTasks.Exists(x => x.Id == id))
                changes.TaskHistory.Add(Ended(i, id, TaskKind.External, was.ElementId, was.LockOwner, now));
        foreach (var task in i.S.ExternalTasks)
        {
            if (!before.ExternalTasks.TryGetValue(task.Id, out var was))
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.External, task.ElementId, TaskEvent.Created, null, task.Topic, now));
            else if (_taskOutcomes is not null && _taskOutcomes.TryGetValue(task.Id, out var o))
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.External, task.ElementId, o.Event, o.UserId ?? was.LockOwner, o.Detail, now));
            else if (was.LockOwner != task.LockOwner)
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.External, task.ElementId,
                    task.LockOwner is null ? TaskEvent.Unlocked : TaskEvent.Locked, task.LockOwner ?? was.LockOwner, null, now));
            else if (was.LockExpiresAt != task.LockExpiresAt && task.LockOwner is not null)
                changes.TaskHistory.Add(Task(i, task.Id, TaskKind.External, task.ElementId, TaskEvent.LockExtended, task.LockOwner, null, now));
        }
    }

    /// <summary>A task that went away: as the command declared (completed, BPMN error), else cancelled with the reason.</summary>
    private TaskEventRecord Ended(Inst i, string taskId, TaskKind kind, string elementId, string? holder, Instant now) =>
        _taskOutcomes is not null && _taskOutcomes.TryGetValue(taskId, out var o)
            ? Task(i, taskId, kind, elementId, o.Event, o.UserId ?? holder, o.Detail, now)
            : Task(i, taskId, kind, elementId, TaskEvent.Cancelled, holder, WhyGone(i), now);

    private string WhyGone(Inst i) => i.S.Status switch
    {
        InstanceStatus.Completed => "the process instance completed",
        InstanceStatus.Terminated => $"the process instance was terminated ({Command})",
        _ => $"its element was cancelled ({Command})",
    };

    private TaskEventRecord Task(Inst i, string taskId, TaskKind kind, string elementId, TaskEvent e, string? userId, string? detail, Instant now) => new()
    {
        Id = i.NextId("ht"), TenantId = i.S.TenantId, InstanceId = i.Id, RootInstanceId = i.S.RootInstanceId, ProcessId = i.S.ProcessId,
        TaskId = taskId, Kind = kind, ElementId = elementId, Event = e, UserId = userId, Detail = detail, At = now, Command = Command,
        OnBehalfOf = kind == TaskKind.User && e is not (TaskEvent.Created or TaskEvent.Cancelled) ? OnBehalfOf : null,
    };

    private void Incidents(Inst i, Baseline before, Instant now, RuntimeChangeSet changes)
    {
        foreach (var was in before.Incidents.Values)
            if (!i.S.Incidents.Exists(x => x.Id == was.Id))
                changes.IncidentHistory.Add(_resolvedIncidents?.Contains(was.Id) == true
                    ? Incident(i, was, IncidentEvent.Resolved, was.Message, now)
                    : was.Details is null
                        ? Incident(i, was, IncidentEvent.Deleted, $"{was.Message} (deleted: {WhyGone(i)})", now)
                        : Incident(i, was, IncidentEvent.Deleted, was.Message, now, $"{was.Details} (deleted: {WhyGone(i)})"));
        foreach (var inc in i.S.Incidents)
            if (!before.Incidents.ContainsKey(inc.Id))
                changes.IncidentHistory.Add(Incident(i, inc, IncidentEvent.Created, inc.Message, now));
    }

    private IncidentEventRecord Incident(Inst i, IncidentState inc, IncidentEvent e, string message, Instant now, string? details = null) => new()
    {
        Id = i.NextId("hi"), TenantId = i.S.TenantId, InstanceId = i.Id, RootInstanceId = i.S.RootInstanceId, ProcessId = i.S.ProcessId,
        IncidentId = inc.Id, IncidentKind = inc.Kind, ElementId = inc.ElementId, Event = e, Message = message, Details = details ?? inc.Details,
        At = now, Command = Command,
    };
}
