-- Detailed history (append-only, written in the same transaction as the command that caused it): variable changes,
-- user/external task events and incident events, each queried per root instance tree and deleted with it (retention).
-- Values are JSON text; instants are 100-ns ticks since 1970 as in 0001.

CREATE TABLE history_variables (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    scope_id         TEXT    NOT NULL,
    scope_element_id TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    change           TEXT    NOT NULL,
    old_value        TEXT    NULL,
    new_value        TEXT    NULL,
    occurred_at      INTEGER NOT NULL,
    command          TEXT    NOT NULL,
    user_id          TEXT    NULL
);
CREATE INDEX ix_history_variables_root ON history_variables (tenant_id, root_instance_id);

CREATE TABLE history_tasks (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    task_id          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    element_id       TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    user_id          TEXT    NULL,
    detail           TEXT    NULL,
    occurred_at      INTEGER NOT NULL,
    command          TEXT    NOT NULL
);
CREATE INDEX ix_history_tasks_root ON history_tasks (tenant_id, root_instance_id);

CREATE TABLE history_incidents (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    incident_id      TEXT    NOT NULL,
    incident_kind    TEXT    NOT NULL,
    element_id       TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    message          TEXT    NOT NULL,
    occurred_at      INTEGER NOT NULL,
    command          TEXT    NOT NULL
);
CREATE INDEX ix_history_incidents_root ON history_incidents (tenant_id, root_instance_id);

-- Running instances of one process definition version (migration plans list them).
CREATE INDEX ix_instances_definition ON instances (tenant_id, process_id, definition_version, status);
