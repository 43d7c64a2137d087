namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>The statements a commit runs (tables and columns as Schema/*/NNNN_*.sql create them).</summary>
internal static class CommitSql
{
    public static readonly SqlText InsertInstance = new("""
        INSERT INTO instances (tenant_id, id, root_instance_id, parent_instance_id, process_id, definition_version, business_key,
            status, started_at, ended_at, revision, document)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)
        """);

    /// <summary>The optimistic check: no row changes when another command moved the revision on.</summary>
    public static readonly SqlText UpdateInstance = new("""
        UPDATE instances SET document = @p0, revision = @p1, status = @p2, ended_at = @p3, business_key = @p4, definition_version = @p5
        WHERE tenant_id = @p6 AND id = @p7 AND revision = @p8
        """);

    /// <summary>The instant the case's own Frist passed, kept with an instance that ended while it ran (migration 0034).</summary>
    public static readonly SqlText SetCaseFristDue = new("UPDATE instances SET case_frist_due = @p0 WHERE tenant_id = @p1 AND id = @p2");

    /// <summary>
    /// The tenant's count of open instances (kept by triggers on <c>instances</c>, migration 0032), locked first by a change
    /// set that may change it: every such commit takes the count's row before any instance row, so two commits never wait
    /// for each other in opposite order.
    /// </summary>
    public static readonly SqlText LockOpenInstances = new("UPDATE tenant_open_instances SET open_count = open_count WHERE tenant_id = @p0");

    /// <summary>The quota across nodes: changes the count's row (one row affected) only while the count is within the quota.</summary>
    public static readonly SqlText CheckOpenInstances = new("UPDATE tenant_open_instances SET open_count = open_count WHERE tenant_id = @p0 AND open_count <= @p1");

    public static readonly SqlText OpenInstances = new("SELECT open_count FROM tenant_open_instances WHERE tenant_id = @p0");

    public static readonly SqlText CurrentRevision = new("SELECT revision FROM instances WHERE tenant_id = @p0 AND id = @p1");

    // Index rows of an instance: deleted and written again from its document.
    public static readonly SqlText DeleteSubscriptions = new("DELETE FROM subscriptions WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText DeleteUserTasks = new("DELETE FROM user_tasks WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText DeleteExternalTasks = new("DELETE FROM external_tasks WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText DeleteIncidents = new("DELETE FROM incidents WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText DeleteTaskInbox = new("DELETE FROM task_inbox WHERE tenant_id = @p0 AND instance_id = @p1");

    /// <summary>One principal of an open user task (the Postkorb's index, see Schema/*/0007_postkorb.sql).</summary>
    public static readonly SqlText InsertTaskInbox = new("""
        INSERT INTO task_inbox (tenant_id, principal, instance_id, task_id, due_key, follow_up_at, priority, created_at, task_order,
            assignee, process_id, process_version, process_name, business_key, name)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14)
        """);

    public static readonly SqlText InsertSubscription = new("""
        INSERT INTO subscriptions (tenant_id, instance_id, subscription_id, ordinal, root_instance_id, business_key, kind, event_name, payload)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)
        """);

    public static readonly SqlText InsertUserTask = new("""
        INSERT INTO user_tasks (tenant_id, instance_id, task_id, ordinal, root_instance_id, process_id, business_key, assignee, created_at,
            task_order, payload)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10)
        """);

    public static readonly SqlText InsertExternalTask = new("""
        INSERT INTO external_tasks (tenant_id, instance_id, task_id, ordinal, root_instance_id, process_id, business_key, topic,
            available_at, suspended, created_at, task_order, payload, lock_owner, lock_expires_at)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14)
        """);

    public static readonly SqlText InsertIncident = new("""
        INSERT INTO incidents (tenant_id, instance_id, incident_id, ordinal, root_instance_id, process_id, created_at, payload)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
        """);

    // Job rows are diffed, so a lease on a job that stays (same due time) survives.
    public static readonly SqlText JobsOfInstance = new("SELECT job_id, kind, ordinal, due_at FROM jobs WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText DeleteJobsOfInstance = new("DELETE FROM jobs WHERE tenant_id = @p0 AND instance_id = @p1");
    public static readonly SqlText InsertJob = new("""
        INSERT INTO jobs (tenant_id, instance_id, job_id, kind, ordinal, due_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)
        """);
    public static readonly SqlText MoveJob = new("""
        UPDATE jobs SET ordinal = @p0, due_at = @p1, lock_owner = NULL, lock_expires_at = NULL, attempts = 0
        WHERE tenant_id = @p2 AND instance_id = @p3 AND job_id = @p4 AND kind = @p5
        """);
    public static readonly SqlText ReorderJob = new("""
        UPDATE jobs SET ordinal = @p0 WHERE tenant_id = @p1 AND instance_id = @p2 AND job_id = @p3 AND kind = @p4
        """);
    public static readonly SqlText DeleteJob = new("""
        DELETE FROM jobs WHERE tenant_id = @p0 AND instance_id = @p1 AND job_id = @p2 AND kind = @p3
        """);

    // Append-only history: several rows per statement.
    public static readonly RowsInsert InsertHistory = new("history_element_instances", "tenant_id", "id", "instance_id",
        "root_instance_id", "process_id", "element_id", "element_type", "element_name", "started_at", "ended_at", "completed", "sequence");

    /// <summary>The same with the sequence flow each token arrived by (migration 0021), used when a row has one.</summary>
    public static readonly RowsInsert InsertHistoryWithFlow = new("history_element_instances", "tenant_id", "id", "instance_id",
        "root_instance_id", "process_id", "element_id", "element_type", "element_name", "started_at", "ended_at", "completed", "sequence", "arrived_by");

    /// <summary>The same with the instant the element's own Frist passed (migration 0029), used when a row has one.</summary>
    public static readonly RowsInsert InsertHistoryWithFrist = new("history_element_instances", "tenant_id", "id", "instance_id",
        "root_instance_id", "process_id", "element_id", "element_type", "element_name", "started_at", "ended_at", "completed", "sequence", "arrived_by", "frist_due");

    /// <summary>The pack and version that ran an element (only rows with one; migration 0008).</summary>
    public static readonly RowsInsert InsertActivityPackHistory = new("history_activity_packs", "tenant_id", "id", "instance_id",
        "root_instance_id", "process_id", "activity_pack");

    public static readonly RowsInsert InsertVariableHistory = new("history_variables", "tenant_id", "id", "instance_id", "root_instance_id",
        "process_id", "scope_id", "scope_element_id", "name", "change", "old_value", "new_value", "occurred_at", "command", "user_id");

    public static readonly RowsInsert InsertTaskHistory = new("history_tasks", "tenant_id", "id", "instance_id", "root_instance_id",
        "process_id", "task_id", "kind", "element_id", "event", "user_id", "detail", "occurred_at", "command", "on_behalf_of");

    public static readonly RowsInsert InsertIncidentHistory = new("history_incidents", "tenant_id", "id", "instance_id", "root_instance_id",
        "process_id", "incident_id", "incident_kind", "element_id", "event", "message", "occurred_at", "command", "details");

    public static readonly RowsInsert InsertDecisionHistory = new("history_decisions", "tenant_id", "id", "decision_key", "version",
        "evaluated_at", "process_instance_id", "root_instance_id", "element_id", "inputs", "matched_rules", "result", "decisions",
        "warnings", "errors");

    // Start timers: a rescheduled timer (new due time) loses its lease; whoever fired it is done with it.
    public static readonly SqlText DeleteStartTimer = new("DELETE FROM start_timers WHERE tenant_id = @p0 AND id = @p1");
    public static readonly SqlText UpsertStartTimer = new("""
        INSERT INTO start_timers (tenant_id, id, process_id, due_at, document) VALUES (@p0, @p1, @p2, @p3, @p4)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            process_id = excluded.process_id,
            document = excluded.document,
            lock_owner = CASE WHEN start_timers.due_at = excluded.due_at THEN start_timers.lock_owner END,
            lock_expires_at = CASE WHEN start_timers.due_at = excluded.due_at THEN start_timers.lock_expires_at END,
            attempts = CASE WHEN start_timers.due_at = excluded.due_at THEN start_timers.attempts ELSE 0 END,
            due_at = excluded.due_at
        """);

    /// <summary>
    /// E-mail on assignment (migration 0016): an outbox row, only for an assignee whose account asks for the e-mail (the
    /// accounts table of migration 0003 lives in the same database), so assignments nobody wants mailed cost no row.
    /// </summary>
    public static readonly SqlText InsertAssignmentOutbox = new("""
        INSERT INTO assignment_outbox (tenant_id, id, instance_id, task_id, assignee, actor, kind, created_at, next_attempt_at)
        SELECT @p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8
        WHERE EXISTS (SELECT 1 FROM accounts WHERE normalized_name = @p9 AND email_on_assignment AND NOT disabled AND email IS NOT NULL)
        """);
}
