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

    /// <summary>A token arrives at a wait with egov:fristHemmung: every running Frist of the instance (but its own) stands still.</summary>
    public void BeginHemmung(Inst i, TokenState t)
    {
        if (!i.S.HasFristen) return;
        var today = Text(Today);
        foreach (var f in i.S.Fristen)
        {
            if (f.GehemmtSeit is not null || f.Ende.Length == 0 || f.TokenId == t.Id) continue;
            f.GehemmtSeit = today;
            f.GehemmtDurch = t.Id;
            if (f.JobId is { } jobId)
            {
                i.S.Jobs.RemoveAll(j => j.Id == jobId);
                f.JobId = null;
            }
        }
    }

    /// <summary>
    /// The token no longer waits (it left, or was cancelled): the Hemmung it caused ends — each Frist is extended by its days
    /// (the first and the last counting whole), due dates and Frist timers move — and the Fristen it owned are gone.
    /// </summary>
    private void EndFristen(Inst i, TokenState t)
    {
        if (!i.S.HasFristen) return;
        var today = Today;
        foreach (var f in i.S.Fristen)
        {
            if (f.GehemmtDurch != t.Id || f.GehemmtSeit is not { } since) continue;
            f.Hemmungstage += FristCalculator.Hemmungstage(Date(since), today);
            f.GehemmtSeit = null;
            f.GehemmtDurch = null;
            Recompute(f);
            foreach (var task in i.S.UserTasks)
                if (task.FristId == f.Id) task.DueDate = EndOfDay(f);
            if (f.TokenId is { } owner && owner != t.Id && i.Token(owner) is { } holder && i.G.Nodes.TryGetValue(f.ElementId, out var timer)
                && timer.Frist is not null && timer.Trigger == Trigger.Timer)
                ArmFristTimer(i, f, timer, holder);
        }
        i.S.Fristen.RemoveAll(f => f.TokenId == t.Id);
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

    /// <summary>The instance ended: no Frist runs any more.</summary>
    private static void ClearFristen(Inst i)
    {
        if (i.S.HasFristen) i.S.Fristen.Clear();
    }

    private void Begin(Inst i, FristState f, LocalDate day)
    {
        f.Beginn = Text(day);
        Recompute(f);
    }

    private void Recompute(FristState f) =>
        f.Ende = Text(Core.Fristen.Fristende(Date(f.Beginn), PeriodPattern.NormalizingIso.Parse(f.Dauer).Value, f.Art, f.Hemmungstage));

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
