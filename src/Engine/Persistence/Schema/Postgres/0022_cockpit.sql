-- Operators' cockpit (issue 11 item 7): the list of cases filtered by business key and start time, the operators'
-- journal (every change made from the cockpit with who, when and the reason given), and batch operations on a filtered
-- set of cases that run in the background, one row per case, so a restarted node resumes where the batch stood.
-- Times: 100-ns ticks since 1970-01-01 UTC, as in the runtime tables.

CREATE INDEX ix_instances_started ON instances (tenant_id, started_at);
CREATE INDEX ix_instances_business_key ON instances (tenant_id, business_key);

CREATE TABLE operator_actions (
    id               TEXT    NOT NULL PRIMARY KEY,
    tenant_id        TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    action           TEXT    NOT NULL,
    reason           TEXT    NULL,
    detail           TEXT    NULL,
    user_id          TEXT    NOT NULL,
    batch_id         TEXT    NULL,
    at               BIGINT  NOT NULL
);
CREATE INDEX ix_operator_actions_instance ON operator_actions (tenant_id, root_instance_id, at);

CREATE TABLE batch_operations (
    id             TEXT    NOT NULL PRIMARY KEY,
    tenant_id      TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    reason         TEXT    NULL,
    payload        TEXT    NOT NULL,
    filter         TEXT    NOT NULL,
    created_by     TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    status         TEXT    NOT NULL,
    total          INTEGER NOT NULL,
    succeeded      INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    skipped        INTEGER NOT NULL,
    lease_owner    TEXT    NULL,
    lease_until    BIGINT  NULL,
    finished_at    BIGINT  NULL
);
CREATE INDEX ix_batch_operations_tenant ON batch_operations (tenant_id, created_at);
CREATE INDEX ix_batch_operations_status ON batch_operations (status);

CREATE TABLE batch_items (
    batch_id     TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    instance_id  TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    message      TEXT    NULL,
    finished_at  BIGINT  NULL,
    PRIMARY KEY (batch_id, position)
);
CREATE INDEX ix_batch_items_status ON batch_items (batch_id, status, position);
