-- Citizens (issue 13, status like a parcel): access codes for /status/<Aktenzeichen>, guessing attempts, Rückfragen.
-- Times: Unix ms.

-- One access code per citizen case, printed once in the confirmation. Only a hash is kept (SHA-256 over tenant,
-- Aktenzeichen and the code, which carries about 119 random bits): the code itself is never stored.
-- expires_at: a fixed end, when set; the code also ends with the case's retention (checked on each use).
CREATE TABLE citizen_access_codes (
    tenant_id    TEXT    NOT NULL,
    aktenzeichen TEXT    NOT NULL,
    instance_id  TEXT    NOT NULL,
    code_hash    TEXT    NOT NULL,
    created_at   INTEGER  NOT NULL,
    expires_at   INTEGER  NULL,
    PRIMARY KEY (tenant_id, aktenzeichen)
);
CREATE INDEX ix_citizen_access_codes_instance ON citizen_access_codes (tenant_id, instance_id);

-- Failed access-code attempts per client address (a hash of it, never the address), for the guessing limit.
-- Rows older than the window are deleted when new attempts come.
CREATE TABLE citizen_status_attempts (
    address      TEXT    NOT NULL,
    attempted_at INTEGER  NOT NULL
);
CREATE INDEX ix_citizen_status_attempts ON citizen_status_attempts (address, attempted_at);

-- Rückfragen: a clerk's question to the citizen from a task page, and the citizen's answer from the status page.
-- asked_by is the clerk's id: shown to staff only, never to the citizen. attachments: JSON array of {hash, name}
-- of the uploads, which live in the case file (postkorb attachments).
CREATE TABLE citizen_inquiries (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    instance_id  TEXT    NOT NULL,
    task_id      TEXT    NOT NULL,
    question     TEXT    NOT NULL,
    asked_by     TEXT    NOT NULL,
    asked_at     INTEGER  NOT NULL,
    answer       TEXT    NULL,
    attachments  TEXT    NULL,
    answered_at  INTEGER  NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_citizen_inquiries_instance ON citizen_inquiries (tenant_id, instance_id, asked_at);
