// An OpenID Connect provider that is not ours: panva's certified oidc-provider, as a test double for an external
// provider such as a municipality's Keycloak. EGov.Workflows.Host.Tests (ExternalProviderTests) starts it on loopback:
//   node provider.mjs CONFIG.json
// CONFIG: { "clients": [oidc-provider client metadata], "accounts": { "NAME": { claims } },
//           "clientClaims": { "CLIENT_ID": { claims } }, "audience": "egov" }
// It prints "listening on http://127.0.0.1:PORT" once it serves. Access tokens are signed JWTs (resource indicators,
// one resource (urn:egov:api) with the audience from the config) that carry the account's claims the way Keycloak does
// (realm_access.roles, groups with a leading "/", preferred_username), so the server's claim mapping is exercised.
// The sign-in page is a plain form (GET /interaction/UID, POST login=NAME); consent is granted without asking.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const configFile = process.argv[2];
if (!configFile) {
  console.error("usage: node provider.mjs CONFIG.json");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configFile, "utf8"));
const accounts = config.accounts ?? {};
const clientClaims = config.clientClaims ?? {};
const resource = "urn:egov:api";

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    findAccount: async (_ctx, id) =>
      accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined,
    claims: { openid: ["sub"], profile: ["name", "preferred_username", "groups", "realm_access", "tenant"] },
    scopes: ["openid", "profile", "offline_access", "api"],
    cookies: { keys: ["a-test-double-only-key"] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "api",
          audience: config.audience ?? "egov",
          accessTokenTTL: 600,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    extraTokenClaims: async (_ctx, token) =>
      token.accountId ? { ...(accounts[token.accountId] ?? {}) } : { ...(clientClaims[token.clientId] ?? {}) },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === "login" && ctx.method === "GET") {
      ctx.type = "html";
      ctx.body = `<!doctype html><title>Test provider</title><form method="post" action="/interaction/${details.uid}">` +
        `<label>Login <input name="login"></label><button>Sign in</button></form>`;
      return;
    }
    if (details.prompt.name === "login") {
      const body = await readBody(ctx.req);
      const login = new URLSearchParams(body).get("login");
      if (!accounts[login]) {
        ctx.status = 400;
        ctx.body = "unknown account";
        return;
      }
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false }));
      return;
    }
    // consent: grant what was asked
    const grant = details.grantId ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
    const grantId = await grant.save();
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true }));
  });

  server.on("request", provider.callback());
  console.log(`listening on ${issuer}`);
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
