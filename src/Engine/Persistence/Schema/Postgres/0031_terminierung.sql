-- Online-Terminierung (issue 17, item 7): the Bürgerbüro's appointments as domain data in tables of their own.
-- ter_standort: a place citizens book at (Bürgerbüro), with its number of counters (schalter: how many citizens are
--   served at the same time), the grid slots start on (raster_minuten), how far ahead one may book, the Postkorb group
--   of its clerks.
-- ter_oeffnungszeit: its opening hours per weekday (1 = Monday … 7 = Sunday), minutes after midnight, several per day.
-- ter_dienstleistung: the services one books for, with their duration (a slot is as long as the service).
-- ter_termin: the appointments. Each holds one counter for [von, bis); two holding ones (gebucht, erschienen) of one
--   counter never overlap: on SQLite a trigger aborts the INSERT or UPDATE that would make them (one writer at a time,
--   the statement holds the write lock before the trigger reads), on PostgreSQL an exclusion constraint. A booking tries
--   the counters one after the other with single INSERTs; so at most as many appointments overlap as there are counters,
--   also for bookings racing each other. The code never checks first and inserts after.
-- Public holidays are not a table: they are the tenant's Fristen calendar (Land and the municipality's own days).

-- PostgreSQL: the exclusion constraint compares tenant, place and counter with = inside a GiST index (btree_gist,
-- created by migration 0030; repeated here so this migration stands on its own).
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE TABLE ter_standort (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    adresse          TEXT    NULL,
    schalter         BIGINT NOT NULL CHECK (schalter BETWEEN 1 AND 100),
    raster_minuten   BIGINT NOT NULL CHECK (raster_minuten BETWEEN 5 AND 120),
    vorlauf_tage     BIGINT NOT NULL DEFAULT 60 CHECK (vorlauf_tage BETWEEN 1 AND 366),
    gruppe           TEXT    NOT NULL CHECK (length(gruppe) BETWEEN 1 AND 100),
    aktiv            BIGINT NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_ter_standort_name ON ter_standort (tenant_id, name);

CREATE TABLE ter_oeffnungszeit (
    tenant_id    TEXT    NOT NULL,
    standort_id  TEXT    NOT NULL,
    wochentag    BIGINT NOT NULL CHECK (wochentag BETWEEN 1 AND 7),
    von_minute   BIGINT NOT NULL CHECK (von_minute BETWEEN 0 AND 1439),
    bis_minute   BIGINT NOT NULL CHECK (bis_minute BETWEEN 1 AND 1440),
    PRIMARY KEY (tenant_id, standort_id, wochentag, von_minute),
    FOREIGN KEY (tenant_id, standort_id) REFERENCES ter_standort (tenant_id, id) ON DELETE CASCADE,
    CHECK (bis_minute > von_minute)
);

CREATE TABLE ter_dienstleistung (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    dauer_minuten  BIGINT NOT NULL CHECK (dauer_minuten BETWEEN 5 AND 480),
    leika          TEXT    NULL,
    aktiv          BIGINT NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_ter_dienstleistung_name ON ter_dienstleistung (tenant_id, name);

CREATE TABLE ter_termin (
    tenant_id          TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    standort_id        TEXT    NOT NULL,
    schalter           BIGINT NOT NULL CHECK (schalter BETWEEN 1 AND 100),
    dienstleistung_id  TEXT    NOT NULL,
    von                BIGINT NOT NULL,
    bis                BIGINT NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('gebucht', 'erschienen', 'erledigt', 'nicht_erschienen', 'storniert')),
    buerger            TEXT    NOT NULL CHECK (length(buerger) BETWEEN 1 AND 200),
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email              TEXT    NULL,
    instance_id        TEXT    NULL,
    grund              TEXT    NULL,
    erstellt_am        BIGINT NOT NULL,
    geaendert_am       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, standort_id) REFERENCES ter_standort (tenant_id, id),
    FOREIGN KEY (tenant_id, dienstleistung_id) REFERENCES ter_dienstleistung (tenant_id, id),
    CHECK (bis > von)
);
CREATE INDEX ix_ter_termin_tag ON ter_termin (tenant_id, standort_id, von);
CREATE INDEX ix_ter_termin_buerger ON ter_termin (tenant_id, buerger, von);

-- Instants are 100-ns ticks since 1970 (as everywhere in this store); ranges are half-open, so an appointment may start
-- when the previous one at the counter ends.
ALTER TABLE ter_termin ADD CONSTRAINT ex_ter_termin_belegt EXCLUDE USING gist (
    tenant_id WITH =,
    standort_id WITH =,
    schalter WITH =,
    int8range(von, bis, '[)') WITH &&
) WHERE (status IN ('gebucht', 'erschienen'));
