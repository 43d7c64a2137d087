// BundID simulator: a SAML 2.0 identity provider shaped like BundID (Nutzerkonto Bund), built on samlify — a SAML library
// that is not ours, so the engine's service provider is tested against somebody else's reading of the standard.
//
//   node simulator.mjs --sp http://127.0.0.1:5080/saml/metadata [--port 5090] [--host 127.0.0.1] [--key idp.key --cert idp.crt]
//
// GET  /metadata      the IdP metadata to configure in the engine (BundId:IdpMetadata)
// POST /sso           receives the signed AuthnRequest (HTTP-POST binding; the signature is checked against the SP
//                     metadata), shows a page to pick a test person and a trust level
// POST /sso/anmelden  answers with a signed (assertion) and encrypted SAML response, posted back to the SP's ACS
// POST /test/response JSON for tests: {SAMLRequest, user, level, encrypt, signResponse, audience, offsetSeconds, status}
//                     → {SAMLResponse, acs} without a page (the tests tamper with it for the attack cases)
//
// Test persons, attribute OIDs and the response template follow the BA's BundID simulator (Apache-2.0; see
// ../../../shared/corpora/bundid), including the quirks of real responses: "urn:oid: " with a blank, two AuthnStatements.
// Not for production: it signs in whoever picks a person.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as saml from 'samlify';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const host = args.host ?? '127.0.0.1';
const port = Number(args.port ?? 0);
if (!args.sp) { console.error('usage: node simulator.mjs --sp SP_METADATA_URL_OR_FILE [--port N]'); process.exit(2); }

// The schema check of samlify needs Java; this simulator trusts the XML parser and the signature check instead.
saml.setSchemaValidator({ validate: async () => 'skipped' });

// The IdP's key: given, or made once with openssl (a throwaway self-signed certificate in a temp folder).
function keyPair() {
  if (args.key && args.cert) return { key: fs.readFileSync(args.key, 'utf8'), cert: fs.readFileSync(args.cert, 'utf8') };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundid-sim-'));
  const keyFile = path.join(dir, 'idp.key'), certFile = path.join(dir, 'idp.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=BundID-Simulator'], { stdio: 'ignore' });
  const pair = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}
const { key, cert } = keyPair();
const certBody = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const users = JSON.parse(fs.readFileSync(new URL('./users.json', import.meta.url), 'utf8'));
const levels = {
  'STORK-QAA-Level-1': { label: 'niedrig – Benutzername und Passwort', provedBy: 'Benutzername', trust: 'NORMAL' },
  'STORK-QAA-Level-3': { label: 'substanziell – ELSTER-Zertifikat', provedBy: 'Elster', trust: 'SUBSTANTIELL' },
  'STORK-QAA-Level-4': { label: 'hoch – Online-Ausweis (eID)', provedBy: 'eID', trust: 'HOCH' },
};
const fields = [
  ['surname', 'urn:oid:2.5.4.4', 'surname'], ['givenname', 'urn:oid:2.5.4.42', 'givenName'], ['mail', 'urn:oid:0.9.2342.19200300.100.1.3', 'mail'],
  ['postalAddress', 'urn:oid:2.5.4.16', 'postalAddress'], ['postalCode', 'urn:oid:2.5.4.17', 'postalCode'], ['localityName', 'urn:oid:2.5.4.7', 'localityName'],
  ['country', 'urn:oid:1.2.40.0.10.2.1.1.225599', 'Country'], ['personalTitle', 'urn:oid: 0.9.2342.19200300.100.1.40', 'personalTitle'],
  ['gender', 'urn:oid:1.3.6.1.4.1.33592.1.3.5', 'gender'], ['birthdate', 'urn:oid:1.2.40.0.10.2.1.1.55', 'birthdate'],
  ['placeOfBirth', 'urn:oid:1.3.6.1.5.5.7.9.2', 'placeOfBirth'], ['birthName', 'urn:oid:1.2.40.0.10.2.1.1.225566', 'birthName'],
  ['bpk2', 'urn:oid:1.3.6.1.4.1.25484.494450.3', 'bPK2'],
];

let base; // http://host:port, known once listening
let sp;   // the service provider, from its metadata (fetched on each request: the engine may start after the simulator)

async function serviceProvider() {
  const source = args.sp;
  const xml = /^https?:/.test(source) ? await (await fetch(source)).text() : fs.readFileSync(source, 'utf8');
  return saml.ServiceProvider({ metadata: xml });
}

function identityProvider(options = {}) {
  return saml.IdentityProvider({
    entityID: `${base}/metadata`,
    signingCert: cert,
    privateKey: key,
    wantAuthnRequestsSigned: true,
    isAssertionEncrypted: options.encrypt !== false,
    dataEncryptionAlgorithm: options.gcm ? 'http://www.w3.org/2009/xmlenc11#aes256-gcm' : 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: `${base}/sso` }],
    singleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: `${base}/slo` }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient'],
  });
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// BundID's response, after the BA simulator's template: STORK class in the first AuthnStatement, a second one with
// Password, every attribute with NameFormat uri and akdb:TrustLevel.
function template(ctx) {
  const { user, level, requestId, acs, spEntityId, idpEntityId, offsetSeconds = 0, audience, status } = ctx;
  const now = new Date(Date.now() + offsetSeconds * 1000);
  const later = new Date(now.getTime() + 5 * 60 * 1000);
  const iso = (d) => d.toISOString();
  const id = '_' + crypto.randomUUID(), assertionId = '_' + crypto.randomUUID(), sessionIndex = '_' + crypto.randomUUID();
  if (status) {
    return { id, context: `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" InResponseTo="${esc(requestId)}" IssueInstant="${iso(now)}" Destination="${esc(acs)}" Version="2.0"><saml:Issuer>${esc(idpEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Requester"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:${esc(status)}"/></samlp:StatusCode></samlp:Status></samlp:Response>` };
  }
  const info = levels[level] ?? levels['STORK-QAA-Level-1'];
  const values = { ...user };
  const attrs = fields.filter(([f]) => values[f]).map(([f, name, friendly]) => [name, friendly, values[f], f === 'mail' ? 'NORMAL' : info.trust]);
  attrs.push(['urn:oid: 1.2.40.0.10.2.1.1.261.94', 'EID-CITIZEN-QAA-LEVEL', level, 'NORMAL']);
  attrs.push(['urn:oid:1.3.6.1.4.1.25484.494450.2', 'AssertionProvedBy', info.provedBy, 'NORMAL']);
  attrs.push(['urn:oid:1.3.6.1.4.1.25484.494450.1', 'Version', '2', 'NORMAL']);
  const attributeXml = attrs.map(([name, friendly, value, trust]) =>
    `<saml:Attribute xmlns:akdb="https://www.akdb.de/request/2018/09" FriendlyName="${esc(friendly)}" Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" akdb:TrustLevel="${trust}"><saml:AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xsd:string">${esc(value)}</saml:AttributeValue></saml:Attribute>`).join('');
  const context = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" InResponseTo="${esc(requestId)}" IssueInstant="${iso(now)}" Destination="${esc(acs)}" Version="2.0">`
    + `<saml:Issuer>${esc(idpEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
    + `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${assertionId}" IssueInstant="${iso(now)}" Version="2.0">`
    + `<saml:Issuer>${esc(idpEntityId)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID SPNameQualifier="${esc(spEntityId)}" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_${crypto.randomUUID()}</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(later)}" Recipient="${esc(acs)}" InResponseTo="${esc(requestId)}"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${iso(now)}" NotOnOrAfter="${iso(later)}"><saml:AudienceRestriction><saml:Audience>${esc(audience ?? spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${sessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>${esc(level)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>`
    + `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionNotOnOrAfter="${iso(later)}" SessionIndex="${sessionIndex}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + `</saml:Assertion></samlp:Response>`;
  return { id, context };
}

// Verifies the AuthnRequest (signature against the SP metadata) and answers with a response for the person and level.
async function respond(samlRequest, choice) {
  sp = await serviceProvider();
  const idp = identityProvider(choice);
  const parsed = await idp.parseLoginRequest(sp, 'post', { body: { SAMLRequest: samlRequest } });
  const user = users.find((u) => u.id === choice.user) ?? users[0];
  const acs = sp.entityMeta.getAssertionConsumerService('post');
  const level = choice.level ?? parsed.extract?.request?.authnContextClassRef ?? 'STORK-QAA-Level-1';
  const ctx = {
    user, level, requestId: parsed.extract.request.id, acs, spEntityId: sp.entityMeta.getEntityID(), idpEntityId: `${base}/metadata`,
    offsetSeconds: Number(choice.offsetSeconds ?? 0), audience: choice.audience, status: choice.status,
  };
  // An error (cancelled, level not reached) has no assertion to sign or encrypt: BundID sends the status alone.
  if (choice.status) return { SAMLResponse: Buffer.from(template(ctx).context, 'utf8').toString('base64'), acs };
  const result = await idp.createLoginResponse(sp, parsed, 'post', {}, { customTagReplacement: () => template(ctx) });
  return { SAMLResponse: result.context, acs };
}

function requestedLevel(samlRequest) {
  const xml = Buffer.from(samlRequest, 'base64').toString('utf8');
  return /AuthnContextClassRef>\s*(STORK-QAA-Level-\d)\s*</.exec(xml)?.[1] ?? 'STORK-QAA-Level-1';
}

function page(title, body) {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>`
    + '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}fieldset{margin:1rem 0}label{display:block;margin:.3rem 0}button{background:#004b87;color:#fff;border:0;padding:.6rem 1.2rem;font-size:1rem}button:focus,input:focus{outline:3px solid #ffbf47}</style>'
    + `</head><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) { body += chunk; if (body.length > 2_000_000) throw new Error('too large'); }
  return req.headers['content-type']?.includes('application/json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, base);
    if (req.method === 'GET' && url.pathname === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      res.end(identityProvider().getMetadata());
      return;
    }
    if (req.method === 'POST' && url.pathname === '/sso') {
      const form = await readForm(req);
      sp = await serviceProvider();
      await identityProvider().parseLoginRequest(sp, 'post', { body: { SAMLRequest: form.SAMLRequest } }); // refuse unsigned or forged requests early
      const wanted = requestedLevel(form.SAMLRequest);
      const people = users.map((u, i) => `<label><input type="radio" name="user" value="${esc(u.id)}"${i === 0 ? ' checked' : ''}> ${esc(u.givenname)} ${esc(u.surname)}${u.localityName ? ', ' + esc(u.localityName) : ''}</label>`).join('');
      const choices = Object.entries(levels).map(([k, v]) => `<label><input type="radio" name="level" value="${k}"${k === wanted ? ' checked' : ''}> ${esc(v.label)}</label>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('BundID-Simulator – Anmeldung', `<p>Angefordertes Vertrauensniveau: <strong>${esc(wanted)}</strong></p>`
        + `<form method="post" action="/sso/anmelden"><input type="hidden" name="SAMLRequest" value="${esc(form.SAMLRequest)}"><input type="hidden" name="RelayState" value="${esc(form.RelayState ?? '')}">`
        + `<fieldset><legend>Testperson</legend>${people}</fieldset><fieldset><legend>Vertrauensniveau</legend>${choices}</fieldset>`
        + '<button type="submit">Anmelden</button></form>'));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/sso/anmelden') {
      const form = await readForm(req);
      const { SAMLResponse, acs } = await respond(form.SAMLRequest, { user: form.user, level: form.level });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('BundID-Simulator – Weiterleitung', `<form method="post" action="${esc(acs)}" id="antwort"><input type="hidden" name="SAMLResponse" value="${esc(SAMLResponse)}">`
        + (form.RelayState ? `<input type="hidden" name="RelayState" value="${esc(form.RelayState)}">` : '')
        + '<p>Die Anmeldung war erfolgreich.</p><button type="submit">Weiter zum Dienst</button></form>'));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/test/response') {
      const body = await readForm(req);
      const out = await respond(body.SAMLRequest ?? body.samlRequest, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  } catch (e) {
    console.error(e?.stack ?? e);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`BundID-Simulator: Anfrage abgelehnt: ${e?.message ?? e}`);
  }
});

server.listen(port, host, () => {
  base = `http://${host}:${server.address().port}`;
  console.log(`listening on ${base}`);
  console.log(`  metadata  ${base}/metadata   (configure the engine: EGOV_BundId__IdpMetadata=${base}/metadata)`);
});
