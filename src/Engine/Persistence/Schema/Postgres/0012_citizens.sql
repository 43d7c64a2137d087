-- Citizens (issue 13): BundID sign-in as a SAML 2.0 service provider.

-- AuthnRequests sent and not yet answered: the id a response must name in InResponseTo (used once: the row is deleted
-- when the answer arrives), the page to return to and the trust level required (1..4 = STORK-QAA-Level-1..4). Times: Unix ms.
CREATE TABLE saml_requests (
    id          TEXT    NOT NULL PRIMARY KEY,
    return_url  TEXT    NOT NULL,
    level       INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX ix_saml_requests_expires ON saml_requests (expires_at);

-- Assertion ids already used (one-time use against replay), kept until the assertion could not be valid anyway.
-- id: SHA-256 (hex) of issuer and assertion id, so no text of the IdP's choosing is stored.
CREATE TABLE saml_assertions (
    id          TEXT    NOT NULL PRIMARY KEY,
    used_at     BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX ix_saml_assertions_expires ON saml_assertions (expires_at);
