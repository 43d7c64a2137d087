-- Lebenskette / Kita-Anmeldung (issue 17 item 9): the Kitas, their places and the waiting list, in tables of their own.
-- kita_einrichtung: a Kita (Kindertageseinrichtung) of the municipality or a Träger.
-- kita_platz: one row per place, per age group (U3: under three at the start of care, UE3: from three). A place offered or
--   taken names its registration; one registration holds at most one place — a partial unique index, not a check before
--   the write — and a place is taken only by an UPDATE that finds it free.
-- kita_anmeldung: the waiting list (id = the Kita case's business key): child, start of care, up to three wished Kitas in
--   order (comma-separated ids), the points of the allocation table (DMN), the state, and the place offered with its Frist.
--   Only what the allocation needs: no parents' data (those stay in the case, with the consent they were given under).

CREATE TABLE kita_einrichtung (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    adresse      TEXT    NULL CHECK (adresse IS NULL OR length(adresse) BETWEEN 1 AND 300),
    aktiv        INTEGER NOT NULL CHECK (aktiv IN (0, 1)),
    geaendert_am INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE kita_anmeldung (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    kind           TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 200),
    geburtsdatum   TEXT    NOT NULL CHECK (length(geburtsdatum) = 10),
    beginn         TEXT    NOT NULL CHECK (length(beginn) = 10 AND beginn >= geburtsdatum),
    wuensche       TEXT    NOT NULL CHECK (length(wuensche) BETWEEN 1 AND 200),
    punkte         INTEGER NOT NULL CHECK (punkte BETWEEN 0 AND 1000),
    status         TEXT    NOT NULL CHECK (status IN ('wartend', 'angeboten', 'angenommen', 'abgelehnt', 'verfallen', 'zurueckgezogen')),
    einrichtung_id TEXT    NULL,
    angebot_frist  TEXT    NULL CHECK (angebot_frist IS NULL OR length(angebot_frist) = 10),
    instance_id    TEXT    NULL,
    angelegt_am    INTEGER NOT NULL,
    geaendert_am   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, einrichtung_id) REFERENCES kita_einrichtung (tenant_id, id),
    CHECK ((status IN ('angeboten', 'angenommen')) = (einrichtung_id IS NOT NULL))
);

CREATE INDEX ix_kita_anmeldung_warteliste ON kita_anmeldung (tenant_id, status, punkte DESC, angelegt_am);

CREATE TABLE kita_platz (
    tenant_id      TEXT    NOT NULL,
    einrichtung_id TEXT    NOT NULL,
    altersgruppe   TEXT    NOT NULL CHECK (altersgruppe IN ('U3', 'UE3')),
    nr             INTEGER NOT NULL CHECK (nr BETWEEN 1 AND 500),
    anmeldung_id   TEXT    NULL,
    vergeben_am    INTEGER NULL,
    PRIMARY KEY (tenant_id, einrichtung_id, altersgruppe, nr),
    FOREIGN KEY (tenant_id, einrichtung_id) REFERENCES kita_einrichtung (tenant_id, id),
    FOREIGN KEY (tenant_id, anmeldung_id) REFERENCES kita_anmeldung (tenant_id, id),
    CHECK ((anmeldung_id IS NULL) = (vergeben_am IS NULL))
);

CREATE UNIQUE INDEX ux_kita_platz_anmeldung ON kita_platz (tenant_id, anmeldung_id) WHERE anmeldung_id IS NOT NULL;
