// A real OpenID Provider for Officecloud's SSO tests: the certified `oidc-provider` package.
//
// Usage: RP_URL=http://127.0.0.1:PORT node provider.mjs   (prints "READY <issuer>" when up)
//
// Clients: `officecloud-web` (confidential, authorization code + PKCE, back-channel logout to
// RP_URL/auth/backchannel-logout). Resource indicators: `urn:officecloud` issues RFC 9068 JWT
// access tokens for audience `officecloud`; `urn:officecloud:opaque` opaque ones for the same
// audience (checked by introspection); `urn:other` JWTs for another audience.
//
// Test-only endpoints (never in a real provider):
//   POST /test/accounts   {id, tenant, roles, org_unit, name, email}   registers an account
//   POST /test/rotate     {phase: "publish" | "activate"}   key rotation in two phases: publish
//                          the next key, then sign with it (the old key stays published)
//   POST /test/sign       {header, claims}   signs a JWT with the current signing key
import { createServer } from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, importJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const rpUrl = (process.env.RP_URL || 'http://127.0.0.1:8000').replace(/\/$/, '');
const clientSecret = process.env.CLIENT_SECRET || 'officecloud-web-secret';
const accounts = new Map();

async function newKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

let generation = 1;
let keys = [await newKey('key-1')];
let issuer;
let provider;

const resources = {
  'urn:officecloud': { audience: 'officecloud', format: 'jwt' },
  'urn:officecloud:opaque': { audience: 'officecloud', format: 'opaque' },
  'urn:other': { audience: 'other-app', format: 'jwt' },
};

function configuration() {
  return {
    clients: [
      {
        client_id: 'officecloud-web',
        client_secret: clientSecret,
        redirect_uris: [`${rpUrl}/auth/callback`, `${rpUrl}/test/callback`],
        post_logout_redirect_uris: [`${rpUrl}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        backchannel_logout_uri: `${rpUrl}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
    jwks: { keys },
    cookies: { keys: ['officecloud-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'tenant', 'roles', 'org_unit'],
      email: ['email'],
    },
    async findAccount(ctx, id) {
      const account = accounts.get(id) || { id };
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            name: account.name,
            preferred_username: account.username,
            email: account.email,
            tenant: account.tenant,
            roles: account.roles,
            org_unit: account.org_unit,
          };
        },
      };
    },
    async extraTokenClaims(ctx, token) {
      const account = accounts.get(token.accountId);
      if (!account) return undefined;
      return {
        tenant: account.tenant,
        roles: account.roles || [],
        org_unit: account.org_unit,
        name: account.name,
        preferred_username: account.username,
        email: account.email,
      };
    },
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, indicator) {
          const known = resources[indicator];
          if (!known) throw new Provider.errors.InvalidTarget();
          return {
            audience: known.audience,
            scope: 'api',
            accessTokenTTL: 600,
            accessTokenFormat: known.format,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    pkce: { required: () => true },
    // The relying party runs on loopback in tests, which the provider's SSRF guard refuses.
    fetch(url, options) {
      const { dispatcher, ...rest } = options;
      return globalThis.fetch(url, rest);
    },
    ttl: { AccessToken: 600, IdToken: 600, Session: 3600, Grant: 3600, Interaction: 600 },
  };
}

function build() {
  provider = new Provider(issuer, configuration());
  provider.on('backchannel.error', (err) => console.error('backchannel.error', err.message));
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
}

function send(res, status, data) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
}

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/test/accounts') {
      const account = await body(req);
      accounts.set(account.id, account);
      return send(res, 200, { ok: true });
    }
    if (req.method === 'POST' && req.url === '/test/rotate') {
      const { phase } = await body(req);
      if (phase === 'publish') {
        generation += 1;
        keys = [keys[0], await newKey(`key-${generation}`)];
      } else if (phase === 'activate') {
        keys = [keys[keys.length - 1], ...keys.slice(0, -1)];
      } else {
        return send(res, 400, { error: 'phase is publish or activate' });
      }
      build();
      return send(res, 200, { signing: keys[0].kid, published: keys.map((k) => k.kid) });
    }
    if (req.method === 'POST' && req.url === '/test/sign') {
      const { header, claims } = await body(req);
      const key = await importJWK(keys[0], 'RS256');
      const jws = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: keys[0].kid, ...header })
        .sign(key);
      return send(res, 200, { jwt: jws });
    }
    return provider.callback()(req, res);
  } catch (err) {
    console.error(err);
    return send(res, 500, { error: String(err) });
  }
});

server.listen(port, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  build();
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
