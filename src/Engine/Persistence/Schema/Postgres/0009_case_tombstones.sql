-- DSGVO deletion after the retention period (issue 12): what is left of a case whose personal data were deleted — its
-- Aktenzeichen, process, dates, why and by which rule, who or what deleted it, the Aussonderung's outcome and how many
-- rows of each kind went. Written in the same transaction as the deletion; one row per root instance (deleting again
-- finds it and deletes nothing). Nothing personal: no variables, no names, no business data. Times: 100-ns ticks since 1970.
CREATE TABLE case_tombstones (
    tenant_id        TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    process_version  INTEGER NOT NULL,
    aktenzeichen     TEXT    NULL,
    started_at       BIGINT  NOT NULL,
    ended_at         BIGINT  NOT NULL,
    deleted_at       BIGINT  NOT NULL,
    reason           TEXT    NOT NULL,
    rule             TEXT    NOT NULL,
    deleted_by       TEXT    NOT NULL,
    aussonderung     TEXT    NULL,
    archivkennung    TEXT    NULL,
    deleted          TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, root_instance_id)
);
CREATE INDEX ix_case_tombstones_deleted ON case_tombstones (tenant_id, deleted_at);
