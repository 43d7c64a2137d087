-- EGov.Workflows durable runtime state, SQLite. Instants are stored as INTEGER: 100-ns ticks since 1970-01-01 UTC.
-- Every row carries its tenant (municipality); every query filters by it.

-- One versioned JSON document per process instance (optimistic concurrency on revision).
CREATE TABLE instances (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id          TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    root_instance_id   TEXT    NOT NULL,
    parent_instance_id TEXT    NULL,
    process_id         TEXT    NOT NULL,
    definition_version INTEGER NOT NULL,
    business_key       TEXT    NULL,
    status             TEXT    NOT NULL,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER NULL,
    revision           INTEGER NOT NULL,
    document           TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_instances_tenant_id ON instances (tenant_id, id);
CREATE INDEX ix_instances_root ON instances (tenant_id, root_instance_id);
CREATE INDEX ix_instances_ended ON instances (tenant_id, ended_at);

-- Index rows, rewritten with their document in the same transaction.
CREATE TABLE subscriptions (
    tenant_id        TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    subscription_id  TEXT    NOT NULL,
    ordinal          INTEGER NOT NULL,
    root_instance_id TEXT    NOT NULL,
    business_key     TEXT    NULL,
    kind             TEXT    NOT NULL,
    event_name       TEXT    NOT NULL,
    payload          TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, instance_id, subscription_id)
);
CREATE INDEX ix_subscriptions_event ON subscriptions (tenant_id, kind, event_name);

CREATE TABLE jobs (
    tenant_id       TEXT    NOT NULL,
    instance_id     TEXT    NOT NULL,
    job_id          TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    ordinal         INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,
    lock_owner      TEXT    NULL,
    lock_expires_at INTEGER NULL,
    PRIMARY KEY (tenant_id, instance_id, job_id, kind)
);
CREATE INDEX ix_jobs_due ON jobs (due_at);
CREATE INDEX ix_jobs_tenant_due ON jobs (tenant_id, due_at);

CREATE TABLE user_tasks (
    tenant_id        TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    task_id          TEXT    NOT NULL,
    ordinal          INTEGER NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    business_key     TEXT    NULL,
    assignee         TEXT    NULL,
    created_at       INTEGER NOT NULL,
    task_order       INTEGER NOT NULL,
    payload          TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, instance_id, task_id)
);
CREATE INDEX ix_user_tasks_root ON user_tasks (tenant_id, root_instance_id);
CREATE INDEX ix_user_tasks_assignee ON user_tasks (tenant_id, assignee);

CREATE TABLE external_tasks (
    tenant_id        TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    task_id          TEXT    NOT NULL,
    ordinal          INTEGER NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    business_key     TEXT    NULL,
    topic            TEXT    NULL,
    available_at     INTEGER NOT NULL,
    suspended        INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    task_order       INTEGER NOT NULL,
    payload          TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, instance_id, task_id)
);
CREATE INDEX ix_external_tasks_root ON external_tasks (tenant_id, root_instance_id);
CREATE INDEX ix_external_tasks_topic ON external_tasks (tenant_id, topic, available_at);

CREATE TABLE incidents (
    tenant_id        TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    incident_id      TEXT    NOT NULL,
    ordinal          INTEGER NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    payload          TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, instance_id, incident_id)
);
CREATE INDEX ix_incidents_root ON incidents (tenant_id, root_instance_id);

-- Timer start events of deployed processes (no instance yet); locked like jobs.
CREATE TABLE start_timers (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id       TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    process_id      TEXT    NOT NULL,
    due_at          INTEGER NOT NULL,
    lock_owner      TEXT    NULL,
    lock_expires_at INTEGER NULL,
    document        TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_start_timers_tenant_id ON start_timers (tenant_id, id);
CREATE INDEX ix_start_timers_due ON start_timers (due_at);

-- Append-only history: one row per ended element instance.
CREATE TABLE history_element_instances (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    element_id       TEXT    NOT NULL,
    element_type     TEXT    NOT NULL,
    element_name     TEXT    NULL,
    started_at       INTEGER NOT NULL,
    ended_at         INTEGER NOT NULL,
    completed        INTEGER NOT NULL,
    sequence         INTEGER NOT NULL
);
CREATE INDEX ix_history_root ON history_element_instances (tenant_id, root_instance_id);

-- Deployed models: a changed model is version n+1, an unchanged one (same hash) keeps its version.
CREATE TABLE deployments (
    tenant_id        TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    content_hash     TEXT    NOT NULL,
    file             TEXT    NOT NULL,
    bpmn_xml         TEXT    NOT NULL,
    history_ttl_days INTEGER NULL,
    deployed_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, process_id, version)
);
