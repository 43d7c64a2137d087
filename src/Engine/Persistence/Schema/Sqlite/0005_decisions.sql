-- Decisions (DMN, issue 14): deployed versions and the evaluation history, so both survive a restart.
-- decision_deployments: one row per decision version, numbered per tenant and decision key as processes are; it keeps
-- the whole DMN file the version came from (models are read back from it at start). An unchanged file keeps its versions.
-- history_decisions: every evaluation (by a business rule task, in the command's transaction, or through the API): the
-- variables it saw, the rules that matched, each decision decided with its inputs and output, the result, warnings and
-- errors, all JSON text. Rows of a process instance tree carry its root and are deleted with it by retention.
-- Instants are 100-ns ticks since 1970 as in 0001.

CREATE TABLE decision_deployments (
    tenant_id     TEXT    NOT NULL,
    decision_key  TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  TEXT    NOT NULL,
    file          TEXT    NOT NULL,
    dmn_xml       TEXT    NOT NULL,
    deployed_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, decision_key, version)
);

CREATE TABLE history_decisions (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id           TEXT    NOT NULL,
    id                  TEXT    NOT NULL,
    decision_key        TEXT    NOT NULL,
    version             INTEGER NOT NULL,
    evaluated_at        INTEGER NOT NULL,
    process_instance_id TEXT    NULL,
    root_instance_id    TEXT    NULL,
    element_id          TEXT    NULL,
    inputs              TEXT    NOT NULL,
    matched_rules       TEXT    NOT NULL,
    result              TEXT    NULL,
    decisions           TEXT    NOT NULL,
    warnings            TEXT    NOT NULL,
    errors              TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_history_decisions_id ON history_decisions (tenant_id, id);
CREATE INDEX ix_history_decisions_root ON history_decisions (tenant_id, root_instance_id);
CREATE INDEX ix_history_decisions_instance ON history_decisions (tenant_id, process_instance_id);
CREATE INDEX ix_history_decisions_key ON history_decisions (tenant_id, decision_key);
