-- Mobilfunkverträge (issue 17 item 4): the domain data that is not a case, in tables of its own.
-- mobil_tarif / mobil_geraet: the standard catalogue (tariffs with monthly base fee and minimum term, devices with their price,
--   money in CENTS); only active entries can be ordered, retired ones stay for the contracts that use them.
-- mobil_vertrag: one row per ordered contract (id = the case's business key), with fee, device price and minimum term COPIED
--   from the catalogue at the order; charged to a cost centre (Kostenstelle).
-- mobil_geraetezuordnung: the device handed to a member of staff for a contract, with the receipt (quittiert_von/_am, the
--   staff member's confirmation) and the return. One device (serial number / IMEI) is handed out to one person at a time: a
--   partial unique index, not a check before the write.

CREATE TABLE mobil_tarif (
    tenant_id              TEXT    NOT NULL,
    id                     TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    bezeichnung            TEXT    NOT NULL CHECK (length(bezeichnung) BETWEEN 1 AND 200),
    grundgebuehr_cent      INTEGER NOT NULL CHECK (grundgebuehr_cent BETWEEN 0 AND 10000000),
    mindestlaufzeit_monate INTEGER NOT NULL CHECK (mindestlaufzeit_monate BETWEEN 0 AND 60),
    datenvolumen_gb        INTEGER NULL CHECK (datenvolumen_gb IS NULL OR datenvolumen_gb BETWEEN 0 AND 100000),
    aktiv                  INTEGER NOT NULL CHECK (aktiv IN (0, 1)),
    geaendert_am           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE mobil_geraet (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    bezeichnung  TEXT    NOT NULL CHECK (length(bezeichnung) BETWEEN 1 AND 200),
    hersteller   TEXT    NOT NULL CHECK (length(hersteller) BETWEEN 1 AND 100),
    preis_cent   INTEGER NOT NULL CHECK (preis_cent BETWEEN 0 AND 10000000),
    aktiv        INTEGER NOT NULL CHECK (aktiv IN (0, 1)),
    geaendert_am INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE mobil_vertrag (
    tenant_id              TEXT    NOT NULL,
    id                     TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    mitarbeiter            TEXT    NOT NULL CHECK (length(mitarbeiter) BETWEEN 1 AND 100),
    kostenstelle           TEXT    NOT NULL CHECK (length(kostenstelle) BETWEEN 1 AND 64),
    tarif_id               TEXT    NOT NULL,
    geraet_id              TEXT    NULL,
    rufnummer              TEXT    NULL CHECK (rufnummer IS NULL OR length(rufnummer) BETWEEN 3 AND 30),
    grundgebuehr_cent      INTEGER NOT NULL CHECK (grundgebuehr_cent >= 0),
    geraetepreis_cent      INTEGER NOT NULL CHECK (geraetepreis_cent >= 0),
    mindestlaufzeit_monate INTEGER NOT NULL CHECK (mindestlaufzeit_monate >= 0),
    beginn                 TEXT    NULL,
    mindestlaufzeit_ende   TEXT    NULL,
    status                 TEXT    NOT NULL CHECK (status IN ('bestellt', 'aktiv', 'gekuendigt', 'beendet', 'storniert')),
    gekuendigt_zum         TEXT    NULL,
    instance_id            TEXT    NULL,
    angelegt_am            INTEGER NOT NULL,
    geaendert_am           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, tarif_id) REFERENCES mobil_tarif (tenant_id, id),
    FOREIGN KEY (tenant_id, geraet_id) REFERENCES mobil_geraet (tenant_id, id),
    CHECK (status IN ('bestellt', 'storniert') OR (beginn IS NOT NULL AND mindestlaufzeit_ende IS NOT NULL)),
    CHECK ((status IN ('gekuendigt', 'beendet')) = (gekuendigt_zum IS NOT NULL) OR status = 'storniert')
);
CREATE INDEX ix_mobil_vertrag_kostenstelle ON mobil_vertrag (tenant_id, kostenstelle, status);
CREATE INDEX ix_mobil_vertrag_mitarbeiter ON mobil_vertrag (tenant_id, mitarbeiter);
CREATE INDEX ix_mobil_vertrag_laufzeit ON mobil_vertrag (tenant_id, mindestlaufzeit_ende);

CREATE TABLE mobil_geraetezuordnung (
    tenant_id         TEXT    NOT NULL,
    vertrag_id        TEXT    NOT NULL,
    geraet_id         TEXT    NOT NULL,
    mitarbeiter       TEXT    NOT NULL,
    seriennummer      TEXT    NULL CHECK (seriennummer IS NULL OR length(seriennummer) BETWEEN 1 AND 64),
    status            TEXT    NOT NULL CHECK (status IN ('bestellt', 'ausgegeben', 'zurueckgegeben', 'storniert')),
    quittiert_von     TEXT    NULL,
    quittiert_am      INTEGER NULL,
    zurueckgegeben_am INTEGER NULL,
    PRIMARY KEY (tenant_id, vertrag_id),
    FOREIGN KEY (tenant_id, vertrag_id) REFERENCES mobil_vertrag (tenant_id, id),
    FOREIGN KEY (tenant_id, geraet_id) REFERENCES mobil_geraet (tenant_id, id),
    CHECK (status IN ('bestellt', 'storniert') OR (seriennummer IS NOT NULL AND quittiert_von IS NOT NULL AND quittiert_am IS NOT NULL)),
    CHECK ((status = 'zurueckgegeben') = (zurueckgegeben_am IS NOT NULL))
);
-- One device out with one person at a time.
CREATE UNIQUE INDEX ux_mobil_geraetezuordnung_ausgegeben ON mobil_geraetezuordnung (tenant_id, seriennummer) WHERE status = 'ausgegeben';
