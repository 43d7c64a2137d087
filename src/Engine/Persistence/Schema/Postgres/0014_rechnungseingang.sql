-- Rechnungseingang (issue 17, eRechnung): the register of received e-invoices (Eingangsbuch), one row per received file,
-- whatever its channel (upload, e-mail, FIT-Connect) and whether valid or not: the file itself, its validation result
-- (XSD and Schematron, rule ids), the invoice's key data and the case it started. Domain data, not process variables.
-- The same file (SHA-256) is taken once per tenant, and a channel's delivery (a mail's Message-Id and attachment) once:
-- both are database constraints, so two nodes fetching the same mailbox never start two cases.

CREATE TABLE erechnung_eingang (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    received_at      BIGINT  NOT NULL,
    kanal            TEXT    NOT NULL,
    kanal_ref        TEXT    NULL,
    absender         TEXT    NULL,
    dateiname        TEXT    NOT NULL,
    sha256           TEXT    NOT NULL,
    inhalt           BYTEA    NOT NULL,
    gueltig          BIGINT  NOT NULL,
    szenario         TEXT    NULL,
    fehler           TEXT    NOT NULL,
    rechnungsnummer  TEXT    NULL,
    verkaeufer       TEXT    NULL,
    leitweg_id       TEXT    NULL,
    zahlbetrag       TEXT    NULL,
    waehrung         TEXT    NULL,
    instance_id      TEXT    NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_erechnung_eingang_datei ON erechnung_eingang (tenant_id, sha256);
CREATE UNIQUE INDEX ux_erechnung_eingang_kanal ON erechnung_eingang (tenant_id, kanal, kanal_ref);
CREATE INDEX ix_erechnung_eingang_zeit ON erechnung_eingang (tenant_id, received_at);
