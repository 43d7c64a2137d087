-- Ratsinformationssystem (issue 17, council papers): the domain data that is not a case, in tables of its own.
-- ratsinfo_koerperschaft: the tenant's Körperschaft as OParl shows it (its Body; without this row nothing is published).
-- ratsinfo_gremium: the council and its committees (OParl Organization), with the group whose members may read
--   non-public papers and minutes, and the group of its chair (Vorsitz, consent to a Nachtrag).
-- ratsinfo_sitzung: the Sitzungskalender (OParl Meeting) with each session's submission deadline (Einreichungsfrist).
-- ratsinfo_vorlage: the papers (Beschlussvorlagen, OParl Paper), one row per case (id = the Vorlagennummer, the business key).
-- The rules that must hold whatever code writes are constraints: a session's deadline lies before its start, a paper is
-- submitted only for a session, and only a submitted PUBLIC paper can carry a publication date — a non-public paper can
-- never be published, not even by a faulty caller.

CREATE TABLE ratsinfo_koerperschaft (
    tenant_id     TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kurzname      TEXT    NULL,
    ags           TEXT    NULL CHECK (ags IS NULL OR length(ags) = 8),
    website       TEXT    NULL,
    kontakt_email TEXT    NULL,
    geaendert_am  BIGINT NOT NULL
);

CREATE TABLE ratsinfo_gremium (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kurzname       TEXT    NULL,
    art            TEXT    NOT NULL CHECK (art IN ('vertretung', 'ausschuss', 'beirat', 'ortsbeirat')),
    lesegruppe     TEXT    NOT NULL CHECK (length(lesegruppe) BETWEEN 1 AND 100),
    vorsitz_gruppe TEXT    NOT NULL CHECK (length(vorsitz_gruppe) BETWEEN 1 AND 100),
    geaendert_am   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ux_ratsinfo_gremium_name ON ratsinfo_gremium (tenant_id, name);

CREATE TABLE ratsinfo_sitzung (
    tenant_id         TEXT    NOT NULL,
    id                TEXT    NOT NULL,
    gremium_id        TEXT    NOT NULL,
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    beginn            BIGINT NOT NULL,
    ende              BIGINT NULL,
    ort               TEXT    NULL,
    einreichungsfrist BIGINT NOT NULL,
    abgesagt          BIGINT NOT NULL DEFAULT 0 CHECK (abgesagt IN (0, 1)),
    geaendert_am      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, gremium_id) REFERENCES ratsinfo_gremium (tenant_id, id),
    CHECK (einreichungsfrist < beginn),
    CHECK (ende IS NULL OR ende > beginn)
);
CREATE INDEX ix_ratsinfo_sitzung_beginn ON ratsinfo_sitzung (tenant_id, beginn);

CREATE TABLE ratsinfo_vorlage (
    tenant_id          TEXT    NOT NULL,
    id                 TEXT    NOT NULL,
    betreff            TEXT    NOT NULL CHECK (length(betreff) BETWEEN 1 AND 500),
    art                TEXT    NOT NULL,
    federfuehrend      TEXT    NOT NULL,
    oeffentlich        BIGINT NOT NULL CHECK (oeffentlich IN (0, 1)),
    status             TEXT    NOT NULL CHECK (status IN ('entwurf', 'eingereicht', 'abgelehnt', 'zurueckgezogen')),
    gremium_id         TEXT    NULL,
    sitzung_id         TEXT    NULL,
    nachtrag           BIGINT NOT NULL DEFAULT 0 CHECK (nachtrag IN (0, 1)),
    sachverhalt        TEXT    NULL,
    beschlussvorschlag TEXT    NULL,
    niederschrift      TEXT    NULL,
    instance_id        TEXT    NULL,
    eingereicht_am     BIGINT NULL,
    veroeffentlicht_am BIGINT NULL,
    geaendert_am       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, gremium_id) REFERENCES ratsinfo_gremium (tenant_id, id),
    FOREIGN KEY (tenant_id, sitzung_id) REFERENCES ratsinfo_sitzung (tenant_id, id),
    CHECK (status <> 'eingereicht' OR (sitzung_id IS NOT NULL AND eingereicht_am IS NOT NULL)),
    CHECK (veroeffentlicht_am IS NULL OR (oeffentlich = 1 AND status = 'eingereicht'))
);
CREATE INDEX ix_ratsinfo_vorlage_veroeffentlicht ON ratsinfo_vorlage (tenant_id, veroeffentlicht_am);
CREATE INDEX ix_ratsinfo_vorlage_sitzung ON ratsinfo_vorlage (tenant_id, sitzung_id);
