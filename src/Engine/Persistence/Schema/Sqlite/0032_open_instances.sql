-- Hardening (issue 20): the open-instance quota holds across nodes over one store. Each tenant's count of running
-- instances (root and called: ended_at empty) is one row, kept by triggers in the same transaction as every insert,
-- end, reopening and deletion of an instance row, whatever writes it; a commit that starts instances changes the row
-- only while the count is within the quota (CommitSql.CheckOpenInstances), so nodes cannot together pass it.
CREATE TABLE tenant_open_instances (
    tenant_id  TEXT    NOT NULL PRIMARY KEY,
    open_count INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO tenant_open_instances (tenant_id, open_count)
    SELECT tenant_id, COUNT(*) FROM instances WHERE ended_at IS NULL GROUP BY tenant_id;

CREATE TRIGGER tr_instances_open_insert AFTER INSERT ON instances FOR EACH ROW WHEN NEW.ended_at IS NULL
BEGIN
    INSERT INTO tenant_open_instances (tenant_id, open_count) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET open_count = open_count + 1;
END;

CREATE TRIGGER tr_instances_open_end AFTER UPDATE OF ended_at ON instances FOR EACH ROW
    WHEN OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL
BEGIN
    UPDATE tenant_open_instances SET open_count = open_count - 1 WHERE tenant_id = OLD.tenant_id;
END;

CREATE TRIGGER tr_instances_open_reopen AFTER UPDATE OF ended_at ON instances FOR EACH ROW
    WHEN OLD.ended_at IS NOT NULL AND NEW.ended_at IS NULL
BEGIN
    INSERT INTO tenant_open_instances (tenant_id, open_count) VALUES (NEW.tenant_id, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET open_count = open_count + 1;
END;

CREATE TRIGGER tr_instances_open_delete AFTER DELETE ON instances FOR EACH ROW WHEN OLD.ended_at IS NULL
BEGIN
    UPDATE tenant_open_instances SET open_count = open_count - 1 WHERE tenant_id = OLD.tenant_id;
END;
