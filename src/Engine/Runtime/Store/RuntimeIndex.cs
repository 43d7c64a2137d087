using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Store;

/// <summary>Derives the index rows of one instance document: what a store keeps findable across instances.</summary>
public static class RuntimeIndex
{
    public static IEnumerable<SubscriptionRow> Subscriptions(ProcessInstanceState s) =>
        s.IsEnded ? [] : s.Subscriptions.Select(x => new SubscriptionRow(s.TenantId, s.Id, s.RootInstanceId, s.BusinessKey, x));

    public static IEnumerable<UserTaskRow> UserTasks(ProcessInstanceState s) =>
        s.IsEnded ? [] : s.UserTasks.Select(t => new UserTaskRow(s.TenantId, s.Id, s.RootInstanceId, s.ProcessId, s.BusinessKey, t));

    public static IEnumerable<ExternalTaskRow> ExternalTasks(ProcessInstanceState s) =>
        s.IsEnded ? [] : s.ExternalTasks.Select(t => new ExternalTaskRow(s.TenantId, s.Id, s.RootInstanceId, s.ProcessId, s.BusinessKey, t));

    public static IEnumerable<IncidentRow> Incidents(ProcessInstanceState s) =>
        s.IsEnded ? [] : s.Incidents.Select(i => new IncidentRow(s.TenantId, s.Id, s.RootInstanceId, s.ProcessId, i));

    /// <summary>Jobs that are not suspended and external tasks waiting for a retry.</summary>
    public static IEnumerable<DueWork> DueWork(ProcessInstanceState s)
    {
        if (s.IsEnded) yield break;
        foreach (var j in s.Jobs)
            if (!j.Suspended) yield return new DueWork(DueWorkKind.Job, j.DueAt, s.Id, j.Id);
        foreach (var t in s.ExternalTasks)
            if (!t.Suspended && t.AvailableAt > t.CreatedAt) yield return new DueWork(DueWorkKind.ExternalTaskRetry, t.AvailableAt, s.Id, t.Id);
    }
}
