-- Online consent of parents (issue 17 item 9, the life chain): a case (the birth registration) asks the parents for their
-- consent per purpose; its notice carries a one-time Einwilligungscode, and the parent gives or refuses the consent
-- signed in with BundID (/buerger/einwilligung). Times: Unix ms.

-- One code per waiting case. Only a hash is kept (SHA-256 over tenant and the code, which carries about 99 random bits):
-- the code itself is never stored, nor in variables, history or logs. purposes: the purposes asked, comma-separated
-- (kindergeld,kita). A code opens nothing after expires_at (the case's Frist) or once used (used_at set, atomically).
CREATE TABLE citizen_consent_codes (
    tenant_id    TEXT    NOT NULL,
    code_hash    TEXT    NOT NULL,
    instance_id  TEXT    NOT NULL,
    aktenzeichen TEXT    NOT NULL,
    purposes     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NULL,
    PRIMARY KEY (tenant_id, code_hash)
);
CREATE INDEX ix_citizen_consent_codes_instance ON citizen_consent_codes (tenant_id, instance_id);

-- Wrong codes per signed-in citizen (a hash of the account id), for the guessing limit. Rows older than the window are
-- deleted when new attempts come.
CREATE TABLE citizen_consent_attempts (
    who          TEXT    NOT NULL,
    attempted_at INTEGER NOT NULL
);
CREATE INDEX ix_citizen_consent_attempts ON citizen_consent_attempts (who, attempted_at);
