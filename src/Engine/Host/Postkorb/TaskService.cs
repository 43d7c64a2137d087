using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>The views of the Postkorb.</summary>
public enum TaskView { Mine, Offered, Group, Overdue, Followup, Team }

/// <summary>A list request: a view, its filters, sort and page, and extra columns (process variables).</summary>
public sealed record TaskListRequest
{
    public TaskView View { get; init; } = TaskView.Mine;
    public InboxSort Sort { get; init; } = InboxSort.Due;
    public bool Descending { get; init; }
    public string? Text { get; init; }
    public string? ProcessId { get; init; }
    public string? Assignee { get; init; }
    public string? CandidateGroup { get; init; }
    /// <summary>Only the tasks of one case (root process instance).</summary>
    public string? ProcessInstanceId { get; init; }
    public IReadOnlyList<string> Columns { get; init; } = [];
    public PageRequest Page { get; init; } = new(0, PageRequest.DefaultLimit);
}

/// <summary>
/// The clerk's work on user tasks for one tenant, always as a <see cref="Caller"/>: the views and their counts from the
/// task index, one task, and the commands (claim, unclaim, delegate, resolve, assign, follow-up, complete). A task the
/// caller may not see is answered as unknown (404); one they see but may not change this way, 403 with the reason.
/// </summary>
public sealed partial class TaskService(TenantEngine tenant, IPostkorbStore data, IClock clock)
{
    public TenantEngine Tenant { get; } = tenant;
    private WorkflowEngine Engine => Tenant.Engine;

    /// <summary>The caller's access rules now: their own identity and the absences they stand in for.</summary>
    public TaskAccess Access(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // Another tenant's caller stands in for nobody here; every entry point answers them as unknown anyway.
        return new TaskAccess(caller, TaskAccess.IsMember(caller, Tenant.TenantId) ? data.AbsentUsersFor(Tenant.TenantId, caller.Id, clock.GetCurrentInstant()) : []);
    }

    /// <summary>The query a view answers for this caller, with the request's filters (an empty principal list matches nothing).</summary>
    public InboxQuery Query(TaskAccess a, TaskListRequest r)
    {
        var now = clock.GetCurrentInstant();
        if (!TaskAccess.IsMember(a.Caller, Tenant.TenantId)) return new InboxQuery();
        var q = r.View switch
        {
            TaskView.Mine => new InboxQuery { Principals = a.Mine() },
            TaskView.Offered => new InboxQuery { Principals = a.Offered(), Unassigned = true },
            TaskView.Group => new InboxQuery { Principals = a.Groups() },
            TaskView.Team => new InboxQuery { Principals = a.LedGroups.Select(InboxPrincipal.Group).ToList() },
            TaskView.Overdue => new InboxQuery { Principals = a.AllPrincipals(), DueBefore = now },
            _ => new InboxQuery { Principals = a.AllPrincipals(), FollowUpUntil = now },
        };
        return q with
        {
            Text = string.IsNullOrWhiteSpace(r.Text) ? null : r.Text.Trim(),
            ProcessId = string.IsNullOrWhiteSpace(r.ProcessId) ? null : r.ProcessId.Trim(),
            Assignee = string.IsNullOrWhiteSpace(r.Assignee) ? null : r.Assignee.Trim(),
            CandidateGroup = string.IsNullOrWhiteSpace(r.CandidateGroup) ? null : r.CandidateGroup.Trim(),
            RootInstanceId = string.IsNullOrWhiteSpace(r.ProcessInstanceId) ? null : r.ProcessInstanceId.Trim(),
            Sort = r.Sort, Descending = r.Descending, Offset = r.Page.Offset, Limit = r.Page.Limit,
        };
    }

    public Page<TaskDto> List(Caller caller, TaskListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var a = Access(caller);
        var page = Engine.QueryInbox(Query(a, request));
        var columns = request.Columns.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var variables = columns.Count == 0 ? null : new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var items = page.Items.Select(row => TaskDto.From(row, a.OnBehalfOf(row.Task), variables is null ? null : Columns(row.RootInstanceId, columns, variables))).ToList();
        return new Page<TaskDto>(items, request.Page.Offset, request.Page.Limit, page.Total);
    }

    /// <summary>The count of every view, in one statement on the durable stores.</summary>
    public TaskCountsDto Counts(Caller caller)
    {
        var a = Access(caller);
        var views = Enum.GetValues<TaskView>();
        var counts = Engine.CountInbox(views.Select(v => Query(a, new TaskListRequest { View = v })).ToList());
        return new TaskCountsDto(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }

    /// <summary>The task as the caller sees it, or 404 when it is not open or not theirs to see.</summary>
    public TaskDto Get(Caller caller, string taskId)
    {
        var (a, row) = Visible(caller, taskId);
        return TaskDto.From(row, a.OnBehalfOf(row.Task));
    }

    /// <summary>
    /// The open task if the caller may see it. Not visible and not open answer alike (404), so nobody learns whether a
    /// task of another group or tenant exists; a task the caller could see that is completed answers 409.
    /// </summary>
    public (TaskAccess Access, InboxRow Row) Visible(Caller caller, string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var a = Access(caller);
        if (!TaskAccess.IsMember(caller, Tenant.TenantId)) throw NotFound(taskId);
        var row = Engine.FindOpenUserTask(taskId);
        if (row is null && WasHandedOut(taskId)) throw NoLongerOpen(taskId);
        if (row is null || !a.CanSee(row.Task)) throw NotFound(taskId);
        return (a, row);
    }

    /// <summary>
    /// A task id of an instance of this tenant that the instance handed out (<c>instanceId.uN</c>, N counted in the
    /// instance): the task existed and is over. Only ids of one's own tenant get this answer (409); they are unguessable.
    /// </summary>
    private bool WasHandedOut(string taskId)
    {
        var dot = taskId.LastIndexOf('.');
        if (dot <= 0) return false;
        var s = Engine.Store.Load(Tenant.TenantId, taskId[..dot]);
        var suffix = taskId[(dot + 1)..];
        return s is not null && suffix.Length > 1 && suffix[0] == 'u'
            && long.TryParse(suffix.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= s.Sequence;
    }

    internal static ApiProblemException NotFound(string taskId) => Coded(ApiProblemException.NichtGefunden(
        $"Die Aufgabe „{Kurz(taskId)}“ gibt es in Ihrem Postkorb nicht: vielleicht ist sie erledigt oder einer anderen Gruppe zugeordnet. Laden Sie den Postkorb neu."),
        RefusalReason.TaskNotFound);

    private static ApiProblemException NoLongerOpen(string taskId) => Coded(ApiProblemException.Konflikt(
        $"Die Aufgabe „{Kurz(taskId)}“ ist nicht mehr offen: sie wurde inzwischen erledigt oder abgebrochen. Laden Sie den Postkorb neu."),
        RefusalReason.TaskNoLongerOpen);

    // ---------- commands ----------

    /// <summary>Claims the task; held by someone else without <paramref name="takeOver"/>: 409 naming the holder.</summary>
    public TaskDto Claim(Caller caller, string taskId, bool takeOver)
    {
        var (a, row) = Visible(caller, taskId);
        if (a.MayDeputise(row.Task.Assignee)) return TaskDto.From(row, a.OnBehalfOf(row.Task)); // a deputy works it as it is
        return Command(caller, taskId, () => Engine.ClaimUserTask(taskId, a.Me, takeOver));
    }

    /// <summary>Gives the task back to its candidates: its holder (or their deputy) or a team lead of its group.</summary>
    public TaskDto Unclaim(Caller caller, string taskId)
    {
        var (a, row) = Visible(caller, taskId);
        if (row.Task.Assignee is null) return TaskDto.From(row, null);
        if (!a.Holds(row.Task) && !a.LeadsGroupOf(row.Task))
            throw Forbidden($"Die Aufgabe „{Kurz(taskId)}“ bearbeitet „{Kurz(row.Task.Assignee)}“: zurückgeben können sie nur „{Kurz(row.Task.Assignee)}“ selbst, "
                + "die Vertretung oder die Teamleitung ihrer Gruppe.", row.Task.Assignee);
        return Command(caller, taskId, () => Engine.UnclaimUserTask(taskId, a.Me, a.OnBehalfOf(row.Task)));
    }

    /// <summary>Delegates the task to a person (Camunda): the caller must hold it (or own it, or stand in for its holder).</summary>
    public TaskDto Delegate(Caller caller, string taskId, string? delegateUserId)
    {
        if (string.IsNullOrWhiteSpace(delegateUserId))
            throw ApiProblemException.Ungueltig("Bitte geben Sie an, an wen Sie die Aufgabe delegieren: die Benutzerkennung der Person (userId).", "{\"userId\": string}");
        var (a, row) = Visible(caller, taskId);
        if (!a.Holds(row.Task) && row.Task.Owner != a.Me)
            throw HeldOrFree(taskId, row.Task, "delegieren");
        return Command(caller, taskId, () => Engine.DelegateUserTask(taskId, delegateUserId.Trim(), a.Me, a.OnBehalfOf(row.Task)));
    }

    /// <summary>The delegate gives the task back to its owner with variables.</summary>
    public TaskDto Resolve(Caller caller, string taskId, JsonObject? variables)
    {
        var (a, row) = Visible(caller, taskId);
        if (!a.Holds(row.Task)) throw HeldOrFree(taskId, row.Task, "erledigt zurückgeben");
        return Command(caller, taskId, () => Engine.ResolveUserTask(taskId, variables, a.Me, a.OnBehalfOf(row.Task)));
    }

    /// <summary>A team lead of one of the task's candidate groups (re)assigns it.</summary>
    public TaskDto Assign(Caller caller, string taskId, string? userId)
    {
        var (a, row) = Visible(caller, taskId);
        if (!a.LeadsGroupOf(row.Task))
            throw Forbidden(row.Task.CandidateGroups.Count == 0
                ? $"Die Aufgabe „{Kurz(taskId)}“ gehört zu keiner Gruppe: zuweisen kann sie hier niemand als Teamleitung."
                : $"Zuweisen kann die Aufgabe „{Kurz(taskId)}“ nur die Teamleitung einer ihrer Gruppen ({Kurz(string.Join(", ", row.Task.CandidateGroups))}).", null);
        return Command(caller, taskId, () => Engine.AssignUserTask(taskId, userId, a.Me));
    }

    /// <summary>Sets or removes the follow-up date (Wiedervorlage): anyone who sees the task.</summary>
    public TaskDto FollowUp(Caller caller, string taskId, DateTimeOffset? followUp)
    {
        var (a, row) = Visible(caller, taskId);
        return Command(caller, taskId, () => Engine.SetUserTaskFollowUp(taskId, followUp is { } f ? Instant.FromDateTimeOffset(f) : null, a.Me, a.OnBehalfOf(row.Task)));
    }

    /// <summary>
    /// Completes the task as the caller: its holder or their deputy, or any candidate while it is free. Before anything
    /// is written, <paramref name="check"/> checks the submitted values (the form) and answers the values to write.
    /// Four eyes: 403 with the reason.
    /// </summary>
    public void Complete(Caller caller, string taskId, JsonObject? variables, Func<InboxRow, JsonObject?, JsonObject?>? check = null)
    {
        var (a, row) = Visible(caller, taskId);
        if (row.Task.Assignee is not null && !a.Holds(row.Task))
            throw HeldOrFree(taskId, row.Task, "abschließen");
        if (check is not null) variables = check(row, variables);
        try
        {
            Engine.CompleteUserTask(taskId, variables, a.Me, a.OnBehalfOf(row.Task));
        }
        catch (FourEyesException e)
        {
            throw new ApiProblemException(403, "Vier-Augen-Prinzip", e.Message, new Dictionary<string, object?> { ["rule"] = "fourEyes", ["otherTask"] = e.OtherElementId });
        }
        catch (WorkflowCommandException e) when (Deutsch(taskId, e) is { } problem)
        {
            throw problem;
        }
    }

    private TaskDto Command(Caller caller, string taskId, Action command)
    {
        try
        {
            command();
        }
        catch (WorkflowCommandException e) when (Deutsch(taskId, e) is { } problem)
        {
            throw problem;
        }
        // The task as the command left it, even when the caller no longer sees it (a delegate who resolved it).
        var a = Access(caller);
        var row = Engine.FindOpenUserTask(taskId) ?? throw NoLongerOpen(taskId);
        return TaskDto.From(row, a.OnBehalfOf(row.Task));
    }

    /// <summary>
    /// The engine's refusal of a command on a user task in the clerk's words, by its reason (<see cref="WorkflowCommandException.Reason"/>),
    /// never by its English wording; the status as before, the reason as <c>code</c>. Null for a refusal without a reason of user
    /// tasks (the general answer then).
    /// </summary>
    internal static ApiProblemException? Deutsch(string taskId, WorkflowCommandException e)
    {
        string V(string name) => e.Values.TryGetValue(name, out var v) ? Kurz(v) : "?";
        var task = Kurz(taskId);
        return e.Reason switch
        {
            RefusalReason.TaskHeld => Coded(new ApiProblemException(409, ApiProblemException.TitelKonflikt,
                $"Die Aufgabe „{task}“ bearbeitet inzwischen „{V("holder")}“. Übernehmen Sie sie nur nach Absprache (takeOver: true).",
                new Dictionary<string, object?> { ["holder"] = e.Values.GetValueOrDefault("holder") }), e.Reason),
            RefusalReason.TaskDelegated => Coded(new ApiProblemException(400, TitelNichtMoeglich, e.Values.ContainsKey("delegate")
                ? $"Die Aufgabe „{task}“ ist an „{V("delegate")}“ delegiert: „{V("delegate")}“ gibt sie erledigt an „{V("owner")}“ zurück, danach schließt „{V("owner")}“ sie ab."
                : $"Die Aufgabe „{task}“ ist delegiert: wer sie bearbeitet, gibt sie erledigt an „{V("owner")}“ zurück. Freigeben lässt sie sich erst danach.",
                new Dictionary<string, object?> { ["owner"] = e.Values.GetValueOrDefault("owner") }), e.Reason),
            RefusalReason.TaskNotDelegated => Coded(new ApiProblemException(400, TitelNichtMoeglich,
                $"Die Aufgabe „{task}“ ist nicht delegiert: erledigt zurückgeben lässt sich nur eine delegierte Aufgabe. Schließen Sie sie stattdessen ab."), e.Reason),
            RefusalReason.TaskNoLongerOpen => NoLongerOpen(taskId),
            RefusalReason.TaskNotFound => NotFound(taskId),
            _ => null,
        };
    }

    /// <summary>The title of a command the task's state does not allow (400).</summary>
    public const string TitelNichtMoeglich = "Nicht möglich";

    /// <summary>The title of a 403 the clerk reads.</summary>
    public const string TitelKeineBerechtigung = "Keine Berechtigung";

    private static ApiProblemException Coded(ApiProblemException problem, RefusalReason reason)
    {
        problem.Extensions["code"] = Api.FristEndpoints.Code(reason);
        return problem;
    }

    private static ApiProblemException Forbidden(string detail, string? holder) =>
        new(403, TitelKeineBerechtigung, detail, holder is null ? null : new Dictionary<string, object?> { ["holder"] = holder });

    /// <summary>The task is someone else's or free, and <paramref name="tun"/> (German infinitive: delegieren, abschließen) needs its holder.</summary>
    private static ApiProblemException HeldOrFree(string taskId, UserTaskState t, string tun) => t.Assignee is { } holder
        ? new ApiProblemException(409, ApiProblemException.TitelKonflikt,
            $"Die Aufgabe „{Kurz(taskId)}“ bearbeitet „{Kurz(holder)}“: nur wer sie bearbeitet, kann sie {tun}. Übernehmen Sie sie zuerst (nach Absprache).",
            new Dictionary<string, object?> { ["holder"] = holder })
        : ApiProblemException.Konflikt($"Die Aufgabe „{Kurz(taskId)}“ ist frei: übernehmen Sie sie zuerst, dann können Sie sie {tun}.");

    /// <summary>A value quoted in a message: without control characters, at most 60 characters.</summary>
    internal static string Kurz(string? value) => new((value ?? "").Where(c => !char.IsControl(c)).Take(60).ToArray());

    /// <summary>The requested process variables of a root instance (read once per instance and page).</summary>
    private JsonObject Columns(string rootInstanceId, List<string> columns, Dictionary<string, JsonObject> cache)
    {
        if (!cache.TryGetValue(rootInstanceId, out var all))
        {
            var s = Engine.Store.Load(Tenant.TenantId, rootInstanceId);
            all = s?.Scopes.Find(x => x.Kind == ScopeKind.Process)?.Variables ?? [];
            cache[rootInstanceId] = all;
        }
        var o = new JsonObject();
        foreach (var c in columns)
            if (all.TryGetPropertyValue(c, out var v)) o[c] = v?.DeepClone();
        return o;
    }
}
