-- Hardening (issue 20): the external-task list filtered by worker or lock is paged in SQL, so the lock's holder and expiry
-- are columns of the index (written with every commit; here filled in from the stored task for the rows already there).
ALTER TABLE external_tasks ADD COLUMN lock_owner TEXT NULL;
ALTER TABLE external_tasks ADD COLUMN lock_expires_at BIGINT NULL;
UPDATE external_tasks SET
    lock_owner = json_extract(payload, '$.lockOwner'),
    lock_expires_at = CASE WHEN json_extract(payload, '$.lockExpiresAt') IS NULL THEN NULL
        ELSE CAST(ROUND((julianday(json_extract(payload, '$.lockExpiresAt')) - 2440587.5) * 864000000000.0) AS INTEGER) END;
CREATE INDEX ix_external_tasks_lock_owner ON external_tasks (tenant_id, lock_owner);
