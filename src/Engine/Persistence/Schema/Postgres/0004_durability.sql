-- Durability under faults (issue 21). Instants are 100-ns ticks since 1970 as in 0001.

-- The write probe of /health/ready: each node writes its row (a real write, so a full disk or a read-only database shows).
CREATE TABLE store_probes (
    node_id   TEXT    NOT NULL PRIMARY KEY,
    probed_at BIGINT  NOT NULL
);

-- Idempotency-Key: the first request's outcome per key, written in the same transaction as the command it ran, so a
-- repeated request finds it and changes nothing. request_hash tells a repeat from a different request under the same key.
CREATE TABLE idempotency_keys (
    tenant_id       TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    operation       TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    resource_id     TEXT    NULL,
    status_code     INTEGER NULL,
    response        TEXT    NULL,
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);

-- egov:uniqueBusinessKey: one row per business key of such a process, inserted with the instance that takes it.
CREATE TABLE unique_business_keys (
    tenant_id    TEXT NOT NULL,
    process_id   TEXT NOT NULL,
    business_key TEXT NOT NULL,
    instance_id  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, process_id, business_key)
);
