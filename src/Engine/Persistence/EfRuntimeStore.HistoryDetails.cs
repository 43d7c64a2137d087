using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Persistence;

// The detailed history (variable changes, task and incident events): appended in the command's transaction, read per
// root instance tree in the order it was written.
public sealed partial class EfRuntimeStore
{
    public IReadOnlyList<VariableChangeRecord> VariableHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryVariables, tenantId, rootInstanceId)
            .Select(h => new VariableChangeRecord
            {
                Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
                ScopeId = h.ScopeId, ScopeElementId = h.ScopeElementId, Name = h.Name, Change = Enum.Parse<VariableChange>(h.Change),
                OldValue = h.OldValue, NewValue = h.NewValue, At = Ticks.At(h.OccurredAt), Command = h.Command, UserId = h.UserId,
            }).ToList();
    }

    public IReadOnlyList<TaskEventRecord> TaskHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryTasks, tenantId, rootInstanceId)
            .Select(h => new TaskEventRecord
            {
                Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
                TaskId = h.TaskId, Kind = Enum.Parse<TaskKind>(h.Kind), ElementId = h.ElementId, Event = Enum.Parse<TaskEvent>(h.Event),
                UserId = h.UserId, Detail = h.Detail, At = Ticks.At(h.OccurredAt), Command = h.Command, OnBehalfOf = h.OnBehalfOf,
            }).ToList();
    }

    public IReadOnlyList<IncidentEventRecord> IncidentHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryIncidents, tenantId, rootInstanceId)
            .Select(h => new IncidentEventRecord
            {
                Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
                IncidentId = h.IncidentId, IncidentKind = Enum.Parse<IncidentKind>(h.IncidentKind), ElementId = h.ElementId,
                Event = Enum.Parse<IncidentEvent>(h.Event), Message = h.Message, At = Ticks.At(h.OccurredAt), Command = h.Command,
            }).ToList();
    }

    /// <summary>The history rows of one root instance tree, in the order they were written.</summary>
    private static List<TRow> OfTree<TRow>(IQueryable<TRow> rows, string tenantId, string rootInstanceId) where TRow : HistoryRow =>
        [.. rows.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).OrderBy(h => h.Seq)];
}
