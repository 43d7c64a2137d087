-- Reservierungen und Adressbuch (issue 17, item 6): domain data that is not a case, in tables of its own.
-- adr_org_einheit: the organisation (Ämter, Fachbereiche, Sachgebiete) as a tree; gruppe is the candidate group of the
--   Postkorb its staff belong to; leitung_id the person who leads it (team lead of the group and of its sub-units).
-- adr_person: the staff directory (Adressbuch): the user id they sign in with, name, unit, function, phone, e-mail, room.
-- adr_vertretung: the standing deputies of a person in order (rang 1 first); the Postkorb's Vertretung takes the first
--   one when an absence is recorded without naming a deputy.
-- res_ressource: rooms and official cars that can be booked, with whether a booking needs approval and by whom, and the
--   group that hands out the key or the car.
-- res_buchung: the bookings (the resources' calendars). Two active bookings of one resource never overlap: on SQLite a
--   trigger aborts the INSERT or UPDATE that would make them (SQLite runs one writer at a time, and the statement holds
--   the write lock before the trigger reads, so two racing bookings cannot both pass); on PostgreSQL an exclusion
--   constraint over tstzrange. The code never checks first and inserts after.

CREATE TABLE adr_org_einheit (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kurzname         TEXT    NULL,
    uebergeordnet_id TEXT    NULL,
    gruppe           TEXT    NOT NULL CHECK (length(gruppe) BETWEEN 1 AND 100),
    leitung_id       TEXT    NULL,
    geaendert_am     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, uebergeordnet_id) REFERENCES adr_org_einheit (tenant_id, id),
    CHECK (uebergeordnet_id IS NULL OR uebergeordnet_id <> id)
);
CREATE UNIQUE INDEX ux_adr_org_einheit_gruppe ON adr_org_einheit (tenant_id, gruppe);
CREATE INDEX ix_adr_org_einheit_leitung ON adr_org_einheit (tenant_id, leitung_id);

CREATE TABLE adr_person (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    nachname       TEXT    NOT NULL CHECK (length(nachname) BETWEEN 1 AND 100),
    vorname        TEXT    NULL,
    org_einheit_id TEXT    NOT NULL,
    funktion       TEXT    NULL,
    telefon        TEXT    NULL,
    email          TEXT    NULL,
    raum           TEXT    NULL,
    aktiv          INTEGER NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, org_einheit_id) REFERENCES adr_org_einheit (tenant_id, id)
);
CREATE INDEX ix_adr_person_einheit ON adr_person (tenant_id, org_einheit_id);
CREATE INDEX ix_adr_person_name ON adr_person (tenant_id, nachname, vorname);

CREATE TABLE adr_vertretung (
    tenant_id    TEXT    NOT NULL,
    person_id    TEXT    NOT NULL,
    rang         INTEGER NOT NULL CHECK (rang BETWEEN 1 AND 9),
    vertreter_id TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, person_id, rang),
    FOREIGN KEY (tenant_id, person_id) REFERENCES adr_person (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, vertreter_id) REFERENCES adr_person (tenant_id, id),
    CHECK (person_id <> vertreter_id)
);
CREATE UNIQUE INDEX ux_adr_vertretung_vertreter ON adr_vertretung (tenant_id, person_id, vertreter_id);
CREATE INDEX ix_adr_vertretung_fuer ON adr_vertretung (tenant_id, vertreter_id);

CREATE TABLE res_ressource (
    tenant_id          TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    art                TEXT    NOT NULL CHECK (art IN ('raum', 'fahrzeug')),
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    standort           TEXT    NULL,
    kapazitaet         INTEGER NULL CHECK (kapazitaet IS NULL OR kapazitaet > 0),
    kennzeichen        TEXT    NULL,
    genehmigungspflicht INTEGER NOT NULL DEFAULT 0 CHECK (genehmigungspflicht IN (0, 1)),
    genehmiger_gruppe  TEXT    NULL,
    verwalter_gruppe   TEXT    NOT NULL CHECK (length(verwalter_gruppe) BETWEEN 1 AND 100),
    aktiv              INTEGER NOT NULL DEFAULT 1 CHECK (aktiv IN (0, 1)),
    geaendert_am       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (genehmigungspflicht = 0 OR genehmiger_gruppe IS NOT NULL)
);
CREATE UNIQUE INDEX ux_res_ressource_name ON res_ressource (tenant_id, name);

CREATE TABLE res_buchung (
    tenant_id     TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    ressource_id  TEXT    NOT NULL,
    von           INTEGER NOT NULL,
    bis           INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('angefragt', 'bestaetigt', 'ausgegeben', 'zurueckgegeben', 'storniert', 'abgelehnt')),
    gebucht_fuer  TEXT    NOT NULL,
    gebucht_von   TEXT    NOT NULL,
    zweck         TEXT    NOT NULL CHECK (length(zweck) BETWEEN 1 AND 500),
    teilnehmer    INTEGER NULL CHECK (teilnehmer IS NULL OR teilnehmer > 0),
    instance_id   TEXT    NULL,
    erstellt_am   INTEGER NOT NULL,
    geaendert_am  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ressource_id) REFERENCES res_ressource (tenant_id, id),
    CHECK (bis > von)
);
CREATE INDEX ix_res_buchung_kalender ON res_buchung (tenant_id, ressource_id, von);
CREATE INDEX ix_res_buchung_person ON res_buchung (tenant_id, gebucht_fuer, von);

CREATE TRIGGER trg_res_buchung_belegt_insert BEFORE INSERT ON res_buchung
WHEN NEW.status IN ('angefragt', 'bestaetigt', 'ausgegeben')
BEGIN
    SELECT RAISE(ABORT, 'RES_BELEGT: the resource is booked at that time') WHERE EXISTS (
        SELECT 1 FROM res_buchung b
        WHERE b.tenant_id = NEW.tenant_id AND b.ressource_id = NEW.ressource_id
          AND b.status IN ('angefragt', 'bestaetigt', 'ausgegeben')
          AND b.von < NEW.bis AND NEW.von < b.bis);
END;

CREATE TRIGGER trg_res_buchung_belegt_update BEFORE UPDATE OF ressource_id, von, bis, status ON res_buchung
WHEN NEW.status IN ('angefragt', 'bestaetigt', 'ausgegeben')
BEGIN
    SELECT RAISE(ABORT, 'RES_BELEGT: the resource is booked at that time') WHERE EXISTS (
        SELECT 1 FROM res_buchung b
        WHERE b.tenant_id = NEW.tenant_id AND b.ressource_id = NEW.ressource_id AND b.id <> NEW.id
          AND b.status IN ('angefragt', 'bestaetigt', 'ausgegeben')
          AND b.von < NEW.bis AND NEW.von < b.bis);
END;
