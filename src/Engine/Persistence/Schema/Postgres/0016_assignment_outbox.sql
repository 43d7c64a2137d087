-- E-mail on assignment (issue 10, item 5): the outbox of user tasks that got an assignee who asked for an e-mail. A row is
-- written in the same transaction as the command that assigned the task (the model's assignee, a claim through either API,
-- an assignment, a delegation), so there is exactly one per assignment, never one for a command that rolled back. One
-- sender per node leases rows (lease_owner/lease_expires_at, as jobs do; FOR UPDATE SKIP LOCKED), sends, deletes a sent
-- row; a failed try is retried at next_attempt_at with back-off; after the last try the row stays with status 'failed'.
-- Times: 100-ns ticks since 1970 (as every runtime table).
CREATE TABLE assignment_outbox (
    tenant_id        text    NOT NULL,
    id               text    NOT NULL,
    instance_id      text    NOT NULL,
    task_id          text    NOT NULL,
    assignee         text    NOT NULL,
    actor            text,
    kind             text    NOT NULL,
    created_at       bigint  NOT NULL,
    status           text    NOT NULL DEFAULT 'pending',
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  bigint  NOT NULL,
    lease_owner      text,
    lease_expires_at bigint,
    last_error       text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_assignment_outbox_due ON assignment_outbox (status, next_attempt_at);
