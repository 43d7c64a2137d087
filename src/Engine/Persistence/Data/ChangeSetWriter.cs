using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Turns one <see cref="RuntimeChangeSet"/> into statements on a sink, inside the caller's transaction: documents (insert
/// for a new one, revision-checked update otherwise), their index rows, history rows and start timers. Provider-neutral;
/// the sink decides whether statements run one by one (SQLite) or as one batch (PostgreSQL).
/// </summary>
internal static class ChangeSetWriter
{
    /// <summary>
    /// An update that must have changed one row, else the document was changed since it was read — or, with
    /// <paramref name="OpenInstanceLimit"/> set, the open-instance quota's conditional update (no row: the quota is passed).
    /// </summary>
    public readonly record struct RevisionCheck(int Handle, string InstanceId, long ReadAt, long? OpenInstanceLimit = null);

    /// <summary>
    /// Writes the change set, runs it, verifies every revision and runs the test seam: what is left for the caller is the
    /// COMMIT (or, on any exception, the rollback of everything this wrote).
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">A new document's id exists, or a document changed since it was read.</exception>
    public static void WriteChecked(IStatementSink sink, RuntimeChangeSet changes, Action<RuntimeChangeSet>? beforeCommit)
    {
        var checks = new List<RevisionCheck>(changes.Instances.Count);
        try
        {
            Write(sink, changes, checks);
            sink.Flush();
        }
        catch (System.Data.Common.DbException e) when (Conflicts.IsUniqueViolation(e))
        {
            throw Conflicts.DuplicateInstance(e);
        }
        if (FirstStale(sink, checks) is { } c)
        {
            var tenant = changes.TenantId;
            if (c.OpenInstanceLimit is { } limit) throw QuotaPassed(sink, changes, limit);
            var current = sink.Query(CommitSql.CurrentRevision, p => p.Text(tenant).Text(c.InstanceId), r => (long?)r.GetInt64(0));
            throw Conflicts.StaleRevision(c.InstanceId, c.ReadAt, current.Count > 0 ? current[0] : null);
        }
        beforeCommit?.Invoke(changes);
    }

    /// <summary>The first revision-checked update (or quota check) that changed no row (the sink has flushed); null when every check held.</summary>
    public static RevisionCheck? FirstStale(IStatementSink sink, List<RevisionCheck> checks)
    {
        foreach (var c in checks)
            if (sink.RowsAffected(c.Handle) == 0) return c;
        return null;
    }

    /// <summary>
    /// The change set would pass the tenant's open-instance quota with what every node committed (issue 20): refused,
    /// rolled back by the caller like a conflict. <see cref="InstanceQuotaException.Used"/> is the count before it.
    /// </summary>
    private static InstanceQuotaException QuotaPassed(IStatementSink sink, RuntimeChangeSet changes, long limit)
    {
        var tenant = changes.TenantId;
        var open = sink.Query(CommitSql.OpenInstances, p => p.Text(tenant), r => r.GetInt64(0)).FirstOrDefault();
        var used = open - changes.Instances.Count(StartsOpen);
        return new InstanceQuotaException($"tenant '{tenant}' has {used:N0} open process instances (counted over every node), its quota is {limit:N0}; " +
            "nothing was started — instances must end first, or the quota be raised") { Limit = limit, Used = used };
    }

    /// <summary>A new document of an instance still running: the count of open instances grows by it.</summary>
    private static bool StartsOpen(ProcessInstanceState s) => s.Revision == 0 && s.EndedAt is null;

    /// <summary>Queues or runs every statement of <paramref name="changes"/>; the checks are verified after the sink flushed.</summary>
    public static void Write(IStatementSink sink, RuntimeChangeSet changes, List<RevisionCheck> checks)
    {
        var tenant = changes.TenantId;
        // The count of open instances (triggers, migration 0032): its row first, before the instance rows, when this change
        // set starts instances under a quota or may end instances (so commits that change the count take its row lock before
        // any instance row, never in the opposite order); after them, the quota across nodes when it starts some.
        var starts = changes.Instances.Exists(StartsOpen);
        if ((starts && changes.OpenInstanceLimit is not null) || changes.Instances.Exists(s => s.EndedAt is not null))
        {
            sink.Begin(CommitSql.LockOpenInstances).Text(tenant);
            sink.End();
        }
        foreach (var s in changes.Instances) WriteInstance(sink, s, checks);
        if (starts && changes.OpenInstanceLimit is { } limit)
        {
            sink.Begin(CommitSql.CheckOpenInstances).Text(tenant).Long(limit);
            checks.Add(new RevisionCheck(sink.End(), "", 0, limit));
        }
        if (changes.History.Exists(h => h.FristDue is not null))
            CommitSql.InsertHistoryWithFrist.Write(sink, changes.History, (p, h) => p.Text(tenant).Text(h.Id).Text(h.InstanceId).Text(h.RootInstanceId)
                .Text(h.ProcessId).Text(h.ElementId).Text(h.ElementType).Text(h.ElementName).Long(Ticks.Of(h.StartedAt)).Long(Ticks.Of(h.EndedAt))
                .Bool(h.Completed).Long(h.Sequence).Text(h.ArrivedBy).Long(h.FristDue is { } due ? Ticks.Of(due) : null));
        else if (changes.History.Exists(h => h.ArrivedBy is not null))
            CommitSql.InsertHistoryWithFlow.Write(sink, changes.History, (p, h) => p.Text(tenant).Text(h.Id).Text(h.InstanceId).Text(h.RootInstanceId)
                .Text(h.ProcessId).Text(h.ElementId).Text(h.ElementType).Text(h.ElementName).Long(Ticks.Of(h.StartedAt)).Long(Ticks.Of(h.EndedAt))
                .Bool(h.Completed).Long(h.Sequence).Text(h.ArrivedBy));
        else
            CommitSql.InsertHistory.Write(sink, changes.History, (p, h) => p.Text(tenant).Text(h.Id).Text(h.InstanceId).Text(h.RootInstanceId)
                .Text(h.ProcessId).Text(h.ElementId).Text(h.ElementType).Text(h.ElementName).Long(Ticks.Of(h.StartedAt)).Long(Ticks.Of(h.EndedAt))
                .Bool(h.Completed).Long(h.Sequence));
        if (changes.History.Exists(h => h.ActivityPack is not null))
            CommitSql.InsertActivityPackHistory.Write(sink, changes.History.FindAll(h => h.ActivityPack is not null), (p, h) => p.Text(tenant).Text(h.Id)
                .Text(h.InstanceId).Text(h.RootInstanceId).Text(h.ProcessId).Text(h.ActivityPack));
        CommitSql.InsertVariableHistory.Write(sink, changes.VariableHistory, (p, v) => p.Text(tenant).Text(v.Id).Text(v.InstanceId)
            .Text(v.RootInstanceId).Text(v.ProcessId).Text(v.ScopeId).Text(v.ScopeElementId).Text(v.Name).Text(v.Change.ToString())
            .Text(v.OldValue).Text(v.NewValue).Long(Ticks.Of(v.At)).Text(v.Command).Text(v.UserId));
        CommitSql.InsertTaskHistory.Write(sink, changes.TaskHistory, (p, x) => p.Text(tenant).Text(x.Id).Text(x.InstanceId)
            .Text(x.RootInstanceId).Text(x.ProcessId).Text(x.TaskId).Text(x.Kind.ToString()).Text(x.ElementId).Text(x.Event.ToString())
            .Text(x.UserId).Text(x.Detail).Long(Ticks.Of(x.At)).Text(x.Command).Text(x.OnBehalfOf));
        CommitSql.InsertIncidentHistory.Write(sink, changes.IncidentHistory, (p, x) => p.Text(tenant).Text(x.Id).Text(x.InstanceId)
            .Text(x.RootInstanceId).Text(x.ProcessId).Text(x.IncidentId).Text(x.IncidentKind.ToString()).Text(x.ElementId)
            .Text(x.Event.ToString()).Text(x.Message).Long(Ticks.Of(x.At)).Text(x.Command).Text(x.Details));
        CommitSql.InsertDecisionHistory.Write(sink, changes.DecisionHistory, (p, d) => p.Text(tenant).Text(d.Id).Text(d.DecisionKey)
            .Int(d.Version).Long(Ticks.Of(d.EvaluatedAt)).Text(d.ProcessInstanceId).Text(d.RootInstanceId).Text(d.ElementId)
            .Text(d.Inputs.ToJsonString()).Text(DecisionJson.Strings(d.MatchedRules)).Text(d.Result?.ToJsonString()).Text(d.Decisions.ToJsonString())
            .Text(DecisionJson.Strings(d.Warnings)).Text(DecisionJson.Strings(d.Errors)));
        foreach (var a in changes.Assignments)
        {
            sink.Begin(CommitSql.InsertAssignmentOutbox).Text(tenant).Text(a.Id).Text(a.InstanceId).Text(a.TaskId).Text(a.Assignee)
                .Text(a.Actor).Text(a.Kind.ToString()).Long(Ticks.Of(a.At)).Long(Ticks.Of(a.At)).Text(a.Assignee.Trim().ToUpperInvariant());
            sink.End();
        }
        foreach (var id in changes.RemovedStartTimerIds.Distinct(StringComparer.Ordinal))
        {
            sink.Begin(CommitSql.DeleteStartTimer).Text(tenant).Text(id);
            sink.End();
        }
        foreach (var t in changes.StartTimers)
        {
            sink.Begin(CommitSql.UpsertStartTimer).Text(tenant).Text(t.Id).Text(t.ProcessId).Long(Ticks.Of(t.DueAt)).Text(RuntimeJson.Serialize(t));
            sink.End();
        }
    }

    private static void WriteInstance(IStatementSink sink, ProcessInstanceState s, List<RevisionCheck> checks)
    {
        var read = s.Revision;
        string json;
        s.Revision = read + 1; // the document carries the revision it is stored at
        try { json = RuntimeJson.Serialize(s); }
        finally { s.Revision = read; }

        var status = s.Status.ToString();
        var ended = Ticks.Of(s.EndedAt);
        if (read == 0)
        {
            // No query first: an instance that exists already fails the (tenant_id, id) key, which the commit reports as a
            // ConcurrencyConflictException (one statement less per start).
            sink.Begin(CommitSql.InsertInstance).Text(s.TenantId).Text(s.Id).Text(s.RootInstanceId).Text(s.ParentInstanceId)
                .Text(s.ProcessId).Int(s.DefinitionVersion).Text(s.BusinessKey).Text(status).Long(Ticks.Of(s.StartedAt)).Long(ended)
                .Long(1L).Text(json);
            sink.End();
        }
        else
        {
            sink.Begin(CommitSql.UpdateInstance).Text(json).Long(read + 1).Text(status).Long(ended).Text(s.BusinessKey)
                .Int(s.DefinitionVersion).Text(s.TenantId).Text(s.Id).Long(read);
            checks.Add(new RevisionCheck(sink.End(), s.Id, read));
        }
        IndexWriter.Write(sink, s, isNew: read == 0);
    }
}
