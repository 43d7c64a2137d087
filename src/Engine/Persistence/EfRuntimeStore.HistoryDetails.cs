using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence;

// The detailed history (variable changes, task and incident events): appended in the command's transaction, read per
// root instance tree in the order it was written.
public sealed partial class EfRuntimeStore
{
    public IReadOnlyList<VariableChangeRecord> VariableHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryVariables, tenantId, rootInstanceId).Select(Variable).ToList();
    }

    public RowPage<VariableChangeRecord> VariableHistoryPage(string tenantId, string rootInstanceId, int offset, int limit)
    {
        using var db = _db.Create();
        return PageOfTree(db.HistoryVariables, tenantId, rootInstanceId, offset, limit, Variable);
    }

    public IReadOnlyList<TaskEventRecord> TaskHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryTasks, tenantId, rootInstanceId).Select(TaskEvent).ToList();
    }

    public RowPage<TaskEventRecord> TaskHistoryPage(string tenantId, string rootInstanceId, int offset, int limit)
    {
        using var db = _db.Create();
        return PageOfTree(db.HistoryTasks, tenantId, rootInstanceId, offset, limit, TaskEvent);
    }

    public IReadOnlyList<IncidentEventRecord> IncidentHistory(string tenantId, string rootInstanceId)
    {
        using var db = _db.Create();
        return OfTree(db.HistoryIncidents, tenantId, rootInstanceId).Select(IncidentEvent).ToList();
    }

    public RowPage<IncidentEventRecord> IncidentHistoryPage(string tenantId, string rootInstanceId, int offset, int limit)
    {
        using var db = _db.Create();
        return PageOfTree(db.HistoryIncidents, tenantId, rootInstanceId, offset, limit, IncidentEvent);
    }

    private static VariableChangeRecord Variable(HistoryVariableRow h) => new()
    {
        Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
        ScopeId = h.ScopeId, ScopeElementId = h.ScopeElementId, Name = h.Name, Change = Enum.Parse<VariableChange>(h.Change),
        OldValue = h.OldValue, NewValue = h.NewValue, At = Ticks.At(h.OccurredAt), Command = h.Command, UserId = h.UserId,
    };

    private static TaskEventRecord TaskEvent(HistoryTaskRow h) => new()
    {
        Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
        TaskId = h.TaskId, Kind = Enum.Parse<TaskKind>(h.Kind), ElementId = h.ElementId, Event = Enum.Parse<TaskEvent>(h.Event),
        UserId = h.UserId, Detail = h.Detail, At = Ticks.At(h.OccurredAt), Command = h.Command, OnBehalfOf = h.OnBehalfOf,
    };

    private static IncidentEventRecord IncidentEvent(HistoryIncidentRow h) => new()
    {
        Id = h.Id, TenantId = h.TenantId, InstanceId = h.InstanceId, RootInstanceId = h.RootInstanceId, ProcessId = h.ProcessId,
        IncidentId = h.IncidentId, IncidentKind = Enum.Parse<IncidentKind>(h.IncidentKind), ElementId = h.ElementId,
        Event = Enum.Parse<IncidentEvent>(h.Event), Message = h.Message, Details = h.Details, At = Ticks.At(h.OccurredAt), Command = h.Command,
    };

    /// <summary>One page of a tree's history rows (LIMIT/OFFSET in SQL) and their count.</summary>
    private static RowPage<TRecord> PageOfTree<TRow, TRecord>(IQueryable<TRow> rows, string tenantId, string rootInstanceId, int offset, int limit,
        Func<TRow, TRecord> map) where TRow : HistoryRow
    {
        var tree = rows.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId);
        var page = tree.OrderBy(h => h.Seq).Skip(offset).Take(limit).ToList();
        return new RowPage<TRecord>(page.Select(map).ToList(), RowPaging.Total(page.Count, offset, limit, tree.LongCount));
    }

    /// <summary>The history rows of one root instance tree, in the order they were written.</summary>
    private static List<TRow> OfTree<TRow>(IQueryable<TRow> rows, string tenantId, string rootInstanceId) where TRow : HistoryRow =>
        [.. rows.Where(h => h.TenantId == tenantId && h.RootInstanceId == rootInstanceId).OrderBy(h => h.Seq)];
}
