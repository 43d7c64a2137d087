-- Identity (SQLite): the embedded OpenID Connect provider's local accounts, its RSA keys, the browser sessions
-- (backend-for-frontend: the cookie holds only a session id), data protection keys shared by all nodes, and
-- OpenIddict's applications (machine clients, the web client), authorizations, scopes and tokens.
-- Our tables are snake_case; OpenIddict's columns keep its entity property names. Times in our tables: Unix ms.

CREATE TABLE "accounts" (
    "name" TEXT NOT NULL CONSTRAINT "PK_accounts" PRIMARY KEY,
    "normalized_name" TEXT NOT NULL,
    "display_name" TEXT NULL,
    "password_hash" TEXT NULL,
    "groups" TEXT NOT NULL,
    "roles" TEXT NOT NULL,
    "tenants" TEXT NOT NULL,
    "disabled" INTEGER NOT NULL,
    "failed_attempts" INTEGER NOT NULL,
    "locked_until" INTEGER NULL,
    "must_change_password" INTEGER NOT NULL,
    "email" TEXT NULL,
    "email_on_assignment" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "data_protection_keys" (
    "id" TEXT NOT NULL CONSTRAINT "PK_data_protection_keys" PRIMARY KEY,
    "xml" TEXT NOT NULL
);

CREATE TABLE "identity_keys" (
    "id" TEXT NOT NULL CONSTRAINT "PK_identity_keys" PRIMARY KEY,
    "use" TEXT NOT NULL,
    "pkcs8" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "oidc_applications" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_oidc_applications" PRIMARY KEY,
    "ApplicationType" TEXT NULL,
    "ClientId" TEXT NULL,
    "ClientSecret" TEXT NULL,
    "ClientType" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "ConsentType" TEXT NULL,
    "DisplayName" TEXT NULL,
    "DisplayNames" TEXT NULL,
    "JsonWebKeySet" TEXT NULL,
    "Permissions" TEXT NULL,
    "PostLogoutRedirectUris" TEXT NULL,
    "Properties" TEXT NULL,
    "RedirectUris" TEXT NULL,
    "Requirements" TEXT NULL,
    "Settings" TEXT NULL
);

CREATE TABLE "oidc_scopes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_oidc_scopes" PRIMARY KEY,
    "ConcurrencyToken" TEXT NULL,
    "Description" TEXT NULL,
    "Descriptions" TEXT NULL,
    "DisplayName" TEXT NULL,
    "DisplayNames" TEXT NULL,
    "Name" TEXT NULL,
    "Properties" TEXT NULL,
    "Resources" TEXT NULL
);

CREATE TABLE "web_sessions" (
    "id" TEXT NOT NULL CONSTRAINT "PK_web_sessions" PRIMARY KEY,
    "account_id" TEXT NULL,
    "ticket" BLOB NOT NULL,
    "expires_at" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "oidc_authorizations" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_oidc_authorizations" PRIMARY KEY,
    "ApplicationId" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "CreationDate" TEXT NULL,
    "Properties" TEXT NULL,
    "Scopes" TEXT NULL,
    "Status" TEXT NULL,
    "Subject" TEXT NULL,
    "Type" TEXT NULL,
    CONSTRAINT "FK_oidc_authorizations_oidc_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES "oidc_applications" ("Id")
);

CREATE TABLE "oidc_tokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_oidc_tokens" PRIMARY KEY,
    "ApplicationId" TEXT NULL,
    "AuthorizationId" TEXT NULL,
    "ConcurrencyToken" TEXT NULL,
    "CreationDate" TEXT NULL,
    "ExpirationDate" TEXT NULL,
    "Payload" TEXT NULL,
    "Properties" TEXT NULL,
    "RedemptionDate" TEXT NULL,
    "ReferenceId" TEXT NULL,
    "Status" TEXT NULL,
    "Subject" TEXT NULL,
    "Type" TEXT NULL,
    CONSTRAINT "FK_oidc_tokens_oidc_applications_ApplicationId" FOREIGN KEY ("ApplicationId") REFERENCES "oidc_applications" ("Id"),
    CONSTRAINT "FK_oidc_tokens_oidc_authorizations_AuthorizationId" FOREIGN KEY ("AuthorizationId") REFERENCES "oidc_authorizations" ("Id")
);

CREATE UNIQUE INDEX "IX_accounts_normalized_name" ON "accounts" ("normalized_name");

CREATE UNIQUE INDEX "IX_oidc_applications_ClientId" ON "oidc_applications" ("ClientId");

CREATE INDEX "IX_oidc_authorizations_ApplicationId_Status_Subject_Type" ON "oidc_authorizations" ("ApplicationId", "Status", "Subject", "Type");

CREATE UNIQUE INDEX "IX_oidc_scopes_Name" ON "oidc_scopes" ("Name");

CREATE INDEX "IX_oidc_tokens_ApplicationId_Status_Subject_Type" ON "oidc_tokens" ("ApplicationId", "Status", "Subject", "Type");

CREATE INDEX "IX_oidc_tokens_AuthorizationId" ON "oidc_tokens" ("AuthorizationId");

CREATE UNIQUE INDEX "IX_oidc_tokens_ReferenceId" ON "oidc_tokens" ("ReferenceId");

CREATE INDEX "IX_web_sessions_expires_at" ON "web_sessions" ("expires_at");

-- Who deployed a version (the caller's id; NULL for versions deployed before sign-in existed or from the processes folder).
ALTER TABLE deployments ADD COLUMN deployed_by TEXT NULL;
