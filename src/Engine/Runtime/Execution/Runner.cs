using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;
using EGov.Workflows.Runtime.Behaviours;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// One command's unit of work: loads the instances it touches, runs tokens through their behaviours until every
/// token waits (an agenda of small operations, no deep recursion), then commits documents and history in one go.
/// </summary>
internal sealed partial class Runner : IDisposable
{
    private readonly Dictionary<string, Inst> _loaded = new(StringComparer.Ordinal);
    private readonly Queue<AgendaItem> _agenda = new();
    private readonly RuntimeChangeSet _changes;
    private long _historySeq;
    private readonly AssignmentTracker _assignments = new();

    private readonly long _startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private int _steps;
    private int _instancesCreated;
    /// <summary>How many process instances this command created (the open-instance quota counts them after the commit).</summary>
    public int InstancesCreated => _instancesCreated;
    /// <summary>The tenant's open instances when this command created its first one: asked once, the command's own are counted above.</summary>
    private long? _openAtStart;

    public Runner(EngineCore core)
    {
        Core = core;
        Now = core.Clock.GetCurrentInstant();
        _changes = new RuntimeChangeSet { TenantId = core.TenantId };
        History = new HistoryRecorder(core.HistoryLevel == HistoryLevel.Full);
    }

    public EngineCore Core { get; }
    public Instant Now { get; }
    public ExpressionEvaluator Evaluator => Core.Evaluator;
    public RuntimeChangeSet Changes => _changes;
    /// <summary>Variable, task and incident history of this command (written at commit).</summary>
    public HistoryRecorder History { get; }

    // ---------- unit of work ----------

    public Inst? Load(string instanceId)
    {
        if (_loaded.TryGetValue(instanceId, out var i)) return i;
        var s = Core.Store.Load(Core.TenantId, instanceId);
        if (s is null) return null;
        var g = Core.Version(s.ProcessId, s.DefinitionVersion)
            ?? throw new InvalidOperationException($"process '{s.ProcessId}' version {s.DefinitionVersion} is not deployed");
        i = new Inst(s, g) { VariableLimits = Core.VariableLimits, History = History };
        _loaded[instanceId] = i;
        History.Observe(s, isNew: false);
        _assignments.Observe(s);
        return i;
    }

    public Inst Require(string instanceId) => Load(instanceId) ?? throw new KeyNotFoundException($"no process instance '{instanceId}'");

    public IEnumerable<Inst> Loaded => _loaded.Values;

    public void Schedule(Action op) => _agenda.Enqueue(new AgendaItem(null, null, op));

    /// <summary>The token will run its node's behaviour (the agenda's common item, without a closure).</summary>
    public void ScheduleExecute(Inst i, TokenState t) => _agenda.Enqueue(new AgendaItem(i, t, null));

    /// <summary>One operation on the agenda: run a token's behaviour (<c>Inst</c> and <c>Token</c>), or any other action.</summary>
    private readonly record struct AgendaItem(Inst? Inst, TokenState? Token, Action? Other);

    /// <summary>Runs the agenda until every token waits, fires inclusive joins and conditions, then commits.</summary>
    public void RunAndCommit()
    {
        Drain();
        // A command that overran its time inside one step (an activity that ignored the deadline) must not commit late:
        // its job executor may have given up on it and handed the job to another try already.
        if (System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt) > Core.CommandLimits.MaxDuration.ToTimeSpan())
            throw Budget($"ran longer than {Core.CommandLimits.MaxDuration.TotalSeconds:0.###} s", null, null);
        History.Emit(_loaded.Values, Now, _changes);
        _assignments.Emit(_loaded.Values, History.UserId, Now, _changes);
        foreach (var i in _loaded.Values) _changes.Instances.Add(i.S);
        _changes.HandsOverDocuments = true; // the runner ends here: nothing reads or changes its documents after the commit
        if (_instancesCreated > 0 && Core.InstanceQuota is { } quota) _changes.OpenInstanceLimit = quota.Limit; // a shared store checks it again
        using (var commit = EngineTelemetry.Source.StartActivity("commit"))
        {
            commit?.SetTag(EngineTelemetry.TenantTag, Core.TenantId);
            commit?.SetTag("egov.commit.instances", _changes.Instances.Count);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            Core.Store.Commit(_changes);
            if (EngineTelemetry.CommitDuration.Enabled)
                EngineTelemetry.CommitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        if (Core.DueWorkCreated is { } wake && LeftDueWork()) wake(Core.TenantId);
        RunCancelHooks();
    }

    /// <summary>A committed instance holds a job due now (not held by an incident): the job executor should not sleep on it.</summary>
    private bool LeftDueWork()
    {
        foreach (var s in _changes.Instances)
            if (!s.IsEnded)
                foreach (var j in s.Jobs)
                    if (!j.Suspended && j.DueAt <= Now) return true;
        return false;
    }

    /// <summary>The element the command acts on (a task's, a start event's); else the first element it stepped through.</summary>
    public string? TargetElementId { get; set; }
    private string? _firstElementId;

    /// <summary>
    /// Tags a command's span with what it touched: tenant, the first instance it loaded or created (and how many), the process,
    /// the element. Ids only — the status of a failed command names the exception's type, not its message (which may quote a value).
    /// </summary>
    public void Describe(System.Diagnostics.Activity span, string command, string outcome, Exception? failed)
    {
        span.SetTag(EngineTelemetry.CommandTag, command);
        span.SetTag(EngineTelemetry.TenantTag, Core.TenantId);
        span.SetTag(EngineTelemetry.OutcomeTag, outcome);
        if (_loaded.Count > 0)
        {
            var first = _loaded.Values.First();
            span.SetTag(EngineTelemetry.InstanceTag, first.Id);
            span.SetTag(EngineTelemetry.ProcessTag, first.S.ProcessId);
            if (_loaded.Count > 1) span.SetTag("egov.instance.count", _loaded.Count);
        }
        if ((TargetElementId ?? _firstElementId) is { } element) span.SetTag(EngineTelemetry.ElementTag, element);
        if (failed is not null) span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failed.GetType().Name);
    }

    /// <summary>Custom activities interrupted while they waited, with what they saw then; told after the commit.</summary>
    private List<(Sdk.WorkflowActivity Activity, Sdk.ActivityContext Context)>? _interrupted;

    private void RememberInterrupted(Inst i, TokenState t)
    {
        if (t.WaitingActivity is not { } name || Core.Activities.FindByName(name) is not { } reg) return;
        var n = i.Node(t);
        if (Behaviours.ServiceTaskBehaviour.Interrupted(new Behaviours.ActivityExecution(this, i, t, n), reg) is { } hook)
            (_interrupted ??= []).Add(hook);
    }

    /// <summary>
    /// Tells each interrupted activity (<see cref="Sdk.WorkflowActivity.CancelAsync"/>) once its interruption is committed:
    /// best effort, at most 30 seconds each, failures swallowed (the activity logs them); the interruption stands.
    /// </summary>
    private void RunCancelHooks()
    {
        if (_interrupted is not { Count: > 0 } hooks) return;
        _interrupted = null;
        foreach (var (activity, context) in hooks)
        {
            try { activity.CancelAsync(context).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is not OutOfMemoryException) { System.Diagnostics.Trace.TraceWarning($"cancel hook of '{context.ActivityName}' failed: {e.Message}"); }
        }
    }

    public void Drain()
    {
        for (var round = 0; round < 1000; round++)
        {
            while (_agenda.TryDequeue(out var op))
            {
                Step(op.Token?.ElementId, op.Inst);
                if (op.Other is { } other) other();
                else Execute(op.Inst!, op.Token!);
            }
            if (!FireInclusiveJoins() && !EvaluateConditions()) return;
        }
    }

    /// <summary>
    /// Counts one step against the command's budget: past the step limit or the time limit (checked every 256 steps),
    /// the command stops where it is; nothing of it is committed.
    /// </summary>
    private void Step(string? elementId, Inst? inst)
    {
        _firstElementId ??= elementId;
        var limits = Core.CommandLimits;
        if (++_steps > limits.MaxSteps)
            throw Budget($"took more than {limits.MaxSteps} steps without coming to rest (a loop without a wait state?)", elementId, inst);
        if ((_steps & 255) == 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt) > limits.MaxDuration.ToTimeSpan())
            throw Budget($"ran longer than {limits.MaxDuration.TotalSeconds:0.###} s", elementId, inst);
    }

    private CancellationTokenSource? _deadline;

    /// <summary>
    /// Cancelled when the command's time budget (<see cref="CommandLimits.MaxDuration"/>) is spent: handed to custom
    /// activities (<c>ActivityContext.CancellationToken</c>), so an activity waiting on a slow service stops in time.
    /// </summary>
    public CancellationToken Deadline
    {
        get
        {
            if (_deadline is null)
            {
                var left = Core.CommandLimits.MaxDuration.ToTimeSpan() - System.Diagnostics.Stopwatch.GetElapsedTime(_startedAt);
                _deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            return _deadline.Token;
        }
    }

    /// <summary>Ends the command's deadline timer (when the command ends, committed or not).</summary>
    public void Dispose() => _deadline?.Dispose();

    /// <summary>The budget exception for a command whose time ran out inside an element (e.g. a cancelled activity).</summary>
    public CommandBudgetException OutOfTime(string? elementId, Inst? inst) =>
        Budget($"ran longer than {Core.CommandLimits.MaxDuration.TotalSeconds:0.###} s", elementId, inst);

    private static CommandBudgetException Budget(string what, string? elementId, Inst? inst) =>
        new($"the command was stopped and rolled back: it {what}{(elementId is null ? "" : $", at element '{elementId}'")}{(inst is null ? "" : $" of process '{inst.S.ProcessId}'")}")
        { ElementId = elementId };

    // ---------- instances ----------

    public Inst NewInstance(ProcessGraph g, string? businessKey, Inst? parent, TokenState? callerToken, string? instanceId = null)
    {
        if (++_instancesCreated > Core.CommandLimits.MaxInstancesPerCommand)
            throw Budget($"would create more than {Core.CommandLimits.MaxInstancesPerCommand} process instances", callerToken?.ElementId, parent);
        if (Core.InstanceQuota is { } quota && (_openAtStart ??= quota.Open()) is var open && open + _instancesCreated > quota.Limit)
            throw new InstanceQuotaException($"tenant '{Core.TenantId}' has {open:N0} open process instances, its quota is {quota.Limit:N0}; nothing was started{(callerToken is null ? "" : $" (the call activity '{callerToken.ElementId}' would start one)")} — instances must end first, or the quota be raised")
            { Limit = quota.Limit, Used = open, ElementId = callerToken?.ElementId };
        var id = instanceId ?? (parent is null ? InstanceIds.New() : $"{parent.S.RootInstanceId}-{InstanceIds.New()[..12]}");
        var s = new ProcessInstanceState
        {
            Id = id, TenantId = Core.TenantId, ProcessId = g.ProcessId, DefinitionVersion = g.Version, BusinessKey = businessKey,
            RootInstanceId = parent?.S.RootInstanceId ?? id, ParentInstanceId = parent?.S.Id, ParentTokenId = callerToken?.Id,
            Status = InstanceStatus.Running, StartedAt = Now,
        };
        var inst = new Inst(s, g) { VariableLimits = Core.VariableLimits, History = History };
        _loaded[id] = inst;
        History.Observe(s, isNew: true);
        s.Scopes.Add(new ScopeState { Id = inst.NextId("s"), ElementId = g.ProcessId, Kind = ScopeKind.Process, StartedAt = Now });
        return inst;
    }

    /// <summary>Starts an instance at a start event (none start unless given), with variables on the process scope.</summary>
    public Inst StartInstance(ProcessGraph g, JsonObject? variables, string? businessKey, Node? start = null, Inst? parent = null, TokenState? caller = null, string? instanceId = null)
    {
        start ??= g.Root.StartEvents.FirstOrDefault()
            ?? throw new InvalidOperationException($"process '{g.ProcessId}' has no none start event");
        var inst = NewInstance(g, businessKey, parent, caller, instanceId);
        var root = inst.RootScope;
        if (variables is not null) foreach (var kv in variables) root.Variables[kv.Key] = kv.Value?.DeepClone();
        // camunda:initiator: who started the case (the command's user, from the caller's token or session), set after the
        // start variables so that a client cannot name someone else as the initiator.
        if (Initiator(g, start) is { } initiator) root.Variables[initiator] = History.UserId is { } user ? JsonValue.Create(user) : null;
        if (g.Frist is not null || Core.Bearbeitungsfrist is not null) StartCaseFrist(inst);
        StartScope(inst, root, g.Root);
        var t = NewToken(inst, root.Id, start.Id);
        ScheduleExecute(inst, t);
        return inst;
    }

    /// <summary>The variable <c>camunda:initiator</c> names: on the start event used, else the definition's (<see cref="ProcessGraph.Initiator"/>).</summary>
    private static string? Initiator(ProcessGraph g, Node start) =>
        start.Scope == g.Root && start.Element.CamundaAttribute("initiator") is { Length: > 0 } own ? own : g.Initiator;

    public TokenState NewToken(Inst i, string scopeId, string elementId)
    {
        if (i.S.Tokens.Count >= Core.CommandLimits.MaxTokensPerInstance)
            throw Budget($"would hold more than {Core.CommandLimits.MaxTokensPerInstance} tokens in one instance", elementId, i);
        var t = new TokenState { Id = i.NextId("t"), ScopeId = scopeId, ElementId = elementId, StartedAt = Now, Status = TokenStatus.Active };
        i.S.Tokens.Add(t);
        return t;
    }

    /// <summary>A new scope instance starts: its event subprocesses begin to listen.</summary>
    public void StartScope(Inst i, ScopeState scope, ScopeDef def)
    {
        foreach (var esp in def.EventSubProcesses)
        {
            var start = esp.Inner!.Nodes.First(n => n.Kind == NodeKind.StartEvent);
            Listen(i, start, token: null, scope: scope);
        }
    }

    // ---------- token lifecycle ----------

    /// <summary>The token arrives at a node (by a sequence flow or otherwise) and will run its behaviour.</summary>
    public void Enter(Inst i, TokenState t, Node n, string? via)
    {
        t.ElementId = n.Id;
        t.ArrivedBy = via;
        t.StartedAt = Now;
        t.Status = TokenStatus.Active;
        t.Phase = TokenPhase.Before;
        t.Locals = null;
        t.LoopPass = 0;
        t.RetriesLeft = null;
        if (n.AsyncBefore)
        {
            t.Status = TokenStatus.Job;
            AddJob(i, new JobState { Id = i.NextId("j"), Kind = JobKind.AsyncContinuation, ElementId = n.Id, TokenId = t.Id, DueAt = Now });
            return;
        }
        ScheduleExecute(i, t);
    }

    /// <summary>Runs the node's behaviour for the token (after input mappings and start listeners).</summary>
    public void Execute(Inst i, TokenState t)
    {
        if (!i.Alive(t) || t.Status != TokenStatus.Active) return;
        var n = i.Node(t);
        t.Phase = TokenPhase.Executing;
        if (n.MultiInstance is not null && !t.IsMultiInstanceInner && !t.IsMultiInstanceBody)
        {
            GuardedStartMultiInstance(i, t, n);
            return;
        }
        if (n.Loop is { TestBefore: true } loop && t.LoopPass == 0 && !TestLoopBefore(i, t, n, loop))
            return;
        if (!i.Alive(t) || t.Status != TokenStatus.Active || t.Phase != TokenPhase.Executing) return;
        // The common activity has neither input mappings nor start listeners: nothing to guard.
        if ((n.Ext.Inputs.Count > 0 || n.Ext.Listeners.Count > 0) && !StartMappingsAndListeners(i, t, n))
            return;
        if (n.IsActivity && !t.IsMultiInstanceInner && n.Boundaries.Count > 0 && !GuardedAttachBoundaryEvents(i, t, n))
            return;
        var ctx = new ActivityExecution(this, i, t, n);
        try
        {
            if (n.Frist is not null && n.Kind is NodeKind.UserTask or NodeKind.ReceiveTask) StartElementFrist(i, t, n);
            if (n.Hemmung) BeginHemmung(i, t);
            n.Behaviour.Execute(ctx);
        }
        catch (Exception e) when (IsIncidentCause(e))
        {
            OpenIncident(i, t, n, e);
            DetachBoundaryEvents(i, t);
        }
    }

    // The guarded steps below are methods of their own: a lambda in Execute or Leave would make every call allocate
    // the closure of its captured parameters, even when the step does not apply.
    private void GuardedStartMultiInstance(Inst i, TokenState t, Node n) => Guard(i, t, n, () => StartMultiInstance(i, t, n));

    private bool TestLoopBefore(Inst i, TokenState t, Node n, Model.StandardLoopCharacteristics loop) =>
        Guard(i, t, n, () => { if (!LoopCondition(i, t, loop)) SkipLoop(i, t, n); });

    private bool StartMappingsAndListeners(Inst i, TokenState t, Node n) => Guard(i, t, n, () =>
    {
        ApplyInputs(i, t, n);
        RunListeners(i, t, n, "start");
    });

    private bool EndMappingsAndListeners(Inst i, TokenState t, Node n) => Guard(i, t, n, () =>
    {
        ApplyOutputs(i, t, n);
        RunListeners(i, t, n, "end");
    });

    private bool LoopAgain(Inst i, TokenState t, Node n, Model.StandardLoopCharacteristics loop, out bool again)
    {
        var result = false;
        var ok = Guard(i, t, n, () => result = (loop.LoopMaximum is not { } max || t.LoopPass < max) && LoopCondition(i, t, loop));
        again = result;
        return ok;
    }

    /// <summary>Runs an action; a script or expression failure opens an incident at the token's element.</summary>
    public bool Guard(Inst i, TokenState t, Node n, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (IsIncidentCause(e))
        {
            OpenIncident(i, t, n, e);
            return false;
        }
    }

    /// <summary>
    /// A boundary timer whose definition comes from a variable can be invalid (or below the minimum interval): that is
    /// an incident at the activity, with no half-attached boundary events left behind for the retry to duplicate.
    /// </summary>
    private bool GuardedAttachBoundaryEvents(Inst i, TokenState t, Node n)
    {
        try
        {
            AttachBoundaryEvents(i, t, n);
            return true;
        }
        catch (Exception e) when (IsIncidentCause(e))
        {
            DetachBoundaryEvents(i, t);
            OpenIncident(i, t, n, e);
            return false;
        }
    }

    /// <summary>The failures a model, script or expression can cause: they become incidents, never crash a command.</summary>
    private static bool IsIncidentCause(Exception e) =>
        e is ScriptException or IncidentException or EGov.Workflows.Time.TimerFormatException or InvalidOperationException or FormatException
            or ArgumentException or System.Text.Json.JsonException or KeyNotFoundException or OverflowException;

    private void OpenIncident(Inst i, TokenState t, Node n, Exception e) => OpenIncident(i, t, n, e switch
    {
        ScriptException => IncidentKind.FailedScript,
        IncidentException ie => ie.Kind,
        _ => IncidentKind.FailedExpression,
    }, e.Message);

    public void OpenIncident(Inst i, TokenState t, Node n, IncidentKind kind, string message, string? jobId = null, string? externalTaskId = null)
    {
        if (!i.Alive(t)) return;
        t.Status = TokenStatus.Incident;
        t.Phase = TokenPhase.Before;
        i.S.Incidents.Add(new IncidentState
        {
            Id = i.NextId("i"), Kind = kind, ElementId = n.Id, TokenId = t.Id, JobId = jobId, ExternalTaskId = externalTaskId,
            Message = message, CreatedAt = Now,
        });
    }

    /// <summary>The element completed: output mappings, end listeners, history; then loops, async-after or the outgoing flows.</summary>
    public void Leave(Inst i, TokenState t)
    {
        if (!i.Alive(t)) return;
        var n = i.Node(t);
        if ((n.Ext.Outputs.Count > 0 || n.Ext.Listeners.Count > 0) && !EndMappingsAndListeners(i, t, n))
            return;
        DetachBoundaryEvents(i, t);
        RemoveWaits(i, t);
        StartPendingFristen(i);
        Record(i, t, n, completed: true);
        RecordCompensation(i, t, n);
        t.ChildScopeId = null;
        t.CalledInstanceId = null;
        if (t.IsMultiInstanceInner)
        {
            InnerInstanceDone(i, t);
            return;
        }
        if (n.Loop is { } loop && !t.IsMultiInstanceBody)
        {
            t.LoopPass++;
            if (!LoopAgain(i, t, n, loop, out var again))
                return;
            if (again)
            {
                t.StartedAt = Now;
                t.Status = TokenStatus.Active;
                i.SetTokenLocal(t, "loopCounter", t.LoopPass);
                ScheduleExecute(i, t);
                return;
            }
        }
        if (n.AsyncAfter && t.Phase != TokenPhase.After)
        {
            t.Phase = TokenPhase.After;
            t.Status = TokenStatus.Job;
            AddJob(i, new JobState { Id = i.NextId("j"), Kind = JobKind.AsyncContinuation, ElementId = n.Id, TokenId = t.Id, DueAt = Now });
            return;
        }
        TakeOutgoing(i, t, n);
    }

    private bool LoopCondition(Inst i, TokenState t, Model.StandardLoopCharacteristics loop) =>
        loop.LoopCondition is { IsEmpty: false } c && Evaluator.EvaluateCondition(c.Body, new VariableScope(i, t));

    private void SkipLoop(Inst i, TokenState t, Node n)
    {
        t.Phase = TokenPhase.After;
        TakeOutgoing(i, t, n);
    }

    /// <summary>Leaves by the outgoing flows: unconditional ones and those whose condition holds, else the default flow.</summary>
    public void TakeOutgoing(Inst i, TokenState t, Node n)
    {
        if (n.Outgoing.Count == 0) { EndToken(i, t); return; }
        if (n.Outgoing is [{ Condition: null, IsDefault: false, TakeListeners.Count: 0 } only])
        {
            // One unconditional flow (most of every model): nothing to select, nothing to fail.
            ResetForMove(t);
            Enter(i, t, only.Target, only.Id);
            return;
        }
        if (SelectedFlows(i, t, n) is { } chosen) TakeFlows(i, t, chosen);
    }

    private List<Transition>? SelectedFlows(Inst i, TokenState t, Node n)
    {
        List<Transition>? chosen = null;
        return Guard(i, t, n, () => chosen = SelectFlows(i, t, n, all: true)) ? chosen : null;
    }

    /// <summary>Flows out of an activity, event or inclusive gateway (all that hold) or exclusive gateway (first that holds).</summary>
    public List<Transition> SelectFlows(Inst i, TokenState t, Node n, bool all)
    {
        var chosen = new List<Transition>();
        VariableScope? vars = null;
        foreach (var tr in n.Outgoing)
        {
            if (tr.IsDefault) continue;
            if (tr.Condition is null || Evaluator.EvaluateCondition(tr.Condition, vars ??= new VariableScope(i, t)))
            {
                chosen.Add(tr);
                if (!all) break;
            }
        }
        if (chosen.Count == 0 && n.Outgoing.Find(o => o.IsDefault) is { } d) chosen.Add(d);
        if (chosen.Count == 0)
            throw new IncidentException(IncidentKind.FailedExpression, $"No outgoing sequence flow for the element with id '{n.Id}' could be selected for continuing the process");
        return chosen;
    }

    public void TakeFlows(Inst i, TokenState t, IReadOnlyList<Transition> flows)
    {
        if (flows.Count == 0) { EndToken(i, t); return; }
        for (var k = 0; k < flows.Count; k++)
        {
            var tr = flows[k];
            var token = k == 0 ? t : NewToken(i, t.ScopeId, tr.Source.Id);
            if (k == 0) ResetForMove(t);
            foreach (var l in tr.TakeListeners)
                if (!GuardedListener(i, token, tr.Source, l)) return;
            Enter(i, token, tr.Target, tr.Id);
        }
    }

    private bool GuardedListener(Inst i, TokenState t, Node n, Listener l) => Guard(i, t, n, () => RunListener(i, t, n, l));

    private static void ResetForMove(TokenState t)
    {
        t.IsMultiInstanceBody = false;
        t.ChildScopeId = null;
        t.CalledInstanceId = null;
        t.WaitingActivity = null;
    }

    /// <summary>The token has nowhere to go: it ends, and its scope may complete.</summary>
    public void EndToken(Inst i, TokenState t)
    {
        if (!i.Alive(t)) return;
        RemoveWaits(i, t);
        i.S.Tokens.Remove(t);
        if (t.CompensationFor is { } owner && i.Token(owner) is { } thrower) CompensationHandlerDone(i, thrower);
        var scope = i.Scope(t.ScopeId);
        if (scope is null) return;
        if (scope.Kind == ScopeKind.AdHocSubProcess && AdHocDone(i, scope)) return;
        CheckScope(i, scope);
    }

    public void CheckScope(Inst i, ScopeState scope)
    {
        if (i.S.IsEnded || !i.S.Scopes.Contains(scope)) return;
        if (scope.Kind == ScopeKind.MultiInstanceBody) return;
        foreach (var x in i.S.Tokens)
            if (x.ScopeId == scope.Id) return;
        CompleteScope(i, scope);
    }

    /// <summary>Every token of the scope has ended: the scope completes and its owner moves on.</summary>
    public void CompleteScope(Inst i, ScopeState scope)
    {
        RemoveScopeListeners(i, scope);
        if (scope.Kind == ScopeKind.Process)
        {
            CompleteInstance(i, InstanceStatus.Completed);
            return;
        }
        i.S.Scopes.Remove(scope);
        var owner = i.Owner(scope);
        if (owner is null) return;
        if (owner.RestoredForCompensation) { EndRestoredScope(i, scope, owner); return; }
        RememberCompletedScope(scope);
        owner.Status = TokenStatus.Active;
        Leave(i, owner);
    }

    public void CompleteInstance(Inst i, InstanceStatus status)
    {
        foreach (var t in i.S.Tokens.ToList()) CancelToken(i, t, record: true);
        i.S.Tokens.Clear();
        i.S.Scopes.RemoveAll(s => s.Kind != ScopeKind.Process);
        i.S.Subscriptions.Clear();
        ClearFristen(i);
        i.S.Jobs.Clear();
        i.S.UserTasks.Clear();
        i.S.ExternalTasks.Clear();
        i.S.Incidents.Clear();
        i.S.Compensations.Clear();
        i.S.Status = status;
        i.S.EndedAt = Now;
        if (status == InstanceStatus.Completed && i.S.ParentInstanceId is { } pid)
            ScheduleResumeCaller(i, pid);
    }

    private void ScheduleResumeCaller(Inst i, string parentId) => Schedule(() => ResumeCaller(i, parentId));

    // ---------- cancellation ----------

    /// <summary>Cancels a token with everything it owns (child scope, called instance, tasks, subscriptions).</summary>
    public void CancelToken(Inst i, TokenState t, bool record = true)
    {
        if (!i.S.Tokens.Contains(t)) return;
        if (t.WaitingActivity is not null) RememberInterrupted(i, t);
        DetachBoundaryEvents(i, t);
        RemoveWaits(i, t);
        i.S.Incidents.RemoveAll(x => x.TokenId == t.Id);
        if (i.Scope(t.ChildScopeId) is { } child) CancelScope(i, child);
        if (t.CalledInstanceId is { } callee && Load(callee) is { S.IsEnded: false } ci) CompleteInstance(ci, InstanceStatus.Terminated);
        if (record && t.Status is not TokenStatus.Joined)
            Record(i, t, i.Node(t), completed: false);
        i.S.Tokens.Remove(t);
    }

    public void CancelScope(Inst i, ScopeState scope)
    {
        foreach (var t in i.S.Tokens.Where(x => x.ScopeId == scope.Id).ToList()) CancelToken(i, t);
        RemoveScopeListeners(i, scope);
        i.S.Scopes.Remove(scope);
    }

    /// <summary>Cancels every token of the scope (an interrupting event or a terminate end event).</summary>
    public void CancelTokensIn(Inst i, ScopeState scope, TokenState? except = null)
    {
        foreach (var t in i.S.Tokens.Where(x => x.ScopeId == scope.Id && x != except).ToList()) CancelToken(i, t);
    }

    /// <summary>Cancels an instance from outside (and the instances it called).</summary>
    public void Terminate(Inst i) => CompleteInstance(i, InstanceStatus.Terminated);

    // ---------- history ----------

    public void Record(Inst i, TokenState t, Node n, bool completed)
    {
        if (n.NotRecorded) return;
        var body = t.IsMultiInstanceBody;
        _changes.History.Add(new ElementInstanceRecord
        {
            IdNumber = ++i.S.Sequence, TenantId = i.S.TenantId, InstanceId = i.S.Id, RootInstanceId = i.S.RootInstanceId,
            ProcessId = i.S.ProcessId, ElementId = body ? n.Id + "#multiInstanceBody" : n.Id,
            ElementType = body ? "multiInstanceBody" : n.TypeName, ElementName = n.Name,
            StartedAt = t.StartedAt, EndedAt = Now, Completed = completed, Sequence = ++_historySeq,
            ActivityPack = Behaviours.ServiceTaskBehaviour.PackOf(n, Core.Activities),
            ArrivedBy = t.IsMultiInstanceInner ? null : t.ArrivedBy,
            FristDue = _fristDue is not null && _fristDue.Remove(t.Id, out var due) ? due : null,
        });
    }

    /// <summary>Records an element that starts and ends in one moment (a boundary or start event that fired).</summary>
    public void RecordInstant(Inst i, Node n)
    {
        if (n.NotRecorded) return;
        _changes.History.Add(new ElementInstanceRecord
        {
            IdNumber = ++i.S.Sequence, TenantId = i.S.TenantId, InstanceId = i.S.Id, RootInstanceId = i.S.RootInstanceId,
            ProcessId = i.S.ProcessId, ElementId = n.Id, ElementType = n.TypeName, ElementName = n.Name,
            StartedAt = Now, EndedAt = Now, Completed = true, Sequence = ++_historySeq,
        });
    }

    // ---------- waits ----------

    public void AddJob(Inst i, JobState job) => i.S.Jobs.Add(job);

    /// <summary>Removes what the token itself waits for (tasks, subscriptions and timers of its own element).</summary>
    public void RemoveWaits(Inst i, TokenState t)
    {
        RemoveWhere(i.S.UserTasks, static x => x.TokenId, t.Id);
        RemoveWhere(i.S.ExternalTasks, static x => x.TokenId, t.Id);
        RemoveWhere(i.S.Subscriptions, static x => x.TokenId, t.Id);
        RemoveWhere(i.S.Jobs, static x => x.TokenId, t.Id);
        EndFristen(i, t);
    }

    public void RemoveScopeListeners(Inst i, ScopeState scope)
    {
        RemoveWhere(i.S.Subscriptions, static x => x.ScopeId, scope.Id);
        RemoveWhere(i.S.Jobs, static x => x.ScopeId, scope.Id);
    }

    /// <summary>
    /// Removes the entries whose key is <paramref name="id"/>, keeping the order. Runs for every token that moves, so it
    /// neither allocates a predicate nor touches an empty list (the common case).
    /// </summary>
    internal static void RemoveWhere<T>(List<T> list, Func<T, string?> key, string id)
    {
        if (list.Count == 0) return;
        var kept = 0;
        for (var k = 0; k < list.Count; k++)
        {
            if (string.Equals(key(list[k]), id, StringComparison.Ordinal)) continue;
            if (kept != k) list[kept] = list[k];
            kept++;
        }
        if (kept < list.Count) list.RemoveRange(kept, list.Count - kept);
    }
}
