namespace EGov.Workflows.Runtime.Store;

// The inbox queries of the in-memory store: a scan of the tenant's instances with open tasks, in the semantics of
// InboxMatching (the durable stores answer the same queries from their task index).
public sealed partial class InMemoryRuntimeStore : ITaskInbox
{
    public InboxPage QueryInbox(string tenantId, InboxQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matching = InboxMatching.Order(query, Rows(tenantId).Where(r => InboxMatching.Matches(query, r))).ToList();
        var page = matching.Skip(query.Offset).Take(query.Limit)
            .Select(r => r with { Task = State.StateCopy.Copy(r.Task) }).ToList();
        return new InboxPage(page, matching.Count);
    }

    public IReadOnlyList<long> CountInbox(string tenantId, IReadOnlyList<InboxQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var rows = Rows(tenantId);
        return queries.Select(q => (long)rows.Count(r => InboxMatching.Matches(q, r))).ToList();
    }

    private List<InboxRow> Rows(string tenantId)
    {
        lock (_lock)
            return _indexes.WithUserTasks(tenantId)
                .SelectMany(s => s.IsEnded ? [] : s.UserTasks.Select(t => new InboxRow(s.TenantId, s.Id, s.RootInstanceId, s.ProcessId, s.DefinitionVersion, s.BusinessKey, t)))
                .ToList();
    }
}
