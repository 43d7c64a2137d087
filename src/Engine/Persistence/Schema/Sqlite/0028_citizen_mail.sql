-- Citizens' e-mails (issue 13): the confirmation of an online application and the notice of a clerk's Rückfrage go
-- through an outbox. A row is written in the same transaction as what it announces (the citizen_cases row of the start,
-- the citizen_inquiries row of the Rückfrage), so a crash between that commit and the sending loses no e-mail. The node
-- that wrote it tries at once; otherwise a sender leases due rows (lease_owner/lease_expires_at), sends, and deletes a
-- sent row; a failed try is retried at next_attempt_at with back-off; after the last try the row stays 'failed'. A row
-- holds no personal data: the address is read at sending time from citizen_cases.contact_email (the address BundID proved
-- or the application gave, kept with the case and deleted with it). Times: Unix ms (as the citizen tables).
ALTER TABLE citizen_cases ADD COLUMN contact_email TEXT NULL;

CREATE TABLE citizen_mail_outbox (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_citizen_mail_outbox_due ON citizen_mail_outbox (status, next_attempt_at);
CREATE INDEX ix_citizen_mail_outbox_instance ON citizen_mail_outbox (tenant_id, instance_id);
