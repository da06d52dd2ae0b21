// A real OpenID provider for the SSO tests: panva/oidc-provider (OpenID Certified), with its
// development login form (any password), the device flow, PKCE required, and a few accounts.
//
//   PORT=0 node provider.js   -> prints {"issuer": "http://127.0.0.1:<port>"} on stdout
//
// Settings come from the environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS
// (comma-separated). For the hostile tests, POST /__test__/tamper {"mode": ...} makes the
// next token response carry a doctored ID token (another issuer or audience, expired,
// unsigned, signed by a stranger's key), or {"mode": "rotate"} publishes a second key and
// signs the next ID token with it (key rotation); the provider is never changed otherwise.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';
import * as jose from 'jose';

const ACCOUNTS = {
  alice: { email: 'alice@campus.example', email_verified: true, name: 'Alice Staff', groups: ['compax-staff'] },
  root: { email: 'root@campus.example', email_verified: true, name: 'Root Admin', groups: ['compax-admins', 'compax-staff'] },
  bob: { email: 'bob@campus.example', email_verified: true, name: 'Bob Student', groups: ['students'] },
  linda: { email: 'linda@campus.example', email_verified: true, name: 'Linda Local', groups: [] },
  mallory: { email: 'admin@campus.example', email_verified: false, name: 'Mallory', groups: ['compax-admins'] },
  noemail: { name: 'No Email', groups: [] },
  oddmail: { email: 'Room 101 at campus', email_verified: true, name: 'Odd Mail', groups: [] },
};

function keyPair() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' });
}

const signing = { ...keyPair(), kid: 'k1', alg: 'RS256', use: 'sig' };
const stranger = { ...keyPair(), kid: 'k1', alg: 'RS256', use: 'sig' };
// Each 'rotate' makes a new key, publishes it beside the others and signs the next ID token
// with it, so that every rotation is news to a relying party, however many came before.
const successors = [];

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.env.PORT || 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID || 'compax',
    client_secret: process.env.CLIENT_SECRET || 'compax-test-secret',
    redirect_uris: (process.env.REDIRECT_URIS || 'http://testserver/api/v1/auth/sso/campus/callback').split(','),
    grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // the scopes' claims go into the ID token itself
  cookies: { keys: [randomUUID()] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id] || { email: `${id}@campus.example`, email_verified: true, name: id, groups: [] };
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});

let tamper = null;

async function doctored(idToken, mode) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'issuer') claims.iss = 'https://evil.example';
  if (mode === 'audience') claims.aud = 'someone-else';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (mode === 'nonce') claims.nonce = 'not-the-nonce';
  if (mode === 'unsigned') {
    const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  }
  const jwk = { stranger, rotate: successors[successors.length - 1] }[mode] || signing;
  const key = await jose.importJWK(jwk, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/tamper' && ctx.method === 'POST') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    tamper = JSON.parse(Buffer.concat(chunks).toString() || '{}').mode || null;
    if (tamper === 'rotate') {
      successors.push({ ...keyPair(), kid: `r${successors.length + 1}`, alg: 'RS256', use: 'sig' });
    }
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/jwks' && successors.length && ctx.body && ctx.body.keys) {
    const published = successors.map(({ d, p, q, dp, dq, qi, ...pub }) => pub);
    ctx.body = { keys: [...ctx.body.keys, ...published] };
  }
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await doctored(ctx.body.id_token, tamper) };
    tamper = null;
  }
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
