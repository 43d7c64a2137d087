-- KVP analytics (issue 11 item 6): the figures of /analyse/<processId> come from these pre-aggregated tables, filled from
-- the history tables by the analytics catch-up (Persistence/Analytics/AnalyticsAggregator.cs) in the order the history
-- rows were written (seq), so a query over 100,000 ended instances reads a few thousand rows, not a million.
-- Days are the day (in the engine's time zone) an element instance ended, counted from 1970-01-01.

-- The sequence flow a token arrived by (gateway branches taken, the path an instance took); null on rows written before.
ALTER TABLE history_element_instances ADD COLUMN arrived_by TEXT NULL;

-- How far each history table has been folded in (its seq).
CREATE TABLE analytics_watermarks (
    source   TEXT   NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

-- Durations as histograms: per version, day, measure ('element': an element instance's time from start to end;
-- 'claim': the wait of a user task from created to its first assignment), element and logarithmic bucket (4 % wide),
-- how many and their sum in milliseconds (a bucket whose values are equal gives the exact value back).
CREATE TABLE analytics_durations (
    tenant_id  TEXT    NOT NULL,
    process_id TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    measure    TEXT    NOT NULL,
    element_id TEXT    NOT NULL,
    bucket     INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    sum_ms     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, process_id, version, day, measure, element_id, bucket)
);

-- Counters per version and day: 'flow' (a sequence flow taken, item = flow id), 'cancelled' (an element instance that
-- ended without completing, item = element id), 'incident' (an incident created, item = element id).
CREATE TABLE analytics_counts (
    tenant_id  TEXT    NOT NULL,
    process_id TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, process_id, version, day, kind, item)
);

-- User tasks created but not yet assigned (their wait before the claim ends at the first assignment).
CREATE TABLE analytics_open_claims (
    tenant_id  TEXT    NOT NULL,
    task_id    TEXT    NOT NULL,
    process_id TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    element_id TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, task_id)
);

-- Lead times and instance counts are read from the instances themselves (exact), by version and end or start.
CREATE INDEX ix_instances_analytics_ended ON instances (tenant_id, process_id, definition_version, ended_at, started_at, status);
CREATE INDEX ix_instances_analytics_started ON instances (tenant_id, process_id, started_at, definition_version);
