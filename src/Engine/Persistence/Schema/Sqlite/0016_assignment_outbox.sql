-- E-mail on assignment (issue 10, item 5): the outbox of user tasks that got an assignee who asked for an e-mail. A row is
-- written in the same transaction as the command that assigned the task (the model's assignee, a claim through either API,
-- an assignment, a delegation), so there is exactly one per assignment, never one for a command that rolled back. One
-- sender per node leases rows (lease_owner/lease_expires_at, as jobs do), sends, deletes a sent row; a failed try is
-- retried at next_attempt_at with back-off; after the last try the row stays with status 'failed' and the reason.
-- Times: 100-ns ticks since 1970 (as every runtime table).
CREATE TABLE assignment_outbox (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    task_id          TEXT    NOT NULL,
    assignee         TEXT    NOT NULL,
    actor            TEXT,
    kind             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_assignment_outbox_due ON assignment_outbox (status, next_attempt_at);
