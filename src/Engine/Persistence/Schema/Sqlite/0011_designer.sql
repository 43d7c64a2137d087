-- Designer (issue 11): the change note an analyst gives when deploying a version ("Bereitstellen"), and the drafts the
-- designer keeps on the server, one per tenant, process and person, so nothing is lost on a reload.
ALTER TABLE deployments ADD COLUMN change_note TEXT NULL;

CREATE TABLE designer_drafts (
    tenant_id        TEXT    NOT NULL,
    process_id       TEXT    NOT NULL,
    owner            TEXT    NOT NULL,
    bpmn_xml         TEXT    NOT NULL,
    based_on_version INTEGER NULL,
    updated_at       INTEGER  NOT NULL,
    PRIMARY KEY (tenant_id, process_id, owner)
);
