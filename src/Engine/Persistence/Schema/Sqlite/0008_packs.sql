-- Activity packs (issue 18): which pack and version ran an element ("Melderegister 1.2.0"), so an audit can say which
-- code made a decision. One row per element instance ended by a pack's activity (id = its history_element_instances id);
-- a table of its own, so the element history itself keeps its columns.
CREATE TABLE history_activity_packs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    instance_id      TEXT    NOT NULL,
    root_instance_id TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    activity_pack    TEXT    NOT NULL
);
CREATE INDEX ix_history_activity_packs_root ON history_activity_packs (tenant_id, root_instance_id);
