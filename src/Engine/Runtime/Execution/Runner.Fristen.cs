using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Time;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// Legal deadlines (egov:frist) of an instance: the case's, a task's (its due date), a Frist timer's (fires at midnight
/// after the last day); Hemmung while a token waits at an element with egov:fristHemmung; §42a VwVfG on a Frist timer
/// with egov:fiktion. Counted by <see cref="EngineCore.Fristen"/> (BGB §§187–193, the tenant's Land).
/// </summary>
internal sealed partial class Runner
{
    /// <summary>The variable a Frist timer with egov:fiktion sets to true when it fires (§42a VwVfG).</summary>
    public const string GenehmigungsfiktionVariable = "genehmigungsfiktion";

    private LocalDate Today => Now.InZone(Core.Zone).Date;

    /// <summary>The instant each ending token's own Frist passed, taken as its Fristen go and written on its history row.</summary>
    private Dictionary<string, Instant>? _fristDue;

    /// <summary>The case's Frist (egov:frist on the process, else the service's Bearbeitungsfrist), when the instance starts.</summary>
    public void StartCaseFrist(Inst i)
    {
        var def = i.G.Frist;
        Period? period = def?.Dauer;
        if (period is null)
        {
            if (i.S.ParentInstanceId is not null || Core.Bearbeitungsfrist?.Invoke(i.G.ProcessId) is not { } bearbeitungsfrist) return;
            period = bearbeitungsfrist;
        }
        var f = new FristState
        {
            Id = i.NextId("f"), ElementId = i.G.ProcessId, Dauer = def?.Text ?? PeriodPattern.NormalizingIso.Format(period),
            Art = def?.Art ?? FristArt.Ereignis,
        };
        i.S.Fristen.Add(f);
        // Without egov:fristBeginn the case's Frist counts from the day the case starts; with it, from the day the variable
        // holds, once it holds one (§42a (2): from the receipt of the complete documents).
        if (def?.Beginn is null) Begin(i, f, Today);
        else if (BeginnDay(i, null, def.Beginn, required: false) is { } day) Begin(i, f, day);
    }

    /// <summary>A user or receive task with egov:frist starts (again after an incident: its Frist is kept).</summary>
    public FristState? StartElementFrist(Inst i, TokenState t, Node n)
    {
        if (n.Frist is not { } def) return null;
        var f = FindFrist(i, n.Id, t.Id);
        if (f is not null) return f;
        var day = def.Beginn is null ? Today : BeginnDay(i, t, def.Beginn, required: true)!.Value;
        f = new FristState { Id = i.NextId("f"), ElementId = n.Id, TokenId = t.Id, Dauer = def.Text, Art = def.Art };
        i.S.Fristen.Add(f);
        Begin(i, f, day);
        return f;
    }

    /// <summary>
    /// The Frist that gives a new user task its due date: its own egov:frist; else, without a camunda:dueDate, the earliest
    /// Frist timer on its boundary (the decision's deadline, e.g. §42a), else the case's Frist (when it runs).
    /// </summary>
    public void SetTaskDue(Inst i, TokenState t, Node n, UserTaskState task)
    {
        var f = n.Frist is not null ? FindFrist(i, n.Id, t.Id)
            : task.DueDate is not null || !i.S.HasFristen ? null
            : BoundaryFrist(i, t) ?? CaseFrist(i);
        if (f is null || f.Ende.Length == 0) return;
        task.DueDate = EndOfDay(f);
        task.FristId = f.Id;
    }

    /// <summary>A Frist timer (a timer event with egov:frist) starts listening: its job is due when the Frist has passed.</summary>
    private void ListenFristTimer(Inst i, Node catchNode, TokenState? token)
    {
        var def = catchNode.Frist!;
        var f = token is null ? null : FindFrist(i, catchNode.Id, token.Id);
        if (f is null)
        {
            var day = def.Beginn is null ? Today : BeginnDay(i, token, def.Beginn, required: true)!.Value;
            f = new FristState { Id = i.NextId("f"), ElementId = catchNode.Id, TokenId = token?.Id, Dauer = def.Text, Art = def.Art, Fiktion = def.Fiktion };
            i.S.Fristen.Add(f);
            Begin(i, f, day);
        }
        else if (f.GehemmtSeit is not null) return; // suspended: armed again when the Hemmung ends
        ArmFristTimer(i, f, catchNode, token);
    }

    private void ArmFristTimer(Inst i, FristState f, Node catchNode, TokenState? token)
    {
        var due = FristCalculator.Ablauf(Date(f.Ende), Core.Zone);
        var job = new JobState
        {
            Id = i.NextId("j"), Kind = JobKind.Timer, ElementId = catchNode.Id, TokenId = token?.Id,
            DueAt = due, TimerKind = nameof(TimerKind.Date), TimerText = InstantPattern.ExtendedIso.Format(due),
        };
        AddJob(i, job);
        f.JobId = job.Id;
    }

    /// <summary>A Frist timer fires: with egov:fiktion the permit now counts as granted (§42a VwVfG).</summary>
    private void FristTimerFired(Inst i, Node node, TokenState? token)
    {
        if (node.Frist is not { Fiktion: true }) return;
        new VariableScope(i, token).SetVariable(GenehmigungsfiktionVariable, JsonValue.Create(true));
    }

    /// <summary>
    /// A token arrives at a wait with egov:fristHemmung: every running Frist of the instance (but its own) stands still, and so
    /// does every Frist of the instances that called it (the case waits for the citizen inside a called process: the caller's
    /// Frist stops as well).
    /// </summary>
    public void BeginHemmung(Inst i, TokenState t)
    {
        var today = Text(Today);
        if (i.S.HasFristen) Suspend(i, t.Id, t.Id, today);
        var by = CalledHemmungKey(i, t);
        for (var child = i; child.S.ParentInstanceId is { } pid && Load(pid) is { } parent && !parent.S.IsEnded; child = parent)
            if (parent.S.HasFristen) Suspend(parent, by, ownToken: null, today);
    }

    /// <summary>How a Hemmung caused by a wait in a called instance is named in its callers' Fristen: instance id / token id.</summary>
    private static string CalledHemmungKey(Inst i, TokenState t) => $"{i.S.Id}/{t.Id}";

    private static void Suspend(Inst i, string by, string? ownToken, string today)
    {
        foreach (var f in i.S.Fristen)
        {
            if (f.GehemmtSeit is not null || f.Ende.Length == 0 || ownToken is not null && f.TokenId == ownToken) continue;
            f.GehemmtSeit = today;
            f.GehemmtDurch = by;
            if (f.JobId is { } jobId)
            {
                i.S.Jobs.RemoveAll(j => j.Id == jobId);
                f.JobId = null;
            }
        }
    }

    /// <summary>
    /// The token no longer waits (it left, or was cancelled): the Hemmung it caused ends — each Frist is extended by its days
    /// (the first and the last counting whole), due dates and Frist timers move — here and in the instances that called this
    /// one; and the Fristen it owned are gone. A call activity that is left ends the Hemmung its called instance caused.
    /// </summary>
    private void EndFristen(Inst i, TokenState t)
    {
        if (i.S.HasFristen)
        {
            Resume(i, f => f == t.Id, t.Id);
            if (t.CalledInstanceId is { } called)
                Resume(i, f => f.StartsWith(called + "/", StringComparison.Ordinal), t.Id);
            // The element's own Frist, for its history row (a missed Frist is one that passed before the element ended).
            if (i.S.Fristen.Find(f => f.TokenId == t.Id && f.ElementId == t.ElementId && f.Ende.Length > 0 && f.GehemmtSeit is null) is { } own)
                (_fristDue ??= new(StringComparer.Ordinal))[t.Id] = FristCalculator.Ablauf(Date(own.Ende), Core.Zone);
            i.S.Fristen.RemoveAll(f => f.TokenId == t.Id);
        }
        if (i.S.ParentInstanceId is null || !i.G.Nodes.TryGetValue(t.ElementId, out var node) || !node.Hemmung) return;
        var by = CalledHemmungKey(i, t);
        for (var child = i; child.S.ParentInstanceId is { } pid && Load(pid) is { } parent && !parent.S.IsEnded; child = parent)
            if (parent.S.HasFristen) Resume(parent, f => f == by, leaving: null);
    }

    private void Resume(Inst i, Func<string, bool> causedBy, string? leaving)
    {
        var today = Today;
        foreach (var f in i.S.Fristen)
        {
            if (f.GehemmtDurch is not { } by || !causedBy(by) || f.GehemmtSeit is not { } since) continue;
            f.Hemmungstage += FristCalculator.Hemmungstage(Date(since), today);
            f.GehemmtSeit = null;
            f.GehemmtDurch = null;
            Recompute(f);
            foreach (var task in i.S.UserTasks)
                if (task.FristId == f.Id) task.DueDate = EndOfDay(f);
            if (f.TokenId is { } owner && owner != leaving && i.Token(owner) is { } holder && i.G.Nodes.TryGetValue(f.ElementId, out var timer)
                && timer.Frist is not null && timer.Trigger == Trigger.Timer)
                ArmFristTimer(i, f, timer, holder);
        }
    }

    /// <summary>A case's Frist waiting for its egov:fristBeginn variable starts once the variable holds a date.</summary>
    private void StartPendingFristen(Inst i)
    {
        if (!i.S.HasFristen) return;
        foreach (var f in i.S.Fristen)
        {
            if (f.Beginn.Length > 0 || f.TokenId is not null || i.G.Frist?.Beginn is not { } variable) continue;
            if (BeginnDay(i, null, variable, required: false) is not { } day) continue;
            Begin(i, f, day);
            foreach (var task in i.S.UserTasks)
                if (task.DueDate is null && task.FristId is null) { task.DueDate = EndOfDay(f); task.FristId = f.Id; }
        }
    }

    /// <summary>
    /// The instance ended: no Frist runs any more. The case's own Frist, when it ran (not suspended), is handed to the store
    /// with the instant it passed, so the analytics can count a case that ended after it (a missed Frist).
    /// </summary>
    private void ClearFristen(Inst i)
    {
        if (!i.S.HasFristen) return;
        if (i.S.Fristen.Find(f => f.TokenId is null && f.ElementId == i.G.ProcessId && f.Ende.Length > 0 && f.GehemmtSeit is null) is { } own)
            _changes.CaseFristen.Add(new Store.CaseFristAtEnd(i.S.Id, FristCalculator.Ablauf(Date(own.Ende), Core.Zone)));
        i.S.Fristen.Clear();
    }

    private void Begin(Inst i, FristState f, LocalDate day)
    {
        f.Beginn = Text(day);
        Recompute(f);
    }

    private void Recompute(FristState f)
    {
        var period = PeriodPattern.NormalizingIso.Parse(f.Dauer).Value;
        if (f.Verlaengerung is { } more) period += PeriodPattern.NormalizingIso.Parse(more).Value;
        f.Ende = Text(Core.Fristen.Fristende(Date(f.Beginn), period.Normalize(), f.Art, f.Hemmungstage));
    }

    /// <summary>The variable that records the extension of a Genehmigungsfiktion's Frist (§42a (2) sentence 3 VwVfG).</summary>
    public const string VerlaengerungVariable = "fiktionsfristVerlaengerung";

    /// <summary>The longest text a reason for an extension may have.</summary>
    public const int MaxBegruendung = 2000;

    /// <summary>
    /// §42a (2) sentence 3 VwVfG: the Frist of a Genehmigungsfiktion "kann einmal angemessen verlängert werden, wenn dies wegen
    /// der Schwierigkeit der Angelegenheit gerechtfertigt ist". Once only; with a reason; before the Frist has passed; and —
    /// our reading of "angemessen" — by days, weeks or months, not longer than the Frist itself. The Frist timer moves, the
    /// tasks it dates move, and the variable <see cref="VerlaengerungVariable"/> records it (so the history shows who and why).
    /// </summary>
    public void ExtendFiktion(Inst i, FristState f, Period um, string begruendung)
    {
        if (!f.Fiktion)
            throw new WorkflowCommandException($"the Frist at '{f.ElementId}' is no Genehmigungsfiktion (egov:fiktion); §42a (2) VwVfG allows the extension of that Frist only",
                RefusalReason.FristNotFiktion, ("elementId", f.ElementId));
        if (f.Verlaengerung is not null)
            throw new WorkflowCommandException($"the Frist at '{f.ElementId}' was already extended on {f.VerlaengertAm} by {f.Verlaengerung}; §42a (2) VwVfG allows one extension only",
                RefusalReason.FristAlreadyExtended, ("elementId", f.ElementId), ("extendedOn", f.VerlaengertAm ?? ""), ("extension", f.Verlaengerung));
        if (f.Ende.Length == 0)
            throw new WorkflowCommandException($"the Frist at '{f.ElementId}' has not begun yet (its documents are not complete)",
                RefusalReason.FristNotBegun, ("elementId", f.ElementId));
        if (Today > Date(f.Ende))
            throw new WorkflowCommandException($"the Frist at '{f.ElementId}' ended on {f.Ende}; it can only be extended before it has passed",
                RefusalReason.FristEnded, ("elementId", f.ElementId), ("endedOn", f.Ende));
        begruendung = begruendung?.Trim() ?? "";
        if (begruendung.Length == 0)
            throw new WorkflowCommandException("an extension needs its reason (begruendung): why the difficulty of the matter justifies it (§42a (2) sentence 3 VwVfG)",
                RefusalReason.FristExtensionReasonMissing);
        if (begruendung.Length > MaxBegruendung)
            throw new WorkflowCommandException($"the reason is {begruendung.Length} characters long, more than {MaxBegruendung}",
                RefusalReason.FristExtensionReasonTooLong, ("length", begruendung.Length.ToString(CultureInfo.InvariantCulture)), ("max", MaxBegruendung.ToString(CultureInfo.InvariantCulture)));
        if (um.HasTimeComponent || um.Years < 0 || um.Months < 0 || um.Weeks < 0 || um.Days < 0 || um.Equals(Period.Zero))
            throw new WorkflowCommandException($"the extension '{um}' must be a positive number of days, weeks, months or years",
                RefusalReason.FristExtensionNotPositive, ("extension", um.ToString()));
        var dauer = PeriodPattern.NormalizingIso.Parse(f.Dauer).Value;
        var start = Date(f.Beginn);
        if (start + um > start + dauer)
            throw new WorkflowCommandException($"an extension by {PeriodPattern.NormalizingIso.Format(um)} is longer than the Frist itself ({f.Dauer}); an appropriate (angemessen) extension is at most as long as the Frist",
                RefusalReason.FristExtensionTooLong, ("extension", PeriodPattern.NormalizingIso.Format(um)), ("duration", f.Dauer));
        f.Verlaengerung = PeriodPattern.NormalizingIso.Format(um);
        f.VerlaengerungGrund = begruendung;
        f.VerlaengertAm = Text(Today);
        var before = f.Ende;
        Recompute(f);
        foreach (var task in i.S.UserTasks)
            if (task.FristId == f.Id) task.DueDate = EndOfDay(f);
        if (f.JobId is { } jobId && f.GehemmtSeit is null)
        {
            i.S.Jobs.RemoveAll(j => j.Id == jobId);
            f.JobId = null;
            if (f.TokenId is { } owner && i.Token(owner) is { } holder && i.G.Nodes.TryGetValue(f.ElementId, out var timer))
                ArmFristTimer(i, f, timer, holder);
        }
        new VariableScope(i, null).SetVariable(VerlaengerungVariable, new JsonObject
        {
            ["elementId"] = f.ElementId, ["um"] = f.Verlaengerung, ["begruendung"] = begruendung,
            ["am"] = f.VerlaengertAm, ["bisher"] = before, ["ende"] = f.Ende,
        });
    }

    /// <summary>The due instant of a task whose Frist ends with <paramref name="f"/>'s last day: that day, 23:59:59, in the engine's zone.</summary>
    private Instant EndOfDay(FristState f) => FristCalculator.Ablauf(Date(f.Ende), Core.Zone) - Duration.FromSeconds(1);

    private static FristState? FindFrist(Inst i, string elementId, string tokenId) =>
        i.S.HasFristen ? i.S.Fristen.Find(f => f.ElementId == elementId && f.TokenId == tokenId) : null;

    /// <summary>The earliest Frist timer on the boundary of the token's activity or of a subprocess around it.</summary>
    private static FristState? BoundaryFrist(Inst i, TokenState t)
    {
        var holders = new HashSet<string>(StringComparer.Ordinal) { t.Id };
        for (var scope = i.Scope(t.ScopeId); scope?.OwnerTokenId is { } owner; scope = i.Scope(i.Token(owner)?.ScopeId))
            holders.Add(owner);
        return i.S.Fristen.Where(x => x.TokenId is { } holder && holders.Contains(holder) && x.Ende.Length > 0 && x.ElementId != t.ElementId)
            .MinBy(x => x.Ende, StringComparer.Ordinal);
    }

    private static FristState? CaseFrist(Inst i) =>
        i.S.HasFristen ? i.S.Fristen.Find(f => f.TokenId is null && f.ElementId == i.G.ProcessId && f.Ende.Length > 0) : null;

    /// <summary>
    /// The day in the variable <paramref name="name"/>: an ISO date, or a date-time taken in the engine's zone. Missing or
    /// not a date: null when not <paramref name="required"/>, else an incident saying so.
    /// </summary>
    private LocalDate? BeginnDay(Inst i, TokenState? t, string name, bool required)
    {
        var value = new VariableScope(i, t).GetOrNull(name);
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;
        if (text is not null)
        {
            if (LocalDatePattern.Iso.Parse(text) is { Success: true } date) return date.Value;
            if (OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } odt) return odt.Value.ToInstant().InZone(Core.Zone).Date;
            if (InstantPattern.ExtendedIso.Parse(text) is { Success: true } instant) return instant.Value.InZone(Core.Zone).Date;
        }
        if (!required) return null;
        throw new IncidentException(IncidentKind.FailedExpression, value is null
            ? $"egov:fristBeginn: the variable '{name}' is not set; it must hold the day the Frist counts from (YYYY-MM-DD)"
            : $"egov:fristBeginn: the variable '{name}' holds {value.ToJsonString()}, not a date (YYYY-MM-DD or an ISO date-time)");
    }

    private static string Text(LocalDate d) => LocalDatePattern.Iso.Format(d);

    private static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).Value;
}
