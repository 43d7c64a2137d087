using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Rewrites the index rows of one instance from its document (<see cref="RuntimeIndex"/>), inside the commit's
/// transaction. Job rows are diffed instead of rewritten, so a lease a node holds on a job that is still there with the
/// same due time survives a commit of another command on the same instance.
/// </summary>
internal static class IndexWriter
{
    public static void Write(RuntimeDbContext db, ProcessInstanceState s, bool isNew)
    {
        var t = s.TenantId;
        var id = s.Id;
        // One command with four statements instead of four ExecuteDelete queries: one round trip, no query pipeline.
        if (!isNew)
            db.Database.ExecuteSql($"""
                DELETE FROM subscriptions WHERE tenant_id = {t} AND instance_id = {id};
                DELETE FROM user_tasks WHERE tenant_id = {t} AND instance_id = {id};
                DELETE FROM external_tasks WHERE tenant_id = {t} AND instance_id = {id};
                DELETE FROM incidents WHERE tenant_id = {t} AND instance_id = {id};
                """);

        var n = 0;
        foreach (var r in RuntimeIndex.Subscriptions(s))
            db.Subscriptions.Add(new SubscriptionIndexRow
            {
                TenantId = t, InstanceId = id, SubscriptionId = r.Subscription.Id, Ordinal = n++, RootInstanceId = r.RootInstanceId,
                BusinessKey = r.BusinessKey, Kind = r.Subscription.Kind.ToString(), EventName = r.Subscription.EventName,
                Payload = RuntimeJson.Serialize(r.Subscription),
            });
        n = 0;
        foreach (var r in RuntimeIndex.UserTasks(s))
            db.UserTasks.Add(new UserTaskIndexRow
            {
                TenantId = t, InstanceId = id, TaskId = r.Task.Id, Ordinal = n++, RootInstanceId = r.RootInstanceId, ProcessId = r.ProcessId,
                BusinessKey = r.BusinessKey, Assignee = r.Task.Assignee, CreatedAt = Ticks.Of(r.Task.CreatedAt), TaskOrder = r.Task.Order,
                Payload = RuntimeJson.Serialize(r.Task),
            });
        n = 0;
        foreach (var r in RuntimeIndex.ExternalTasks(s))
            db.ExternalTasks.Add(new ExternalTaskIndexRow
            {
                TenantId = t, InstanceId = id, TaskId = r.Task.Id, Ordinal = n++, RootInstanceId = r.RootInstanceId, ProcessId = r.ProcessId,
                BusinessKey = r.BusinessKey, Topic = r.Task.Topic, AvailableAt = Ticks.Of(r.Task.AvailableAt), Suspended = r.Task.Suspended,
                CreatedAt = Ticks.Of(r.Task.CreatedAt), TaskOrder = r.Task.Order, Payload = RuntimeJson.Serialize(r.Task),
            });
        n = 0;
        foreach (var r in RuntimeIndex.Incidents(s))
            db.Incidents.Add(new IncidentIndexRow
            {
                TenantId = t, InstanceId = id, IncidentId = r.Incident.Id, Ordinal = n++, RootInstanceId = r.RootInstanceId,
                ProcessId = r.ProcessId, CreatedAt = Ticks.Of(r.Incident.CreatedAt), Payload = RuntimeJson.Serialize(r.Incident),
            });

        WriteJobs(db, s, isNew);
    }

    private static void WriteJobs(RuntimeDbContext db, ProcessInstanceState s, bool isNew)
    {
        var existing = isNew ? [] : db.Jobs.AsTracking().Where(r => r.TenantId == s.TenantId && r.InstanceId == s.Id).ToList();
        var left = existing.ToDictionary(r => (r.JobId, r.Kind));
        var ordinal = 0;
        foreach (var w in RuntimeIndex.DueWork(s))
        {
            var kind = w.Kind.ToString();
            var due = Ticks.Of(w.DueAt);
            if (left.Remove((w.Id, kind), out var row))
            {
                row.Ordinal = ordinal++;
                if (row.DueAt == due) continue; // same job, same time: a lease on it stays
                row.DueAt = due;
                row.LockOwner = null;
                row.LockExpiresAt = null;
                continue;
            }
            db.Jobs.Add(new JobIndexRow { TenantId = s.TenantId, InstanceId = s.Id, JobId = w.Id, Kind = kind, Ordinal = ordinal++, DueAt = due });
        }
        foreach (var gone in left.Values) db.Jobs.Remove(gone);
    }
}
