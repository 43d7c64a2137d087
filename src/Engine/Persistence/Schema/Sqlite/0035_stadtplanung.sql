-- eAkte Stadtplanung (issue 17 item 3): the Bauleitplan procedures and their documents, filed with the Aktenplan.
-- bauleitplan_verfahren: one row per procedure (id = the case's business key, the Plan-Nummer), with the Aktenplan-Kennzeichen and
--   the Aktenzeichen of its eAkte, its status and whether it is confidential (vertraulich). suchtext is the lower-cased metadata
--   (Plan-Nummer, Titel, Gemarkung, Flur, Aktenzeichen) the search matches, written by the store.
-- bauleitplan_lesegruppe: who may read a confidential procedure — the lead group and the named read groups (Postkorb groups).
-- bauleitplan_dokument: the documents of the procedure's eAkte, numbered per procedure, each with the step that filed it, its
--   Aktenplan-Kennzeichen and Aktenzeichen; a file of the case file is referenced by its SHA-256 (content stays in the case file).

CREATE TABLE bauleitplan_verfahren (
    tenant_id             TEXT    NOT NULL,
    id                    TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    instance_id           TEXT    NULL,
    plan_nummer           TEXT    NOT NULL CHECK (length(plan_nummer) BETWEEN 1 AND 64),
    titel                 TEXT    NOT NULL CHECK (length(titel) BETWEEN 1 AND 300),
    planart               TEXT    NOT NULL CHECK (length(planart) BETWEEN 1 AND 100),
    gemarkung             TEXT    NOT NULL CHECK (length(gemarkung) BETWEEN 1 AND 100),
    flur                  TEXT    NULL CHECK (flur IS NULL OR length(flur) <= 300),
    verfahrensart         TEXT    NOT NULL CHECK (verfahrensart IN ('regel', 'beschleunigt')),
    aktenplan_kennzeichen TEXT    NOT NULL CHECK (length(aktenplan_kennzeichen) BETWEEN 1 AND 50),
    aktenplan_betreff     TEXT    NULL,
    aktenzeichen          TEXT    NOT NULL CHECK (length(aktenzeichen) BETWEEN 1 AND 120),
    federfuehrend         TEXT    NOT NULL CHECK (length(federfuehrend) BETWEEN 1 AND 100),
    vertraulich           INTEGER NOT NULL CHECK (vertraulich IN (0, 1)),
    status                TEXT    NOT NULL CHECK (status IN ('eingeleitet', 'aufgestellt', 'fruehzeitige_beteiligung', 'auslegung', 'abwaegung',
                                                            'satzungsbeschluss', 'in_kraft', 'eingestellt')),
    auslegung_beginn      TEXT    NULL,
    suchtext              TEXT    NOT NULL,
    angelegt_am           INTEGER NOT NULL,
    geaendert_am          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_bauleitplan_verfahren_aktenzeichen ON bauleitplan_verfahren (tenant_id, aktenzeichen);
CREATE INDEX ix_bauleitplan_verfahren_gemarkung ON bauleitplan_verfahren (tenant_id, gemarkung);

CREATE TABLE bauleitplan_lesegruppe (
    tenant_id    TEXT NOT NULL,
    verfahren_id TEXT NOT NULL,
    gruppe       TEXT NOT NULL CHECK (length(gruppe) BETWEEN 1 AND 100),
    PRIMARY KEY (tenant_id, verfahren_id, gruppe),
    FOREIGN KEY (tenant_id, verfahren_id) REFERENCES bauleitplan_verfahren (tenant_id, id)
);
CREATE INDEX ix_bauleitplan_lesegruppe_gruppe ON bauleitplan_lesegruppe (tenant_id, gruppe);

CREATE TABLE bauleitplan_dokument (
    tenant_id             TEXT    NOT NULL,
    verfahren_id          TEXT    NOT NULL,
    nr                    INTEGER NOT NULL CHECK (nr >= 1),
    titel                 TEXT    NOT NULL CHECK (length(titel) BETWEEN 1 AND 300),
    schritt               TEXT    NOT NULL CHECK (length(schritt) BETWEEN 1 AND 64),
    aktenplan_kennzeichen TEXT    NOT NULL,
    aktenzeichen          TEXT    NOT NULL,
    inhalt                TEXT    NULL CHECK (inhalt IS NULL OR length(inhalt) <= 50000),
    datei_hash            TEXT    NULL CHECK (datei_hash IS NULL OR length(datei_hash) = 64),
    datei_name            TEXT    NULL,
    content_type          TEXT    NULL,
    abgelegt_am           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, verfahren_id, nr),
    FOREIGN KEY (tenant_id, verfahren_id) REFERENCES bauleitplan_verfahren (tenant_id, id),
    CHECK ((datei_hash IS NULL) = (datei_name IS NULL))
);
-- A file of the case file is filed once per procedure.
CREATE UNIQUE INDEX ux_bauleitplan_dokument_datei ON bauleitplan_dokument (tenant_id, verfahren_id, datei_hash) WHERE datei_hash IS NOT NULL;
