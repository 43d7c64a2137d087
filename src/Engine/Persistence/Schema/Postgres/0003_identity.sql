-- Identity (PostgreSQL): the embedded OpenID Connect provider's local accounts, its RSA keys, the browser sessions
-- (backend-for-frontend: the cookie holds only a session id), data protection keys shared by all nodes, and
-- OpenIddict's applications (machine clients, the web client), authorizations, scopes and tokens.
-- Our tables are snake_case; OpenIddict's columns keep its entity property names. Times in our tables: Unix ms.

CREATE TABLE accounts (
    name text NOT NULL,
    normalized_name text NOT NULL,
    display_name text,
    password_hash text,
    groups text NOT NULL,
    roles text NOT NULL,
    tenants text NOT NULL,
    disabled boolean NOT NULL,
    failed_attempts integer NOT NULL,
    locked_until bigint,
    must_change_password boolean NOT NULL,
    email text,
    email_on_assignment boolean NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT "PK_accounts" PRIMARY KEY (name)
);

CREATE TABLE data_protection_keys (
    id text NOT NULL,
    xml text NOT NULL,
    CONSTRAINT "PK_data_protection_keys" PRIMARY KEY (id)
);

CREATE TABLE identity_keys (
    id text NOT NULL,
    use text NOT NULL,
    pkcs8 text NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT "PK_identity_keys" PRIMARY KEY (id)
);

CREATE TABLE oidc_applications (
    "Id" text NOT NULL,
    "ApplicationType" character varying(50),
    "ClientId" character varying(100),
    "ClientSecret" text,
    "ClientType" character varying(50),
    "ConcurrencyToken" character varying(50),
    "ConsentType" character varying(50),
    "DisplayName" text,
    "DisplayNames" text,
    "JsonWebKeySet" text,
    "Permissions" text,
    "PostLogoutRedirectUris" text,
    "Properties" text,
    "RedirectUris" text,
    "Requirements" text,
    "Settings" text,
    CONSTRAINT "PK_oidc_applications" PRIMARY KEY ("Id")
);

CREATE TABLE oidc_scopes (
    "Id" text NOT NULL,
    "ConcurrencyToken" character varying(50),
    "Description" text,
    "Descriptions" text,
    "DisplayName" text,
    "DisplayNames" text,
    "Name" character varying(200),
    "Properties" text,
    "Resources" text,
    CONSTRAINT "PK_oidc_scopes" PRIMARY KEY ("Id")
);

CREATE TABLE web_sessions (
    id text NOT NULL,
    account_id text,
    ticket bytea NOT NULL,
    expires_at bigint NOT NULL,
    created_at bigint NOT NULL,
    CONSTRAINT "PK_web_sessions" PRIMARY KEY (id)
);

CREATE TABLE oidc_authorizations (
    "Id" text NOT NULL,
    "ApplicationId" text,
    "ConcurrencyToken" character varying(50),
    "CreationDate" timestamp with time zone,
    "Properties" text,
    "Scopes" text,
    "Status" character varying(50),
    "Subject" character varying(400),
    "Type" character varying(50),
    CONSTRAINT "PK_oidc_authorizations" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_oidc_authorizations_oidc_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES oidc_applications ("Id")
);

CREATE TABLE oidc_tokens (
    "Id" text NOT NULL,
    "ApplicationId" text,
    "AuthorizationId" text,
    "ConcurrencyToken" character varying(50),
    "CreationDate" timestamp with time zone,
    "ExpirationDate" timestamp with time zone,
    "Payload" text,
    "Properties" text,
    "RedemptionDate" timestamp with time zone,
    "ReferenceId" character varying(100),
    "Status" character varying(50),
    "Subject" character varying(400),
    "Type" character varying(150),
    CONSTRAINT "PK_oidc_tokens" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_oidc_tokens_oidc_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES oidc_applications ("Id"),
    CONSTRAINT "FK_oidc_tokens_oidc_authorizations_AuthorizationId" FOREIGN KEY ("AuthorizationId") REFERENCES oidc_authorizations ("Id")
);

CREATE UNIQUE INDEX "IX_accounts_normalized_name" ON accounts (normalized_name);

CREATE UNIQUE INDEX "IX_oidc_applications_ClientId" ON oidc_applications ("ClientId");

CREATE INDEX "IX_oidc_authorizations_ApplicationId_Status_Subject_Type" ON oidc_authorizations ("ApplicationId", "Status", "Subject", "Type");

CREATE UNIQUE INDEX "IX_oidc_scopes_Name" ON oidc_scopes ("Name");

CREATE INDEX "IX_oidc_tokens_ApplicationId_Status_Subject_Type" ON oidc_tokens ("ApplicationId", "Status", "Subject", "Type");

CREATE INDEX "IX_oidc_tokens_AuthorizationId" ON oidc_tokens ("AuthorizationId");

CREATE UNIQUE INDEX "IX_oidc_tokens_ReferenceId" ON oidc_tokens ("ReferenceId");

CREATE INDEX "IX_web_sessions_expires_at" ON web_sessions (expires_at);

-- Who deployed a version (the caller's id; NULL for versions deployed before sign-in existed or from the processes folder).
ALTER TABLE deployments ADD COLUMN deployed_by TEXT NULL;
