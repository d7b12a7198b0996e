import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { GraphQLError } from 'graphql';
import { createTokenVerifier, type TokenVerifier } from './verify-token';

const ISSUER = 'urn:commerce:identity';
const AUDIENCE = 'urn:commerce:api';

interface Keys {
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

async function keys(alg: 'EdDSA' | 'RS256', kid: string): Promise<Keys> {
  const { privateKey, publicKey } =
    alg === 'EdDSA'
      ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
      : await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface TokenOptions {
  alg?: string;
  kid?: string;
  typ?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  iat?: number;
}

function sign(
  key: KeyLike | Uint8Array,
  claims: Record<string, unknown>,
  o: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'EdDSA', kid: o.kid ?? 'k1', typ: o.typ ?? 'at+jwt' })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 900)
    .setJti('jti-1')
    .sign(key);
}

const customerClaims = { sub: 'c-1', kind: 'customer', sid: 's-1' };
const staffClaims = {
  sub: 'st-1',
  kind: 'staff',
  sid: 's-2',
  permissions: ['catalog:write', 'orders:manage'],
};

async function expectUnauthenticated(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  expect((error as GraphQLError).extensions).toEqual({
    code: 'UNAUTHENTICATED',
    http: { status: 401 },
  });
}

let ed: Keys;
let other: Keys;
let server: http.Server;
let verifier: TokenVerifier;
let jwksRequests = 0;

beforeAll(async () => {
  ed = await keys('EdDSA', 'k1');
  other = await keys('EdDSA', 'k1'); // an attacker's key claiming the same key id
  server = http.createServer((req, res) => {
    jwksRequests += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [ed.jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  verifier = createTokenVerifier({
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['EdDSA'],
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('createTokenVerifier', () => {
  it('treats a missing Authorization header as anonymous', async () => {
    await expect(verifier.verify(undefined)).resolves.toEqual({ kind: 'anonymous' });
    await expect(verifier.verify(null)).resolves.toEqual({ kind: 'anonymous' });
    await expect(verifier.verify('')).resolves.toEqual({ kind: 'anonymous' });
  });

  it('maps a valid customer token to a customer viewer', async () => {
    const token = await sign(ed.privateKey, customerClaims);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      kind: 'customer',
      customerId: 'c-1',
    });
  });

  it('maps a valid staff token to a staff viewer with its permissions', async () => {
    const token = await sign(ed.privateKey, staffClaims);
    await expect(verifier.verify(`bearer ${token}`)).resolves.toEqual({
      kind: 'staff',
      staffId: 'st-1',
      permissions: ['catalog:write', 'orders:manage'],
    });
  });

  it('caches the remote key set', async () => {
    const before = jwksRequests;
    for (let i = 0; i < 3; i += 1)
      await verifier.verify(`Bearer ${await sign(ed.privateKey, customerClaims)}`);
    expect(jwksRequests - before).toBe(0);
  });

  it('accepts a local key set as well', async () => {
    const local = createTokenVerifier({
      jwks: { keys: [ed.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(
      local.verify(`Bearer ${await sign(ed.privateKey, customerClaims)}`),
    ).resolves.toEqual({
      kind: 'customer',
      customerId: 'c-1',
    });
  });

  it('refuses a signature made with another key', async () => {
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(other.privateKey, staffClaims)}`),
    );
  });

  it('refuses an expired token (beyond the leeway)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(ed.privateKey, customerClaims, { iat: now - 1000, exp: now - 120 });
    await expectUnauthenticated(verifier.verify(`Bearer ${token}`));
  });

  it('tolerates a small clock skew on exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(ed.privateKey, customerClaims, { iat: now - 900, exp: now - 5 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      kind: 'customer',
      customerId: 'c-1',
    });
  });

  it('refuses alg: none', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${encode({
      ...staffClaims,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 900,
    })}.`;
    await expectUnauthenticated(verifier.verify(`Bearer ${unsigned}`));
  });

  it('refuses HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(ed.publicKey));
    const raw = Buffer.from(ed.jwk.x!, 'base64url');
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(pem, staffClaims, { alg: 'HS256' })}`),
    );
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(raw, staffClaims, { alg: 'HS256' })}`),
    );
  });

  it('refuses HS256 signed with an RSA public key when RS256 is configured', async () => {
    const rsa = await keys('RS256', 'r1');
    const rsVerifier = createTokenVerifier({
      jwks: { keys: [rsa.jwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
    });
    await expect(
      rsVerifier.verify(
        `Bearer ${await sign(rsa.privateKey, customerClaims, { alg: 'RS256', kid: 'r1' })}`,
      ),
    ).resolves.toEqual({
      kind: 'customer',
      customerId: 'c-1',
    });
    const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    await expectUnauthenticated(
      rsVerifier.verify(`Bearer ${await sign(pem, staffClaims, { alg: 'HS256', kid: 'r1' })}`),
    );
  });

  it('refuses a wrong audience', async () => {
    await expectUnauthenticated(
      verifier.verify(
        `Bearer ${await sign(ed.privateKey, customerClaims, { aud: 'urn:other:api' })}`,
      ),
    );
  });

  it('refuses a wrong issuer', async () => {
    await expectUnauthenticated(
      verifier.verify(
        `Bearer ${await sign(ed.privateKey, customerClaims, { iss: 'https://evil.example' })}`,
      ),
    );
  });

  it('refuses a JWT that is not an access token (typ) and unknown kinds', async () => {
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(ed.privateKey, customerClaims, { typ: 'JWT' })}`),
    );
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(ed.privateKey, { sub: 'x', kind: 'service' })}`),
    );
    await expectUnauthenticated(
      verifier.verify(`Bearer ${await sign(ed.privateKey, { sub: 'x', kind: 'staff' })}`),
    );
  });

  it('refuses malformed headers', async () => {
    await expectUnauthenticated(verifier.verify('Basic dXNlcjpwYXNz'));
    await expectUnauthenticated(verifier.verify('Bearer not-a-jwt'));
    await expectUnauthenticated(verifier.verify('Bearer a.b.c'));
  });
});
