-- Postkorb (issue 10): the task index behind the clerks' inbox, Vertretung, saved filters and the case file.

-- One row per open user task and principal: its assignee (a:user), each candidate user (u:user) and each candidate
-- group (g:group). Rewritten with the instance's document in the same transaction (like user_tasks), so a view's first
-- page sorted by Frist and its count are index range scans. due_key: the due date in ticks, or the largest INTEGER
-- when the task has none (it sorts last).
CREATE TABLE task_inbox (
    tenant_id       TEXT    NOT NULL,
    principal       TEXT    NOT NULL,
    instance_id     TEXT    NOT NULL,
    task_id         TEXT    NOT NULL,
    due_key         INTEGER NOT NULL,
    follow_up_at    INTEGER NULL,
    priority        INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    task_order      INTEGER NOT NULL,
    assignee        TEXT    NULL,
    process_id      TEXT    NOT NULL,
    process_version INTEGER NOT NULL,
    process_name    TEXT    NULL,
    business_key    TEXT    NULL,
    name            TEXT    NULL,
    PRIMARY KEY (tenant_id, principal, instance_id, task_id)
);
CREATE INDEX ix_task_inbox_due ON task_inbox (tenant_id, principal, due_key, created_at, task_order);
CREATE INDEX ix_task_inbox_created ON task_inbox (tenant_id, principal, created_at, task_order);
CREATE INDEX ix_task_inbox_task ON task_inbox (tenant_id, instance_id, task_id, principal);

-- "in Vertretung für": the absent user a deputy acted for.
ALTER TABLE history_tasks ADD COLUMN on_behalf_of TEXT NULL;

-- Absences (Vertretung): the deputy sees and works the absent user's assigned tasks from from_at until to_at.
CREATE TABLE absences (
    tenant_id  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    deputy     TEXT    NOT NULL,
    from_at    INTEGER NOT NULL,
    to_at      INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_absences_deputy ON absences (tenant_id, deputy, to_at);
CREATE INDEX ix_absences_user ON absences (tenant_id, user_id, to_at);

-- Saved inbox filters: a clerk's own, or shared with one of their groups. query and columns are JSON.
CREATE TABLE task_filters (
    tenant_id         TEXT    NOT NULL,
    id                TEXT    NOT NULL,
    owner             TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    query             TEXT    NOT NULL,
    columns           TEXT    NOT NULL,
    shared_with_group TEXT    NULL,
    created_at        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_task_filters_owner ON task_filters (tenant_id, owner);
CREATE INDEX ix_task_filters_group ON task_filters (tenant_id, shared_with_group);

-- The case file (Akte) of a root process instance: comments and attachments, append-only.
CREATE TABLE case_comments (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    on_behalf_of     TEXT    NULL,
    text             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_case_comments_root ON case_comments (tenant_id, root_instance_id, seq);

CREATE TABLE case_attachments (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    user_id          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_case_attachments_root ON case_attachments (tenant_id, root_instance_id, hash);

-- Attachment contents, addressed by their SHA-256 (hex), stored once per tenant (unless a directory is configured).
CREATE TABLE attachment_blobs (
    tenant_id TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    size      INTEGER NOT NULL,
    content   BLOB    NOT NULL,
    PRIMARY KEY (tenant_id, hash)
);
