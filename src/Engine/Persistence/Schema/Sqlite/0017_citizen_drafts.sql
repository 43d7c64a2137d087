-- Citizens (issue 13): drafts of online applications, one per citizen (owner: the hash of the BundID pseudonym) and
-- service, kept until expires_at (configurable, Citizens:DraftDays); the uploads of a draft beside it until the
-- application is sent (then they move into the case file) or the draft expires. Times: Unix ms.
CREATE TABLE citizen_drafts (
    tenant_id   TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    process_id  TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, owner, process_id)
);
CREATE INDEX ix_citizen_drafts_expires ON citizen_drafts (expires_at);
CREATE TABLE citizen_draft_files (
    tenant_id    TEXT    NOT NULL,
    owner        TEXT    NOT NULL,
    process_id   TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB    NOT NULL,
    added_at     INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, owner, process_id, hash)
);
CREATE INDEX ix_citizen_draft_files_expires ON citizen_draft_files (expires_at);
