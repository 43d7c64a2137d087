-- Zeitmanagement (issue 17, staff time: leave, training): the domain data that is not a case, in tables of its own.
-- zeit_urlaubskonto: a staff member's leave account per calendar year — entitlement, carry-over and the days booked, in HALF
--   days (whole numbers). The limit is a check constraint: booked never exceeds entitlement plus carry-over, so two leave
--   requests booked at the same moment cannot together overdraw an account (the second UPDATE fails, whatever code runs).
-- zeit_urlaubsbuchung: one row per approved leave request (id = the case's business key); cancelling gives the days back.
-- zeit_fortbildungsbudget: a cost centre's training budget per year in CENTS, with what approved requests have reserved
--   (same kind of constraint: reserved never exceeds the budget).
-- zeit_budgetreservierung: one row per approved training request (id = its business key); dissolving frees the money.

CREATE TABLE zeit_urlaubskonto (
    tenant_id          TEXT    NOT NULL,
    mitarbeiter        TEXT    NOT NULL CHECK (length(mitarbeiter) BETWEEN 1 AND 100),
    jahr               INTEGER NOT NULL CHECK (jahr BETWEEN 2000 AND 2200),
    anspruch_halbtage  INTEGER NOT NULL CHECK (anspruch_halbtage BETWEEN 0 AND 1000),
    uebertrag_halbtage INTEGER NOT NULL DEFAULT 0 CHECK (uebertrag_halbtage BETWEEN 0 AND 1000),
    gebucht_halbtage   INTEGER NOT NULL DEFAULT 0 CHECK (gebucht_halbtage >= 0),
    geaendert_am       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, mitarbeiter, jahr),
    CONSTRAINT ck_zeit_urlaubskonto_rest CHECK (gebucht_halbtage <= anspruch_halbtage + uebertrag_halbtage)
);
CREATE INDEX ix_zeit_urlaubskonto_jahr ON zeit_urlaubskonto (tenant_id, jahr);

CREATE TABLE zeit_urlaubsbuchung (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    mitarbeiter  TEXT    NOT NULL,
    jahr         INTEGER NOT NULL,
    von          TEXT    NOT NULL,
    bis          TEXT    NOT NULL,
    halbtage     INTEGER NOT NULL CHECK (halbtage BETWEEN 1 AND 1000),
    status       TEXT    NOT NULL CHECK (status IN ('gebucht', 'storniert')),
    instance_id  TEXT    NULL,
    gebucht_am   INTEGER NOT NULL,
    storniert_am INTEGER NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, mitarbeiter, jahr) REFERENCES zeit_urlaubskonto (tenant_id, mitarbeiter, jahr),
    CHECK (von <= bis),
    CHECK ((status = 'storniert') = (storniert_am IS NOT NULL))
);
CREATE INDEX ix_zeit_urlaubsbuchung_mitarbeiter ON zeit_urlaubsbuchung (tenant_id, mitarbeiter, jahr);

CREATE TABLE zeit_fortbildungsbudget (
    tenant_id     TEXT    NOT NULL,
    kostenstelle  TEXT    NOT NULL CHECK (length(kostenstelle) BETWEEN 1 AND 64),
    jahr          INTEGER NOT NULL CHECK (jahr BETWEEN 2000 AND 2200),
    bezeichnung   TEXT    NOT NULL CHECK (length(bezeichnung) BETWEEN 1 AND 200),
    budget_cent   INTEGER NOT NULL CHECK (budget_cent >= 0),
    gebunden_cent INTEGER NOT NULL DEFAULT 0 CHECK (gebunden_cent >= 0),
    geaendert_am  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, kostenstelle, jahr),
    CONSTRAINT ck_zeit_fortbildungsbudget_rest CHECK (gebunden_cent <= budget_cent)
);
CREATE INDEX ix_zeit_fortbildungsbudget_jahr ON zeit_fortbildungsbudget (tenant_id, jahr);

CREATE TABLE zeit_budgetreservierung (
    tenant_id     TEXT    NOT NULL,
    id            TEXT    NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
    kostenstelle  TEXT    NOT NULL,
    jahr          INTEGER NOT NULL,
    betrag_cent   INTEGER NOT NULL CHECK (betrag_cent > 0),
    status        TEXT    NOT NULL CHECK (status IN ('reserviert', 'aufgeloest')),
    mitarbeiter   TEXT    NOT NULL,
    titel         TEXT    NOT NULL,
    instance_id   TEXT    NULL,
    reserviert_am INTEGER NOT NULL,
    aufgeloest_am INTEGER NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, kostenstelle, jahr) REFERENCES zeit_fortbildungsbudget (tenant_id, kostenstelle, jahr),
    CHECK ((status = 'aufgeloest') = (aufgeloest_am IS NOT NULL))
);
CREATE INDEX ix_zeit_budgetreservierung_budget ON zeit_budgetreservierung (tenant_id, kostenstelle, jahr);
