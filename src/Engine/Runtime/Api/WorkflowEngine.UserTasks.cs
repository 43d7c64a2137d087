using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime;

// The clerk's commands on a user task (Camunda 7 semantics): claim, unclaim, assign, delegate, resolve, follow-up.
// Each is one command; the checks that depend on the task's state (who holds it, its delegation) run inside it, so a
// refusal changes nothing and two clerks racing for one task cannot both win.
public sealed partial class WorkflowEngine
{
    /// <summary>One open user task with its instance's facts, or null when it is not open (any more).</summary>
    public InboxRow? FindOpenUserTask(string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var dot = taskId.LastIndexOf('.');
        if (dot <= 0) return null;
        var s = _core.Store.Load(_core.TenantId, taskId[..dot]);
        if (s is null || s.IsEnded || s.UserTasks.Find(t => t.Id == taskId) is not { } task) return null;
        return new InboxRow(s.TenantId, s.Id, s.RootInstanceId, s.ProcessId, s.DefinitionVersion, s.BusinessKey, task);
    }

    /// <summary>
    /// Claims the task for <paramref name="userId"/>. When someone else holds it and <paramref name="takeOver"/> is
    /// false, refuses with <see cref="UserTaskHeldException"/> naming the holder (a group task is never taken over by
    /// one click).
    /// </summary>
    public void ClaimUserTask(string taskId, string userId, bool takeOver, string? onBehalfOf = null) => Run(r =>
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var (_, task) = UserTask(r, taskId);
        if (task.Assignee is { } holder && holder != userId && !takeOver) throw new UserTaskHeldException(taskId, holder);
        task.Assignee = userId;
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>Gives the task back to its candidates (no assignee). A delegated task goes back by resolving it instead.</summary>
    public void UnclaimUserTask(string taskId, string userId, string? onBehalfOf = null) => Run(r =>
    {
        var (_, task) = UserTask(r, taskId);
        if (task.DelegationState == DelegationState.Pending)
            throw new WorkflowCommandException($"task '{taskId}' is delegated: the delegate resolves it, which gives it back to '{task.Owner}'",
                RefusalReason.TaskDelegated, ("taskId", taskId), ("owner", task.Owner ?? ""));
        task.Assignee = null;
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>
    /// Sets the assignee (a team lead's reassignment); null frees the task. The history names who acted
    /// (<paramref name="userId"/>, the team lead) and, as detail, to whom (<c>to NAME</c>) or from whom (<c>from NAME</c>).
    /// </summary>
    public void AssignUserTask(string taskId, string? assignee, string userId) => Run(r =>
    {
        var (_, task) = UserTask(r, taskId);
        var was = task.Assignee;
        task.Assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (task.Assignee is { } a) r.History.TaskOutcome(taskId, TaskEvent.Assigned, userId, $"to {a}");
        else if (was is not null) r.History.TaskOutcome(taskId, TaskEvent.Unassigned, userId, $"from {was}");
    }, userId: userId);

    /// <summary>
    /// Delegates the task (Camunda): the owner (the present holder, or whoever delegates a free task) stays and gets it
    /// back when the delegate resolves it; the delegate becomes the assignee; the delegation state is pending.
    /// </summary>
    public void DelegateUserTask(string taskId, string delegateUserId, string userId, string? onBehalfOf = null) => Run(r =>
    {
        ArgumentException.ThrowIfNullOrEmpty(delegateUserId);
        var (_, task) = UserTask(r, taskId);
        task.Owner ??= task.Assignee ?? onBehalfOf ?? userId;
        task.Assignee = delegateUserId;
        task.DelegationState = DelegationState.Pending;
        r.History.TaskOutcome(taskId, TaskEvent.Delegated, delegateUserId, $"owner {task.Owner}");
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>
    /// The delegate is done: sets the variables (as completing would), the task goes back to its owner, the delegation
    /// state becomes resolved. Refused when the task is not delegated.
    /// </summary>
    public void ResolveUserTask(string taskId, JsonObject? variables, string userId, string? onBehalfOf = null) => Run(r =>
    {
        var (i, task) = UserTask(r, taskId);
        if (task.DelegationState != DelegationState.Pending)
            throw new WorkflowCommandException($"task '{taskId}' is not delegated: only a delegated task is resolved (complete it instead)",
                RefusalReason.TaskNotDelegated, ("taskId", taskId));
        if (variables is { Count: > 0 } && i.Token(task.TokenId) is { } token) new VariableScope(i, token).SetAll(variables);
        task.Assignee = task.Owner;
        task.DelegationState = DelegationState.Resolved;
        r.History.TaskOutcome(taskId, TaskEvent.Resolved, userId, task.Owner is null ? null : $"back to {task.Owner}");
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>Sets (or with null removes) the task's follow-up date (Wiedervorlage).</summary>
    public void SetUserTaskFollowUp(string taskId, Instant? followUp, string userId, string? onBehalfOf = null) => Run(r =>
    {
        var (_, task) = UserTask(r, taskId);
        task.FollowUpDate = followUp;
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>The user task's element attribute in its deployed model (e.g. egov:fourEyes, camunda:formKey as written), or null.</summary>
    public string? UserTaskAttribute(string processId, int version, string elementId, System.Xml.Linq.XName attribute) =>
        _core.Version(processId, version) is { } g && g.Nodes.TryGetValue(elementId, out var n) ? n.Element.Attribute(attribute) : null;

    /// <summary>The name of an element of a deployed version, or null.</summary>
    public string? ElementName(string processId, int version, string elementId) =>
        _core.Version(processId, version) is { } g && g.Nodes.TryGetValue(elementId, out var n) ? n.Name : null;

    /// <summary>The inbox query over open user tasks (see <see cref="InboxQuery"/>), when the store keeps the task index.</summary>
    public InboxPage QueryInbox(InboxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var inbox = _core.Store as ITaskInbox ?? throw new NotSupportedException("this store keeps no task index");
        return inbox.QueryInbox(_core.TenantId, query);
    }

    /// <summary>How many open user tasks match each query (the counts per view), in one go.</summary>
    public IReadOnlyList<long> CountInbox(IReadOnlyList<InboxQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var inbox = _core.Store as ITaskInbox ?? throw new NotSupportedException("this store keeps no task index");
        return inbox.CountInbox(_core.TenantId, queries);
    }

    private static (Inst Instance, UserTaskState Task) UserTask(Runner r, string taskId)
    {
        var i = InstanceOf(r, taskId, 'u', "task");
        var task = i.S.UserTasks.Find(x => x.Id == taskId) ?? throw Gone(i, taskId, 'u', "task");
        r.TargetElementId = task.ElementId;
        return (i, task);
    }

    /// <summary>egov:fourEyes: refused when <paramref name="userId"/> completed the named task in the same case.</summary>
    private void CheckFourEyes(Inst i, UserTaskState task, string userId)
    {
        if (!i.G.Nodes.TryGetValue(task.ElementId, out var node) || node.Element.Attribute(EgovAttributes.FourEyes) is not { } other) return;
        other = other.Trim();
        if (other.Length == 0) return;
        var done = _core.Store.TaskHistory(_core.TenantId, i.S.RootInstanceId)
            .Any(h => h.Kind == TaskKind.User && h.Event == TaskEvent.Completed && h.ElementId == other && h.UserId == userId);
        if (!done) return;
        var otherName = i.G.Nodes.TryGetValue(other, out var o) && o.Name is { Length: > 0 } n ? n : other;
        throw new FourEyesException(task.Id, other,
            $"Vier-Augen-Prinzip: Sie haben „{otherName}“ in diesem Vorgang selbst erledigt. Diese Aufgabe muss deshalb eine andere Person abschließen.");
    }
}

/// <summary>Someone else holds the task and taking it over was not asked for: an API answers 409 naming the holder.</summary>
public sealed class UserTaskHeldException : WorkflowCommandException
{
    public UserTaskHeldException(string taskId, string holder) : base($"task '{taskId}' is held by '{holder}'", RefusalReason.TaskHeld, ("taskId", taskId), ("holder", holder))
        => (TaskId, Holder) = (taskId, holder);
    public UserTaskHeldException() : this("", "") { }
    public UserTaskHeldException(string message) : base(message) => (TaskId, Holder) = ("", "");
    public UserTaskHeldException(string message, Exception inner) : base(message, inner) => (TaskId, Holder) = ("", "");
    public string TaskId { get; }
    public string Holder { get; }
}

/// <summary>The four-eyes rule (egov:fourEyes) refuses the completion; the message (German) says why. An API answers 403.</summary>
public sealed class FourEyesException : WorkflowCommandException
{
    public FourEyesException(string taskId, string otherElementId, string message) : base(message) => (TaskId, OtherElementId) = (taskId, otherElementId);
    public FourEyesException() : this("", "", "") { }
    public FourEyesException(string message) : this("", "", message) { }
    public FourEyesException(string message, Exception inner) : base(message, inner) => (TaskId, OtherElementId) = ("", "");
    public string TaskId { get; }
    public string OtherElementId { get; }
}
