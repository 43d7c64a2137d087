-- Citizens (issue 13): the cases a citizen started, by owner (the hash of the BundID pseudonym), so "Meine Vorgänge"
-- lists exactly the citizen's own cases without scanning instances. Written before the instance starts (deleted again
-- when the start fails). created_at: Unix ms.
CREATE TABLE citizen_cases (
    tenant_id    TEXT    NOT NULL,
    owner        TEXT    NOT NULL,
    instance_id  TEXT    NOT NULL,
    process_id   TEXT    NOT NULL,
    aktenzeichen TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, owner, instance_id)
);
CREATE INDEX ix_citizen_cases_owner ON citizen_cases (tenant_id, owner, created_at);
