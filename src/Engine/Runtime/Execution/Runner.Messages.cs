using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>
    /// Delivers a message to every matching subscription (catch events, receive tasks, boundary events, event
    /// subprocess starts); when none waits, starts the processes with a matching message start event.
    /// Correlation key rule: when given, an instance matches if its business key (or its root's) equals it, or its
    /// process variable <c>correlationKey</c> does. Returns how many receivers got it.
    /// </summary>
    public int Correlate(string name, string? correlationKey, JsonObject? variables, bool all = true)
    {
        // Without a key, the store's rows already tell whether one receiver is meant: refuse before loading
        // (a hundred thousand waiting instances must not be loaded to find out the message was ambiguous).
        if (!all && correlationKey is null)
        {
            var waiting = Core.Store.FindSubscriptions(Core.TenantId, SubscriptionKind.Message, name).Select(x => x.InstanceId).Distinct().Take(2).Count();
            if (waiting > 1) throw Ambiguous(name, correlationKey, "several");
        }
        var matches = Collect(SubscriptionKind.Message, name)
            .Where(m => correlationKey is null || Matches(m.Item1, correlationKey)).ToList();
        if (!all && matches.Count > 1) throw Ambiguous(name, correlationKey, matches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var count = 0;
        foreach (var (inst, sub) in matches)
        {
            if (!inst.S.Subscriptions.Contains(sub) || inst.S.IsEnded) continue;
            Deliver(inst, sub, variables);
            count++;
        }
        if (count > 0) return count;
        // The outlines say which versions start by this message: only their graphs are built.
        var starts = Core.LatestVersions().Where(v => v.Outline.StartsBy(StartTriggerKind.Message, name)).Select(v => v.Graph)
            .SelectMany(g => g.Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent && n.Trigger == Trigger.Message && n.EventName == name).Select(n => (g, n)))
            .ToList();
        if (!all && starts.Count > 1) throw Ambiguous(name, correlationKey, $"{starts.Count} message start events of");
        foreach (var (g, start) in starts)
        {
            StartInstance(g, variables, correlationKey, start);
            count++;
        }
        return count;
    }

    /// <summary>The business key a message thrown by <paramref name="i"/> correlates with: its own, else its root instance's.</summary>
    public string? BusinessKeyOf(Inst i) =>
        i.S.BusinessKey ?? (i.S.RootInstanceId == i.S.Id ? null : Load(i.S.RootInstanceId)?.S.BusinessKey);

    /// <summary>Whether <see cref="Correlate"/> would deliver the message to anyone: a waiting receiver with the key, or a message start event.</summary>
    public bool HasMessageReceiver(string name, string? correlationKey) =>
        Collect(SubscriptionKind.Message, name).Any(m => correlationKey is null || Matches(m.Item1, correlationKey))
        || Core.LatestVersions().Any(v => v.Outline.StartsBy(StartTriggerKind.Message, name));

    /// <summary>Delivers a message to the one receiver that waits for it with the key; the root instance id, or null when none waits.</summary>
    public string? DeliverToWaiting(string name, string correlationKey, JsonObject? variables)
    {
        var matches = Collect(SubscriptionKind.Message, name).Where(m => Matches(m.Item1, correlationKey) && !m.Item1.S.IsEnded).ToList();
        if (matches.Count > 1) throw Ambiguous(name, correlationKey, matches.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (matches.Count == 0) return null;
        var (inst, sub) = matches[0];
        Deliver(inst, sub, variables);
        return inst.S.RootInstanceId;
    }

    private static AmbiguousCorrelationException Ambiguous(string name, string? key, string how) => new(
        $"message '{name}'{(key is null ? "" : $" with correlation key '{key}'")} matches {how} receivers; " +
        "give a correlation key (the Aktenzeichen) that names one, or send it with \"all\": true to deliver it to every one of them");

    private bool Matches(Inst i, string key)
    {
        if (i.S.BusinessKey == key) return true;
        var root = i.S.RootInstanceId == i.S.Id ? i : Load(i.S.RootInstanceId);
        if (root?.S.BusinessKey == key) return true;
        return i.RootScope.Variables.TryGetPropertyValue("correlationKey", out var v) && v is JsonValue jv && jv.ToString() == key;
    }

    /// <summary>Broadcasts a signal to every subscription (and starts processes with a matching signal start event).</summary>
    public int Broadcast(string name, JsonObject? variables)
    {
        var count = 0;
        foreach (var (inst, sub) in Collect(SubscriptionKind.Signal, name))
        {
            if (!inst.S.Subscriptions.Contains(sub) || inst.S.IsEnded) continue;
            Deliver(inst, sub, variables);
            count++;
        }
        foreach (var g in Core.LatestVersions().Where(v => v.Outline.StartsBy(StartTriggerKind.Signal, name)).Select(v => v.Graph))
            foreach (var start in g.Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent && n.Trigger == Trigger.Signal && n.EventName == name))
            {
                StartInstance(g, variables, null, start);
                count++;
            }
        return count;
    }

    /// <summary>The subscriptions of this kind and name: committed ones from the store, live ones of loaded instances.</summary>
    private List<(Inst, SubscriptionState)> Collect(SubscriptionKind kind, string name)
    {
        foreach (var row in Core.Store.FindSubscriptions(Core.TenantId, kind, name)) Load(row.InstanceId);
        var result = new List<(Inst, SubscriptionState)>();
        foreach (var i in _loaded.Values.OrderBy(x => x.S.StartedAt))
        {
            if (i.S.IsEnded) continue;
            foreach (var s in i.S.Subscriptions)
                if (s.Kind == kind && s.EventName == name) result.Add((i, s));
        }
        return result;
    }

    // ---------- failures and retries ----------

    /// <summary>camunda:failedJobRetryTimeCycle: "R3/PT5M" (3 tries, 5 minutes apart) or "PT1M,PT5M,PT10M" (intervals).</summary>
    public (int Tries, IReadOnlyList<Duration> Intervals) RetryCycle(Node n)
    {
        var text = n.Ext.RetryTimeCycle;
        if (string.IsNullOrWhiteSpace(text)) return (Core.DefaultRetries, [Core.DefaultRetryInterval]);
        var m = Regex.Match(text, @"^R(\d+)/(P[^/]+)$");
        if (m.Success) return (int.Parse(m.Groups[1].Value), [ParseDuration(m.Groups[2].Value)]);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (parts.Length + 1, parts.Select(ParseDuration).ToList());
    }

    private Duration ParseDuration(string text)
    {
        var r = PeriodPattern.NormalizingIso.Parse(text);
        if (!r.Success) return Core.DefaultRetryInterval;
        var p = r.Value;
        return p.HasDateComponent && (p.Years != 0 || p.Months != 0) ? Core.DefaultRetryInterval : p.ToDuration();
    }

    /// <summary>An in-process activity failed: retried after the back-off while tries are left, then an incident.</summary>
    public void FailActivity(Inst i, TokenState t, Node n, string message)
    {
        var (tries, intervals) = RetryCycle(n);
        var left = (t.RetriesLeft ?? tries) - 1;
        t.RetriesLeft = left;
        if (left <= 0)
        {
            OpenIncident(i, t, n, IncidentKind.FailedActivity, message);
            t.RetriesLeft = null;
            return;
        }
        var used = tries - left - 1;
        var wait = intervals[Math.Min(used, intervals.Count - 1)];
        t.Status = TokenStatus.Job;
        t.Phase = TokenPhase.Before;
        DetachBoundaryEvents(i, t);
        AddJob(i, new JobState { Id = i.NextId("j"), Kind = JobKind.AsyncContinuation, ElementId = n.Id, TokenId = t.Id, DueAt = Now + wait, LastError = message, Retries = left });
    }

    /// <summary>
    /// A worker reports that an external task failed. With retries given they count (0 = incident now); without,
    /// the engine counts down from the element's retry cycle (default 3 tries). The retry timeout (or the cycle's
    /// interval) decides when the task can be fetched again.
    /// </summary>
    public void FailExternalTask(Inst i, ExternalTaskState task, string message, int? retries, Duration? retryTimeout)
    {
        var t = i.Token(task.TokenId)!;
        var n = i.Node(t);
        var (tries, intervals) = RetryCycle(n);
        var left = retries ?? (task.Retries ?? tries) - 1;
        task.Retries = left;
        task.ErrorMessage = message;
        task.LockOwner = null; // Camunda releases the lock of a failed task, with or without retries left
        task.LockExpiresAt = null;
        if (left <= 0)
        {
            task.Suspended = true;
            i.S.Incidents.Add(new IncidentState
            {
                Id = i.NextId("i"), Kind = IncidentKind.FailedExternalTask, ElementId = n.Id, TokenId = t.Id, ExternalTaskId = task.Id,
                Message = message, CreatedAt = Now,
            });
            return;
        }
        var used = Math.Max(0, tries - left - 1);
        var wait = retryTimeout ?? intervals[Math.Min(used, intervals.Count - 1)];
        task.AvailableAt = Now + wait;
    }
}
