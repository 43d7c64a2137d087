using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Time;
using NodaTime;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>
    /// Starts listening for the event of <paramref name="catchNode"/>: a subscription or a timer job, owned by a token
    /// (catch event, event-based gateway, boundary host) or by a scope (event subprocess start).
    /// </summary>
    public void Listen(Inst i, Node catchNode, TokenState? token, ScopeState? scope)
    {
        var trigger = catchNode.Kind == NodeKind.ReceiveTask ? Trigger.Message : catchNode.Trigger;
        var name = catchNode.EventName; // a receive task's message name too, resolved when the graph was built
        switch (trigger)
        {
            case Trigger.Message or Trigger.Signal when name is not null:
                i.S.Subscriptions.Add(new SubscriptionState
                {
                    Id = i.NextId("e"), Kind = trigger == Trigger.Message ? SubscriptionKind.Message : SubscriptionKind.Signal,
                    EventName = EvaluateName(i, token, name), ElementId = catchNode.Id, TokenId = token?.Id, ScopeId = scope?.Id, CreatedAt = Now,
                });
                break;
            case Trigger.Timer when catchNode.Frist is not null:
                ListenFristTimer(i, catchNode, token);
                break;
            case Trigger.Timer:
                var vars = new VariableScope(i, token, scope?.Id);
                var (kind, text) = TimerText(catchNode, vars);
                var schedule = TimerSchedule.Parse(kind, text, Core.Zone, Core.TimerLimits);
                if (schedule.FirstDue(Now) is { } due)
                    AddJob(i, new JobState
                    {
                        Id = i.NextId("j"), Kind = JobKind.Timer, ElementId = catchNode.Id, TokenId = token?.Id, ScopeId = scope?.Id,
                        DueAt = due, TimerKind = kind.ToString(), TimerText = text,
                    });
                break;
            case Trigger.Conditional:
                var value = Evaluator.EvaluateCondition(catchNode.Condition!, new VariableScope(i, token, scope?.Id));
                var sub = new SubscriptionState
                {
                    Id = i.NextId("e"), Kind = SubscriptionKind.Conditional, EventName = catchNode.Condition!, ElementId = catchNode.Id,
                    TokenId = token?.Id, ScopeId = scope?.Id, CreatedAt = Now, LastValue = false,
                };
                i.S.Subscriptions.Add(sub);
                if (value && catchNode.Kind != NodeKind.IntermediateCatch)
                {
                    sub.LastValue = true;
                    Schedule(() => { if (i.S.Subscriptions.Contains(sub)) Deliver(i, sub, null); });
                }
                break;
        }
    }

    private string EvaluateName(Inst i, TokenState? token, string name) =>
        name.Contains("${", StringComparison.Ordinal) ? Evaluator.Evaluate(name, new VariableScope(i, token))?.ToString() ?? name : name;

    public (TimerKind Kind, string Text) TimerText(Node n, VariableScope vars)
    {
        var t = n.Timer!;
        var (kind, expr) = t.TimeDate is { } d ? (TimerKind.Date, d) : t.TimeDuration is { } du ? (TimerKind.Duration, du) : (TimerKind.Cycle, t.TimeCycle!);
        var text = expr.Body;
        if (text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal))
        {
            var v = Evaluator.Evaluate(text, new ServiceVariables(vars, ServiceVariables.Facts(Core, vars.ProcessId)));
            text = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToString() ?? "";
            if (text.Trim().Length == 0)
                throw new TimerFormatException($"the timer expression '{expr.Body.Trim()}' of {n.Id} gave nothing (a variable or a service.yaml entry it reads is not set)");
        }
        return (kind, text.Trim());
    }

    /// <summary>Boundary events of an activity start listening while it runs (errors, escalations, compensation are found by search).</summary>
    public void AttachBoundaryEvents(Inst i, TokenState t, Node n)
    {
        foreach (var b in n.Boundaries)
            if (b.Trigger is Trigger.Message or Trigger.Signal or Trigger.Timer or Trigger.Conditional)
                Listen(i, b, t, null);
    }

    public void DetachBoundaryEvents(Inst i, TokenState t)
    {
        RemoveWhere(i.S.Subscriptions, static x => x.TokenId, t.Id);
        if (i.S.Jobs.Count > 0) RemoveTimerJobs(i, t.Id);
    }

    private static void RemoveTimerJobs(Inst i, string tokenId)
    {
        i.S.Jobs.RemoveAll(x => x.TokenId == tokenId && x.Kind == JobKind.Timer);
    }

    /// <summary>A subscription's event happened: hand it to whoever waits (catch event, gateway, boundary, event subprocess).</summary>
    public void Deliver(Inst i, SubscriptionState sub, JsonObject? variables)
    {
        if (i.S.IsEnded) return;
        var catchNode = i.G.Node(sub.ElementId);
        if (sub.ScopeId is { } scopeId)
        {
            var scope = i.Scope(scopeId);
            if (scope is null) return;
            var esp = catchNode.Scope.Node!;
            FireEventSubProcess(i, scope, esp, variables, keepListening: !esp.Interrupting);
            return;
        }
        var t = i.Token(sub.TokenId);
        if (t is null) return;
        if (t.ElementId == sub.ElementId)
        {
            i.S.Subscriptions.Remove(sub);
            new VariableScope(i, t).SetAll(variables);
            t.Status = TokenStatus.Active;
            Leave(i, t);
        }
        else if (i.Node(t).Kind == NodeKind.EventBasedGateway)
            FireEventGateway(i, t, catchNode, variables);
        else
        {
            if (catchNode.Interrupting || catchNode.Trigger != Trigger.Conditional && catchNode.Trigger != Trigger.Message && catchNode.Trigger != Trigger.Signal)
                i.S.Subscriptions.Remove(sub);
            FireBoundary(i, t, catchNode, variables);
        }
    }

    /// <summary>A boundary event fires: interrupting ones cancel the activity; then a token leaves by the boundary's flows.</summary>
    public void FireBoundary(Inst i, TokenState host, Node boundary, JsonObject? variables)
    {
        if (!i.Alive(host)) return;
        var scopeId = host.ScopeId;
        new VariableScope(i, host).SetAll(variables);
        if (boundary.Interrupting) CancelToken(i, host);
        var t = NewToken(i, scopeId, boundary.Id);
        t.Phase = TokenPhase.Executing;
        Leave(i, t);
    }

    /// <summary>An event subprocess starts in <paramref name="scope"/>; an interrupting one first cancels everything else there.</summary>
    public void FireEventSubProcess(Inst i, ScopeState scope, Node esp, JsonObject? variables, bool keepListening)
    {
        if (esp.Interrupting)
        {
            CancelTokensIn(i, scope);
            RemoveScopeListeners(i, scope);
            scope.Interrupted = true;
        }
        else if (!keepListening) { }
        var owner = NewToken(i, scope.Id, esp.Id);
        owner.Status = TokenStatus.Waiting;
        owner.Phase = TokenPhase.Executing;
        var child = new ScopeState
        {
            Id = i.NextId("s"), ParentScopeId = scope.Id, ElementId = esp.Id, Kind = ScopeKind.EventSubProcess, OwnerTokenId = owner.Id, StartedAt = Now,
        };
        i.S.Scopes.Add(child);
        owner.ChildScopeId = child.Id;
        StartScope(i, child, esp.Inner!);
        var start = esp.Inner!.Nodes.First(n => n.Kind == NodeKind.StartEvent);
        var t = NewToken(i, child.Id, start.Id);
        t.Phase = TokenPhase.Executing;
        new VariableScope(i, t).SetAll(variables);
        Leave(i, t);
    }

    /// <summary>One of the events after an event-based gateway happened: the others are withdrawn, the token moves on.</summary>
    public void FireEventGateway(Inst i, TokenState t, Node catchNode, JsonObject? variables)
    {
        RemoveWaits(i, t);
        t.Status = TokenStatus.Active;
        Record(i, t, i.Node(t), completed: true);
        t.ElementId = catchNode.Id;
        t.StartedAt = Now;
        t.Phase = TokenPhase.Executing;
        new VariableScope(i, t).SetAll(variables);
        Leave(i, t);
    }

    /// <summary>Runs a due job: a timer fires, or an async continuation goes on.</summary>
    public void RunJob(Inst i, JobState job)
    {
        if (job.Kind == JobKind.AsyncContinuation)
        {
            i.S.Jobs.Remove(job);
            var t = i.Token(job.TokenId);
            if (t is null) return;
            t.Status = TokenStatus.Active;
            if (t.Phase == TokenPhase.After) TakeOutgoing(i, t, i.Node(t));
            else ScheduleExecute(i, t);
            return;
        }
        var node = i.G.Node(job.ElementId);
        var rearm = Rearm(job);
        if (!rearm) i.S.Jobs.Remove(job);
        if (job.ScopeId is { } sid)
        {
            if (i.Scope(sid) is { } scope) FireEventSubProcess(i, scope, node.Scope.Node!, null, keepListening: rearm);
            return;
        }
        var token = i.Token(job.TokenId);
        if (token is null) { i.S.Jobs.Remove(job); return; }
        // A waiting custom activity's wake-up (its own element, not a timer event): resume it to poll.
        if (token.ElementId == job.ElementId && token.WaitingActivity is not null) { ResumeWaitingActivity(i, token, null); return; }
        if (node.Frist is not null) FristTimerFired(i, node, token);
        if (token.ElementId == job.ElementId) { token.Status = TokenStatus.Active; Leave(i, token); }
        else if (i.Node(token).Kind == NodeKind.EventBasedGateway) FireEventGateway(i, token, node, null);
        else FireBoundary(i, token, node, null);
    }

    /// <summary>
    /// A custom activity starts to wait: a subscription by its callback key (found across instances of the tenant) and a
    /// wake-up timer at its own element. What it waited for before (a previous key or wake-up) is replaced.
    /// </summary>
    public void ListenForActivity(Inst i, TokenState t, string? callbackKey, Instant? wakeUpAt)
    {
        RemoveActivityWaits(i, t);
        if (!string.IsNullOrEmpty(callbackKey))
            i.S.Subscriptions.Add(new SubscriptionState
            {
                Id = i.NextId("e"), Kind = SubscriptionKind.Activity, EventName = callbackKey, ElementId = t.ElementId, TokenId = t.Id, CreatedAt = Now,
            });
        if (wakeUpAt is { } due)
            AddJob(i, new JobState { Id = i.NextId("j"), Kind = JobKind.Timer, ElementId = t.ElementId, TokenId = t.Id, DueAt = due < Now ? Now : due });
    }

    /// <summary>
    /// Resumes a custom activity that waits (a callback, its wake-up time, or a command): only its own waits end; the
    /// boundary events of the task keep listening while it goes on waiting.
    /// </summary>
    public void ResumeWaitingActivity(Inst i, TokenState t, JsonObject? payload)
    {
        RemoveActivityWaits(i, t);
        t.Status = TokenStatus.Active;
        var n = i.Node(t);
        Guard(i, t, n, () => n.Behaviour.Trigger(new Behaviours.ActivityExecution(this, i, t, n), payload));
    }

    private static void RemoveActivityWaits(Inst i, TokenState t)
    {
        if (i.S.Subscriptions.Count > 0) i.S.Subscriptions.RemoveAll(x => x.TokenId == t.Id && x.Kind == SubscriptionKind.Activity);
        if (i.S.Jobs.Count > 0) i.S.Jobs.RemoveAll(x => x.TokenId == t.Id && x.Kind == JobKind.Timer && x.ElementId == t.ElementId);
    }

    /// <summary>A cycle timer of a non-interrupting event arms again; returns false when it is done.</summary>
    private bool Rearm(JobState job)
    {
        if (job.TimerKind != nameof(TimerKind.Cycle)) return false;
        var schedule = TimerSchedule.Parse(TimerKind.Cycle, job.TimerText ?? "", Core.Zone, Core.TimerLimits);
        job.FiredCount++;
        var next = schedule.NextDue(job.DueAt, job.FiredCount, Now); // late: skip the missed occurrences, keep the rhythm
        if (next is not { } n) return false;
        job.DueAt = n;
        return true;
    }

    /// <summary>Re-evaluates conditional events of the loaded instances; fires those that turned true. True when one fired.</summary>
    private bool EvaluateConditions()
    {
        var fired = false;
        foreach (var i in _loaded.Values.ToList())
        {
            if (i.S.IsEnded) continue;
            foreach (var sub in i.S.Subscriptions.Where(s => s.Kind == SubscriptionKind.Conditional).ToList())
            {
                if (!i.S.Subscriptions.Contains(sub)) continue;
                var token = i.Token(sub.TokenId);
                bool value;
                try { value = Evaluator.EvaluateCondition(sub.EventName, new VariableScope(i, token, sub.ScopeId)); }
                catch (Expressions.ScriptException) { value = false; }
                if (value && !sub.LastValue)
                {
                    sub.LastValue = true;
                    Deliver(i, sub, null);
                    fired = true;
                }
                else if (!value) sub.LastValue = false;
            }
        }
        return fired;
    }

    public Instant DueAfter(Duration d) => Now + d;
}
