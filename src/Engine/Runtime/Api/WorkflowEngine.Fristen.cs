using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// §42a (2) sentence 3 VwVfG: extends the Frist of the Genehmigungsfiktion (a Frist timer with <c>egov:fiktion</c>) at
    /// <paramref name="elementId"/> in the case <paramref name="rootInstanceId"/> (or an instance it called) once, by
    /// <paramref name="verlaengerung"/>, for <paramref name="begruendung"/>. Refused (<see cref="WorkflowCommandException"/>,
    /// nothing changed): a second extension, no reason, a Frist that has passed or not begun, an extension longer than the
    /// Frist itself. The timer and the due dates it gives move; the variable <c>fiktionsfristVerlaengerung</c> records it.
    /// </summary>
    /// <returns>The Frist after the extension.</returns>
    public FristInfo ExtendFiktionsfrist(string rootInstanceId, string elementId, Period verlaengerung, string begruendung, string? userId = null) => Run(r =>
    {
        ArgumentException.ThrowIfNullOrEmpty(elementId);
        ArgumentNullException.ThrowIfNull(verlaengerung);
        var found = new List<(Inst I, FristState F)>();
        foreach (var id in _core.Store.InstanceTree(_core.TenantId, rootInstanceId))
        {
            var i = r.Load(id);
            if (i is null || i.S.IsEnded || !i.S.HasFristen) continue;
            found.AddRange(i.S.Fristen.Where(f => f.ElementId == elementId).Select(f => (i, f)));
        }
        if (found.Count == 0)
        {
            if (_core.Store.InstanceTree(_core.TenantId, rootInstanceId).Count == 0) throw new WorkflowNotFoundException($"no process instance '{rootInstanceId}'", RefusalReason.InstanceNotFound, ("instanceId", rootInstanceId));
            throw new WorkflowNotFoundException($"no running Frist at '{elementId}' in case '{rootInstanceId}'", RefusalReason.FristNotRunning,
                ("elementId", elementId), ("instanceId", rootInstanceId));
        }
        if (found.Count > 1)
            throw new WorkflowCommandException($"{found.Count} Fristen run at '{elementId}' in case '{rootInstanceId}' (a multi-instance activity); extend them one by one is not supported",
                RefusalReason.FristSeveral, ("elementId", elementId), ("instanceId", rootInstanceId), ("count", found.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var (inst, frist) = found[0];
        r.ExtendFiktion(inst, frist, verlaengerung, begruendung);
        return Info(inst.S, frist);
    }, userId: userId);

    /// <summary>
    /// The extension of <see cref="ExtendFiktionsfrist"/> from a user task: the Genehmigungsfiktion's Frist that dates the open
    /// task <paramref name="taskId"/> (the Frist timer on its boundary), so the clerk who decides can extend it.
    /// </summary>
    public FristInfo ExtendFiktionsfristOfTask(string taskId, Period verlaengerung, string begruendung, string? userId = null) => Run(r =>
    {
        var i = InstanceOf(r, taskId, 'u', "task");
        var task = i.S.UserTasks.Find(x => x.Id == taskId) ?? throw Gone(i, taskId, 'u', "task");
        var frist = task.FristId is { } fid && i.S.HasFristen ? i.S.Fristen.Find(f => f.Id == fid) : null;
        if (frist is null || !frist.Fiktion)
            throw new WorkflowCommandException($"task '{taskId}' is not dated by a Genehmigungsfiktion (a Frist timer with egov:fiktion on its boundary)",
                RefusalReason.FristTaskNotDatedByFiktion, ("taskId", taskId));
        r.ExtendFiktion(i, frist, verlaengerung, begruendung);
        return Info(i.S, frist);
    }, userId: userId);

    private static FristInfo Info(ProcessInstanceState s, FristState f) => new(
        s.Id, f.ElementId, f.Dauer, f.Art.ToString(), f.Beginn.Length == 0 ? null : f.Beginn, f.Ende.Length == 0 ? null : f.Ende,
        f.Hemmungstage, f.GehemmtSeit, f.Fiktion)
    {
        Verlaengerung = f.Verlaengerung, VerlaengerungGrund = f.VerlaengerungGrund, VerlaengertAm = f.VerlaengertAm,
    };
}
