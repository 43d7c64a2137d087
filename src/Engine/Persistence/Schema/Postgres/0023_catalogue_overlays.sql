-- Shared models with local overlays (issue 16 item 4): a tenant's overlay deployed through the API
-- (PUT /api/services/overlays/{service}) is kept here, so every node over the store merges and shows it (overview, fees,
-- groups) without a restart, and a restarted node deploys it again. One row per tenant and shared service folder; the
-- revision grows with every write (a node compares count and revisions to learn that another node wrote one).
CREATE TABLE catalogue_overlays (
    tenant_id    TEXT    NOT NULL,
    service      TEXT    NOT NULL,
    yaml         TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    revision     BIGINT  NOT NULL,
    deployed_by  TEXT    NULL,
    deployed_at  BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, service)
);
