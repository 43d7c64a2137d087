-- Designer (issue 11): the scenarios written or recorded in the designer are kept with the version they were deployed
-- with, so they can be opened and run again for that version and downloaded with its model and forms. One row per
-- tenant, process, version and file (NAME.scenario.yaml).
CREATE TABLE deployment_scenarios (
    tenant_id   TEXT    NOT NULL,
    process_id  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    file        TEXT    NOT NULL,
    yaml        TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, process_id, version, file)
);

-- KVP analytics (issue 11 item 6): the instant the element's Frist (egov:frist on a user or receive task, a Frist timer's
-- activity) passed — the end of its last day — recorded when the element instance ends, so an element that completed
-- later counts as a missed Frist; null for elements without a Frist and on rows written before.
ALTER TABLE history_element_instances ADD COLUMN frist_due INTEGER NULL;
