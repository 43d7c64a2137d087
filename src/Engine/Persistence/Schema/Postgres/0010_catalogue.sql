-- Service catalogue (issue 16): the Leistungen a municipality offers, imported from the LeiKa/OZG list
-- (`egov catalogue import`), digital or not; and the validity of each deployed process version (validFrom/validTo
-- from service.yaml: a new case starts on the version valid on its application date).

CREATE TABLE catalogue_leistungen (
    tenant_id        TEXT    NOT NULL,
    leika_key        TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    typ              TEXT    NULL,
    ozg_id           TEXT    NULL,
    ozg_leistung     TEXT    NULL,
    lebenslage       TEXT    NULL,
    themenfeld       TEXT    NULL,
    rechtsgrundlage  TEXT    NULL,
    imported_at      BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, leika_key)
);

-- ISO dates (YYYY-MM-DD, Europe/Berlin days), NULL: open on that side.
ALTER TABLE deployments ADD COLUMN valid_from TEXT NULL;
ALTER TABLE deployments ADD COLUMN valid_to TEXT NULL;
