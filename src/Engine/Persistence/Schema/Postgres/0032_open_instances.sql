-- Hardening (issue 20): the open-instance quota holds across nodes over one store. Each tenant's count of running
-- instances (root and called: ended_at empty) is one row, kept by a trigger in the same transaction as every insert,
-- end, reopening and deletion of an instance row, whatever writes it; a commit that starts instances changes the row
-- only while the count is within the quota (CommitSql.CheckOpenInstances), so nodes cannot together pass it. The row
-- lock orders the commits that change a tenant's count (each takes it before its instance rows).
CREATE TABLE tenant_open_instances (
    tenant_id  TEXT   NOT NULL PRIMARY KEY,
    open_count BIGINT NOT NULL
);
INSERT INTO tenant_open_instances (tenant_id, open_count)
    SELECT tenant_id, COUNT(*) FROM instances WHERE ended_at IS NULL GROUP BY tenant_id;

CREATE FUNCTION egov_count_open_instances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.ended_at IS NOT NULL) THEN
        IF OLD.ended_at IS NULL THEN
            UPDATE tenant_open_instances SET open_count = open_count - 1 WHERE tenant_id = OLD.tenant_id;
        END IF;
    ELSIF NEW.ended_at IS NULL AND (TG_OP = 'INSERT' OR OLD.ended_at IS NOT NULL) THEN
        INSERT INTO tenant_open_instances AS t (tenant_id, open_count) VALUES (NEW.tenant_id, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET open_count = t.open_count + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tr_instances_open AFTER INSERT OR UPDATE OF ended_at OR DELETE ON instances
    FOR EACH ROW EXECUTE FUNCTION egov_count_open_instances();
