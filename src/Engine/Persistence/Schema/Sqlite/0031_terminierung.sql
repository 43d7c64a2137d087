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

CREATE TABLE ter_standort (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    adresse          TEXT    NULL,
    schalter         INTEGER NOT NULL CHECK (schalter BETWEEN 1 AND 100),
    raster_minuten   INTEGER NOT NULL CHECK (raster_minuten BETWEEN 5 AND 120),
    vorlauf_tage     INTEGER NOT NULL DEFAULT 60 CHECK (vorlauf_tage BETWEEN 1 AND 366),
    gruppe           TEXT    NOT NULL CHECK (length(gruppe) BETWEEN 1 AND 100),
    aktiv            INTEGER NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_ter_standort_name ON ter_standort (tenant_id, name);

CREATE TABLE ter_oeffnungszeit (
    tenant_id    TEXT    NOT NULL,
    standort_id  TEXT    NOT NULL,
    wochentag    INTEGER NOT NULL CHECK (wochentag BETWEEN 1 AND 7),
    von_minute   INTEGER NOT NULL CHECK (von_minute BETWEEN 0 AND 1439),
    bis_minute   INTEGER NOT NULL CHECK (bis_minute BETWEEN 1 AND 1440),
    PRIMARY KEY (tenant_id, standort_id, wochentag, von_minute),
    FOREIGN KEY (tenant_id, standort_id) REFERENCES ter_standort (tenant_id, id) ON DELETE CASCADE,
    CHECK (bis_minute > von_minute)
);

CREATE TABLE ter_dienstleistung (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    dauer_minuten  INTEGER NOT NULL CHECK (dauer_minuten BETWEEN 5 AND 480),
    leika          TEXT    NULL,
    aktiv          INTEGER NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_ter_dienstleistung_name ON ter_dienstleistung (tenant_id, name);

CREATE TABLE ter_termin (
    tenant_id          TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    standort_id        TEXT    NOT NULL,
    schalter           INTEGER NOT NULL CHECK (schalter BETWEEN 1 AND 100),
    dienstleistung_id  TEXT    NOT NULL,
    von                INTEGER NOT NULL,
    bis                INTEGER NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('gebucht', 'erschienen', 'erledigt', 'nicht_erschienen', 'storniert')),
    buerger            TEXT    NOT NULL CHECK (length(buerger) BETWEEN 1 AND 200),
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email              TEXT    NULL,
    instance_id        TEXT    NULL,
    grund              TEXT    NULL,
    erstellt_am        INTEGER NOT NULL,
    geaendert_am       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, standort_id) REFERENCES ter_standort (tenant_id, id),
    FOREIGN KEY (tenant_id, dienstleistung_id) REFERENCES ter_dienstleistung (tenant_id, id),
    CHECK (bis > von)
);
CREATE INDEX ix_ter_termin_tag ON ter_termin (tenant_id, standort_id, von);
CREATE INDEX ix_ter_termin_buerger ON ter_termin (tenant_id, buerger, von);

CREATE TRIGGER trg_ter_termin_belegt_insert BEFORE INSERT ON ter_termin
WHEN NEW.status IN ('gebucht', 'erschienen')
BEGIN
    SELECT RAISE(ABORT, 'TER_BELEGT: the counter is taken at that time') WHERE EXISTS (
        SELECT 1 FROM ter_termin t
        WHERE t.tenant_id = NEW.tenant_id AND t.standort_id = NEW.standort_id AND t.schalter = NEW.schalter
          AND t.status IN ('gebucht', 'erschienen')
          AND t.von < NEW.bis AND NEW.von < t.bis);
END;

CREATE TRIGGER trg_ter_termin_belegt_update BEFORE UPDATE OF standort_id, schalter, von, bis, status ON ter_termin
WHEN NEW.status IN ('gebucht', 'erschienen')
BEGIN
    SELECT RAISE(ABORT, 'TER_BELEGT: the counter is taken at that time') WHERE EXISTS (
        SELECT 1 FROM ter_termin t
        WHERE t.tenant_id = NEW.tenant_id AND t.standort_id = NEW.standort_id AND t.schalter = NEW.schalter AND t.id <> NEW.id
          AND t.status IN ('gebucht', 'erschienen')
          AND t.von < NEW.bis AND NEW.von < t.bis);
END;
