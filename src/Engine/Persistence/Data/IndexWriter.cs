using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Rewrites the index rows of one instance from its document (<see cref="RuntimeIndex"/>), inside the commit's
/// transaction. Job rows are diffed instead of rewritten, so a lease a node holds on a job that is still there with the
/// same due time survives a commit of another command on the same instance.
/// </summary>
internal static class IndexWriter
{
    public static void Write(IStatementSink sink, ProcessInstanceState s, bool isNew)
    {
        var t = s.TenantId;
        var id = s.Id;
        if (!isNew)
            foreach (var delete in (ReadOnlySpan<SqlText>)[CommitSql.DeleteSubscriptions, CommitSql.DeleteUserTasks, CommitSql.DeleteExternalTasks, CommitSql.DeleteIncidents, CommitSql.DeleteTaskInbox])
            {
                sink.Begin(delete).Text(t).Text(id);
                sink.End();
            }
        // Derived by RuntimeIndex, as every store derives them (an ended instance has none).
        var n = 0;
        foreach (var r in RuntimeIndex.Subscriptions(s))
        {
            sink.Begin(CommitSql.InsertSubscription).Text(t).Text(id).Text(r.Subscription.Id).Int(n++).Text(r.RootInstanceId)
                .Text(r.BusinessKey).Text(r.Subscription.Kind.ToString()).Text(r.Subscription.EventName).Text(RuntimeJson.Serialize(r.Subscription));
            sink.End();
        }
        n = 0;
        foreach (var r in RuntimeIndex.UserTasks(s))
        {
            sink.Begin(CommitSql.InsertUserTask).Text(t).Text(id).Text(r.Task.Id).Int(n++).Text(r.RootInstanceId).Text(r.ProcessId)
                .Text(r.BusinessKey).Text(r.Task.Assignee).Long(Ticks.Of(r.Task.CreatedAt)).Long(r.Task.Order).Text(RuntimeJson.Serialize(r.Task));
            sink.End();
            WriteInbox(sink, s, r.Task);
        }
        n = 0;
        foreach (var r in RuntimeIndex.ExternalTasks(s))
        {
            sink.Begin(CommitSql.InsertExternalTask).Text(t).Text(id).Text(r.Task.Id).Int(n++).Text(r.RootInstanceId).Text(r.ProcessId)
                .Text(r.BusinessKey).Text(r.Task.Topic).Long(Ticks.Of(r.Task.AvailableAt)).Bool(r.Task.Suspended).Long(Ticks.Of(r.Task.CreatedAt))
                .Long(r.Task.Order).Text(RuntimeJson.Serialize(r.Task)).Text(r.Task.LockOwner).Long(Ticks.Of(r.Task.LockExpiresAt));
            sink.End();
        }
        n = 0;
        foreach (var r in RuntimeIndex.Incidents(s))
        {
            sink.Begin(CommitSql.InsertIncident).Text(t).Text(id).Text(r.Incident.Id).Int(n++).Text(r.RootInstanceId).Text(r.ProcessId)
                .Long(Ticks.Of(r.Incident.CreatedAt)).Text(RuntimeJson.Serialize(r.Incident));
            sink.End();
        }

        WriteJobs(sink, s, isNew);
    }

    /// <summary>The task's rows in the inbox index: one per principal (assignee, candidate users, candidate groups).</summary>
    internal static void WriteInbox(IStatementSink sink, ProcessInstanceState s, UserTaskState task)
    {
        foreach (var principal in InboxPrincipal.Of(task))
        {
            sink.Begin(CommitSql.InsertTaskInbox).Text(s.TenantId).Text(principal).Text(s.Id).Text(task.Id)
                .Long(task.DueDate is { } due ? Ticks.Of(due) : InboxMatching.NoDue).Long(task.FollowUpDate is { } f ? Ticks.Of(f) : null)
                .Int(task.Priority).Long(Ticks.Of(task.CreatedAt)).Long(task.Order).Text(task.Assignee).Text(s.ProcessId)
                .Int(s.DefinitionVersion).Text(task.ProcessName).Text(s.BusinessKey).Text(task.Name);
            sink.End();
        }
    }

    private static void WriteJobs(IStatementSink sink, ProcessInstanceState s, bool isNew)
    {
        var t = s.TenantId;
        var id = s.Id;
        var due = RuntimeIndex.DueWork(s).ToList();
        if (due.Count == 0)
        {
            // Nothing due any more: one delete instead of a read and a diff.
            if (!isNew) DeleteAllJobs(sink, t, id);
            return;
        }
        var left = isNew
            ? []
            : sink.Query(CommitSql.JobsOfInstance, p => p.Text(t).Text(id), r => (Key: (r.GetString(0), r.GetString(1)), Ordinal: r.GetInt32(2), DueAt: r.GetInt64(3)))
                .ToDictionary(x => x.Key, x => (x.Ordinal, x.DueAt));
        var ordinal = 0;
        foreach (var w in due)
        {
            var kind = w.Kind.ToString();
            var at = Ticks.Of(w.DueAt);
            var o = ordinal++;
            if (left.Remove((w.Id, kind), out var row))
            {
                if (row.DueAt != at) sink.Begin(CommitSql.MoveJob).Int(o).Long(at).Text(t).Text(id).Text(w.Id).Text(kind);
                else if (row.Ordinal != o) sink.Begin(CommitSql.ReorderJob).Int(o).Text(t).Text(id).Text(w.Id).Text(kind);
                else continue; // same job, same time, same place: its lease stays
                sink.End();
                continue;
            }
            sink.Begin(CommitSql.InsertJob).Text(t).Text(id).Text(w.Id).Text(kind).Int(o).Long(at);
            sink.End();
        }
        foreach (var (jobId, kind) in left.Keys)
        {
            sink.Begin(CommitSql.DeleteJob).Text(t).Text(id).Text(jobId).Text(kind);
            sink.End();
        }
    }

    private static void DeleteAllJobs(IStatementSink sink, string tenant, string id)
    {
        sink.Begin(CommitSql.DeleteJobsOfInstance).Text(tenant).Text(id);
        sink.End();
    }
}
