using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Behaviours;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

internal sealed partial class Runner
{
    /// <summary>
    /// Subprocess scopes that completed in this command, until their owner has left: a subprocess with a compensation
    /// event subprocess keeps a copy of its scope's variables in its compensation record.
    /// </summary>
    private Dictionary<string, ScopeState>? _completedScopes; // created on first use: few commands complete a subprocess

    /// <summary>
    /// Remembers a completed activity that may be compensated later: it has a handler, or it is a subprocess with a
    /// compensation event subprocess, or compensable activities completed inside it.
    /// </summary>
    private static bool HasCompensationsIn(Inst i, string scopeId)
    {
        foreach (var r in i.S.Compensations)
            if (r.ScopeId == scopeId) return true;
        return false;
    }

    public void RecordCompensation(Inst i, TokenState t, Node n)
    {
        var child = t.ChildScopeId;
        var esp = t.IsMultiInstanceBody ? null : n.Inner?.CompensationEventSubProcess;
        string? nested = child is not null && (esp is not null || HasCompensationsIn(i, child)) ? child : null;
        var handler = t.IsMultiInstanceBody ? null : n.CompensationHandler?.Id;
        if (handler is null && nested is null) return;
        // A compensation boundary handler on the subprocess wins over its event subprocess (it replaces the default too).
        var runsEsp = handler is null && esp is not null;
        i.S.Compensations.Add(new CompensationRecord
        {
            Id = i.NextId("c"), ScopeId = t.ScopeId, ElementId = n.Id, HandlerElementId = handler, NestedScopeId = nested,
            Order = i.S.Sequence, Locals = t.Locals?.DeepClone() as JsonObject,
            EventSubProcessId = runsEsp ? esp!.Id : null,
            ScopeVariables = runsEsp && _completedScopes is not null && _completedScopes.TryGetValue(child!, out var ended)
                ? ended.Variables.DeepClone() as JsonObject : null,
        });
    }

    /// <summary>A subprocess scope completed; its variables stay readable until its owner has recorded its compensation.</summary>
    private void RememberCompletedScope(ScopeState scope) => (_completedScopes ??= new(StringComparer.Ordinal))[scope.Id] = scope;

    /// <summary>
    /// Starts the compensation of the completed activities of <paramref name="scopeId"/> (or only of
    /// <paramref name="activityRef"/>), newest first: their handlers, or the compensation event subprocesses of
    /// completed subprocesses; the thrower waits until all ended. False when nothing to compensate.
    /// </summary>
    public bool Compensate(Inst i, TokenState thrower, string scopeId, string? activityRef)
    {
        var records = new List<CompensationRecord>();
        Collect(i, scopeId, activityRef, records);
        if (records.Count == 0) return false;
        thrower.Status = TokenStatus.Waiting;
        thrower.PendingCompensations += records.Count;
        var runIn = i.Scope(scopeId) is not null ? scopeId : thrower.ScopeId;
        foreach (var r in records)
        {
            if (r.HandlerElementId is { } h)
            {
                var ht = NewToken(i, runIn, h);
                ht.CompensationFor = thrower.Id;
                Enter(i, ht, i.G.Node(h), null);
                ht.Locals = r.Locals;
            }
            else RunCompensationEventSubProcess(i, thrower, runIn, r);
        }
        return true;
    }

    /// <summary>
    /// The records to run for a compensation of <paramref name="scopeId"/>: handlers and compensation event
    /// subprocesses; a completed subprocess without either is compensated through the records of its inner scope.
    /// </summary>
    private static void Collect(Inst i, string scopeId, string? activityRef, List<CompensationRecord> into)
    {
        var records = i.S.Compensations.Where(r => r.ScopeId == scopeId && (activityRef is null || r.ElementId == activityRef))
            .OrderByDescending(r => r.Order).ToList();
        foreach (var r in records)
        {
            i.S.Compensations.Remove(r);
            if (r.HandlerElementId is not null || r.EventSubProcessId is not null) into.Add(r);
            else if (r.NestedScopeId is { } nested) Collect(i, nested, null, into);
        }
    }

    /// <summary>
    /// Restores the completed subprocess's scope (its id, its variables, its instance's locals on a stand-in owner
    /// token) inside <paramref name="runIn"/> and starts its compensation event subprocess there. A compensation
    /// throw inside that event subprocess then finds the subprocess's own records by the restored scope id.
    /// </summary>
    private void RunCompensationEventSubProcess(Inst i, TokenState thrower, string runIn, CompensationRecord r)
    {
        var sub = i.G.Node(r.ElementId);
        var owner = NewToken(i, runIn, sub.Id);
        owner.CompensationFor = thrower.Id;
        owner.RestoredForCompensation = true;
        owner.Status = TokenStatus.Waiting;
        owner.Phase = TokenPhase.Executing;
        owner.Locals = r.Locals;
        var scope = new ScopeState
        {
            Id = r.NestedScopeId!, ParentScopeId = runIn, ElementId = sub.Id, Kind = SubProcessBehaviour.ScopeKindOf(sub),
            OwnerTokenId = owner.Id, Variables = r.ScopeVariables ?? [], StartedAt = Now,
        };
        i.S.Scopes.Add(scope);
        owner.ChildScopeId = scope.Id;
        FireEventSubProcess(i, scope, i.G.Node(r.EventSubProcessId!), null, keepListening: false);
    }

    /// <summary>
    /// A restored subprocess scope completed its compensation: what was not compensated in it can no longer be (the
    /// subprocess is compensated once), and its stand-in owner ends without leaving the subprocess a second time.
    /// </summary>
    private void EndRestoredScope(Inst i, ScopeState scope, TokenState owner)
    {
        DropCompensations(i, scope.Id);
        EndToken(i, owner);
    }

    private static void DropCompensations(Inst i, string scopeId)
    {
        foreach (var r in i.S.Compensations.Where(r => r.ScopeId == scopeId).ToList())
        {
            i.S.Compensations.Remove(r);
            if (r.NestedScopeId is { } nested) DropCompensations(i, nested);
        }
    }

    private void CompensationHandlerDone(Inst i, TokenState thrower)
    {
        if (--thrower.PendingCompensations > 0) return;
        thrower.Status = TokenStatus.Active;
        var n = i.Node(thrower);
        if (n.Kind == NodeKind.EndEvent && n.Trigger == Trigger.Cancel) Schedule(() => FinishTransactionCancel(i, thrower));
        else Schedule(() => Leave(i, thrower));
    }

    /// <summary>A cancel end event: compensate the transaction's completed activities, then cancel it and take its cancel boundary.</summary>
    public void CancelTransaction(Inst i, TokenState t)
    {
        var tx = i.Scope(t.ScopeId);
        while (tx is not null && tx.Kind != ScopeKind.Transaction) tx = i.Scope(tx.ParentScopeId);
        if (tx is null) { EndToken(i, t); return; }
        Record(i, t, i.Node(t), completed: true);
        t.Phase = TokenPhase.After;
        if (!Compensate(i, t, tx.Id, null)) FinishTransactionCancel(i, t);
    }

    private void FinishTransactionCancel(Inst i, TokenState t)
    {
        var tx = i.Scope(t.ScopeId);
        while (tx is not null && tx.Kind != ScopeKind.Transaction) tx = i.Scope(tx.ParentScopeId);
        if (tx is null) return;
        var owner = i.Owner(tx);
        if (owner is null) return;
        var cancel = i.Node(owner).Boundaries.Find(b => b.Trigger == Trigger.Cancel);
        if (cancel is null) { CancelToken(i, owner); return; }
        FireBoundary(i, owner, cancel, null);
    }
}
