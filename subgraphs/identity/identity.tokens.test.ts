import { decodeProtectedHeader } from 'jose';
import { createTokenVerifier } from '../../platform/auth/verify-token';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import {
  freshIp,
  type IdentityHarness,
  login,
  LOGIN,
  startIdentity,
  verifiedCustomer,
} from './test-support/harness';

let h: IdentityHarness;

beforeAll(async () => {
  h = await startIdentity('identity_tokens');
});

afterAll(async () => {
  await h?.stop();
});

const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> => h.sql<T>(text, params);

describe('tokens and keys', () => {
  it('publishes the JWKS, rotates keys and keeps the old key until its tokens expire', async () => {
    const customer = await verifiedCustomer(h, 'keys@shop.test');
    const before = await login(h, customer.email, customer.password, { ip: freshIp() });
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const jwks = async () =>
      (await (await fetch(h.jwksUrl)).json()) as {
        keys: { kid: string; kty: string; crv: string; d?: string }[];
      };
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual([oldKid]);
    expect(published.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(published.keys[0]!.d).toBeUndefined();
    const stored = await sql(`SELECT private_jwk FROM identity.signing_key`);
    expect(stored[0].private_jwk).toMatch(/^gcm1:/);

    // Rotation publishes the next key first: tokens are still signed with the current one.
    const newKid = await h.identity.services.keys.rotate();
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const during = await login(h, customer.email, customer.password, { ip: freshIp() });
    expect(decodeProtectedHeader(during.accessToken).kid).toBe(oldKid);

    // Once it activates, it signs; the old key stays published for the tokens it signed.
    await sql(`UPDATE identity.signing_key SET activates_at = now() WHERE kid = $1`, [newKid]);
    h.identity.services.keys.reload();
    const after = await login(h, customer.email, customer.password, { ip: freshIp() });
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    // A verifier that fetched the JWKS after publication (the publish-ahead period is longer
    // than its cache) verifies both old and new tokens.
    const fresh = createTokenVerifier({
      jwksUrl: h.jwksUrl,
      issuer: 'urn:commerce:identity',
      audience: 'urn:commerce:api',
    });
    await expect(fresh.verify(`Bearer ${before.accessToken}`)).resolves.toEqual({
      kind: 'customer',
      customerId: customer.id,
    });
    await expect(fresh.verify(`Bearer ${after.accessToken}`)).resolves.toEqual({
      kind: 'customer',
      customerId: customer.id,
    });

    // Once the old key has been retired for longer than a token lives, it is no longer published.
    await sql(
      `UPDATE identity.signing_key SET activates_at = now() - interval '2 hours' WHERE kid = $1`,
      [newKid],
    );
    await sql(
      `UPDATE identity.signing_key SET activates_at = now() - interval '3 hours' WHERE kid = $1`,
      [oldKid],
    );
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('guards Customer entities: self, services and customer readers only', async () => {
    const owner = await verifiedCustomer(h, 'entity@shop.test');
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id email } } }`;
    const reps = [{ __typename: 'Customer', id: owner.id }];
    const as = async (viewer: Viewer) => dataOf(await h.gql(query, { reps }, { viewer }))._entities;
    expect(await as({ kind: 'customer', customerId: owner.id })).toEqual([
      { id: owner.id, email: owner.email },
    ]);
    expect(await as({ kind: 'service', service: 'orders' })).toEqual([
      { id: owner.id, email: owner.email },
    ]);
    expect(
      await as({ kind: 'customer', customerId: '00000000-0000-4000-8000-000000000000' }),
    ).toEqual([null]);
    expect(await as({ kind: 'staff', staffId: 'x', permissions: ['catalog:write'] })).toEqual([
      null,
    ]);
    expect(await as({ kind: 'anonymous' })).toEqual([null]);
  });

  it('refuses requests that do not come through the router', async () => {
    const response = await fetch(h.identity.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: LOGIN, variables: { email: 'a@b.co', password: 'x' } }),
    });
    expect(response.status).toBe(401);
  });
});
