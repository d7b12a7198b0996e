import { SignJWT, generateKeyPair } from 'jose';
import { createTokenVerifier } from '../router/auth';
import type { IdentityServices } from '../subgraphs/identity/service';
import { totpCode, timeStep } from '../subgraphs/identity/domain/totp';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { bootstrapAdmin, callerOf, registerVerified, codeOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, createProduct, createWarehouse, receiveStock } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/**
 * Identity and access through the router, with authorization enforced: who you are comes
 * only from a verified access token, and each subgraph decides what you may see.
 */
const ADMIN = { email: 'root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let variantId: string;

const as = (token: string | null) => callerOf(() => platform.router.url, token);

const LOGIN = `mutation ($email: String!, $password: String!, $code: String) {
  login(email: $email, password: $password, mfaCode: $code) { mfaRequired accessToken refreshToken userErrors { code } } }`;
const REFRESH = `mutation ($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken userErrors { code } } }`;

async function login(email: string, password: string, code?: string) {
  return dataOf(await as(null)(LOGIN, { email, password, code })).login;
}

async function buy(
  token: string | null,
  key: string,
): Promise<{ order: { id: string }; orderAccessToken: string }> {
  const query = as(token);
  const cart = dataOf(
    await query(
      `mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }] }) { cart { id } } }`,
      { v: variantId },
    ),
  ).cartCreate.cart;
  const result = dataOf(
    await query(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } orderAccessToken userErrors { code } } }`,
      {
        input: {
          cartId: cart.id,
          idempotencyKey: key,
          email: 'buyer@example.com',
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      },
    ),
  ).checkout;
  expect(result.userErrors).toEqual([]);
  return result;
}

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('access', { authorization: 'enforced', background: true });
  const staff = await staffToken(as(null), ADMIN.email, ADMIN.password);
  // The shop is set up by a signed-in administrator, as it would be in production.
  const admin = { ...platform, query: as(staff) } as TestPlatform;
  variantId = (await createProduct(admin, 'Private Notebook', [{ sku: 'NOTE-1', price: 1500 }]))
    .variants[0]!.id;
  await receiveStock(admin, 'NOTE-1', await createWarehouse(admin, 'PRIV-1'), 100);
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

describe('identity and access through the router', () => {
  let aliceToken: string;
  let aliceOrder: string;

  it('register → verify → log in → MFA → checkout → own order → refresh → reuse revokes the session', async () => {
    const alice = await registerVerified(
      as(null),
      'alice@example.com',
      'alice has a long passphrase',
    );
    const first = await login('alice@example.com', 'alice has a long passphrase');
    expect(first.userErrors).toEqual([]);

    const enrol = dataOf(
      await as(first.accessToken)(
        `mutation { mfaEnrollStart { secret otpauthUri userErrors { code } } }`,
      ),
    ).mfaEnrollStart;
    expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const step = timeStep();
    const confirmed = dataOf(
      await as(first.accessToken)(
        `mutation ($c: String!) { mfaEnrollConfirm(code: $c) { recoveryCodes userErrors { code } } }`,
        { c: totpCode(enrol.secret, step) },
      ),
    ).mfaEnrollConfirm;
    expect(confirmed.recoveryCodes).toHaveLength(10);

    expect(await login('alice@example.com', 'alice has a long passphrase')).toMatchObject({
      mfaRequired: true,
      accessToken: null,
    });
    // The code that confirmed the enrolment is spent; the next one opens the door.
    expect(
      (
        await login(
          'alice@example.com',
          'alice has a long passphrase',
          totpCode(enrol.secret, step),
        )
      ).accessToken,
    ).toBeNull();
    const signedIn = await login(
      'alice@example.com',
      'alice has a long passphrase',
      totpCode(enrol.secret, step + 1),
    );
    expect(signedIn.accessToken).toEqual(expect.any(String));
    aliceToken = signedIn.accessToken;

    aliceOrder = (await buy(aliceToken, 'access-alice-0001')).order.id;
    const own = dataOf(
      await as(aliceToken)(
        `query ($id: ID!) { order(id: $id) { id status payments { status } } me { id orders { totalCount edges { node { id } } } } }`,
        { id: aliceOrder },
      ),
    );
    expect(own.order).toEqual({
      id: aliceOrder,
      status: 'PENDING',
      payments: [{ status: 'AUTHORIZED' }],
    });
    expect(own.me).toEqual({
      id: alice,
      orders: { totalCount: 1, edges: [{ node: { id: aliceOrder } }] },
    });

    const rotated = dataOf(await as(null)(REFRESH, { t: signedIn.refreshToken })).refresh;
    expect(rotated.accessToken).toEqual(expect.any(String));
    const reused = dataOf(await as(null)(REFRESH, { t: signedIn.refreshToken })).refresh;
    expect(reused.accessToken).toBeNull();
    // Reuse of a spent token revokes the whole session: the newest token is dead too.
    expect(
      dataOf(await as(null)(REFRESH, { t: rotated.refreshToken })).refresh.accessToken,
    ).toBeNull();
  });

  it("gives customer B nothing of A's order: by id, by reference, or by subscription", async () => {
    await registerVerified(as(null), 'bob@example.com', 'bob has a long passphrase too');
    const bob = (await login('bob@example.com', 'bob has a long passphrase too'))
      .accessToken as string;

    const byId = await as(bob)(`query ($id: ID!) { order(id: $id) { id email } }`, {
      id: aliceOrder,
    });
    expect(byId.errors).toBeUndefined();
    expect(byId.data!.order).toBeNull();
    expect(dataOf(await as(bob)(`{ me { orders { totalCount } } }`)).me.orders.totalCount).toBe(0);

    // A nested reference reaches orders as an _entities call carrying Bob's identity.
    const viewer = await platformViewerOf(bob);
    const reference = await postGraphQL(
      platform.subgraphs.orders!.url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id email } } }`,
      { r: [{ __typename: 'Order', id: aliceOrder }] },
      { viewer },
    );
    expect(reference.data).toEqual({ _entities: [null] });

    const client = wsClient(platform.router.url, { authorization: `Bearer ${bob}` });
    const subscription = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) { id email } }`,
      { id: aliceOrder },
    );
    const event = await subscription.next();
    expect(event.data).toBeUndefined();
    expect(event.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await subscription.close();
    await client.dispose();
  });

  it('lets a guest read an order only with the access token from checkout', async () => {
    const { order, orderAccessToken } = await buy(null, 'access-guest-0001');
    expect(
      codeOf(await as(null)(`query ($id: ID!) { order(id: $id) { id } }`, { id: order.id })),
    ).toBe('UNAUTHENTICATED');
    expect(
      dataOf(
        await as(null)(`query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id } }`, {
          id: order.id,
          t: 'forged',
        }),
      ).order,
    ).toBeNull();
    expect(
      dataOf(
        await as(null)(`query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id } }`, {
          id: order.id,
          t: orderAccessToken,
        }),
      ).order,
    ).toEqual({ id: order.id });
    // The token does not open anyone else's order.
    expect(
      dataOf(
        await as(null)(`query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id } }`, {
          id: aliceOrder,
          t: orderAccessToken,
        }),
      ).order,
    ).toBeNull();
  });

  it('refuses staff mutations to customers and to anonymous callers', async () => {
    const capture = `mutation ($id: ID!) { orderCapture(id: $id) { order { status } } }`;
    // Alice's session was revoked by the refresh-token reuse: her access token is dead.
    expect(codeOf(await as(aliceToken)(capture, { id: aliceOrder }))).toBe('UNAUTHENTICATED');
    await registerVerified(as(null), 'dave@example.com', 'dave has a long passphrase');
    const dave = (await login('dave@example.com', 'dave has a long passphrase'))
      .accessToken as string;
    expect(codeOf(await as(dave)(capture, { id: aliceOrder }))).toBe('FORBIDDEN');
    expect(codeOf(await as(null)(capture, { id: aliceOrder }))).toBe('UNAUTHENTICATED');
  });

  it('answers identity staff mutations UNAUTHENTICATED without a viewer, FORBIDDEN to a customer', async () => {
    const create = `mutation { staffCreate(input: { email: "x@shop.test", name: "X", password: "a long passphrase here" }) { userErrors { code } } }`;
    const preferences = `mutation { staffUpdatePreferences(input: { language: "de" }) { userErrors { code } } }`;
    const dave = (await login('dave@example.com', 'dave has a long passphrase'))
      .accessToken as string;
    expect(codeOf(await as(null)(create))).toBe('UNAUTHENTICATED');
    expect(codeOf(await as(dave)(create))).toBe('FORBIDDEN');
    expect(codeOf(await as(null)(preferences))).toBe('UNAUTHENTICATED');
    expect(codeOf(await as(dave)(preferences))).toBe('FORBIDDEN');
  });

  it('answers register the same for a taken (upper-cased) and a free email', async () => {
    const register = `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { code } } }`;
    const input = { password: 'a long passphrase here', firstName: 'M', lastName: 'T' };
    const taken = await as(null)(register, { input: { ...input, email: 'ALICE@example.com' } });
    const free = await as(null)(register, { input: { ...input, email: 'nobody.yet@example.com' } });
    expect(taken.data).toEqual(free.data);
    expect(taken.data).toEqual({ register: { customer: null, userErrors: [] } });
  });

  it('refuses a subgraph port reached directly', async () => {
    const response = await postGraphQL(
      platform.subgraphs.orders!.url,
      `query ($id: ID!) { order(id: $id) { id } }`,
      { id: aliceOrder },
    );
    expect(response.status).toBe(401);
    expect(codeOf(response)).toBe('UNAUTHENTICATED');
  });

  it('refuses forged, expired, alg:none and wrong-audience tokens with UNAUTHENTICATED', async () => {
    const keys = (platform.subgraphs.identity!.services as IdentityServices).keys;
    const claims = {
      sub: '00000000-0000-4000-8000-000000000001',
      kind: 'customer' as const,
      sid: '00000000-0000-4000-8000-000000000002',
    };
    const signedWith = async (settings: object) =>
      (
        await Object.assign(Object.create(keys), {
          settings: { ...keys.settings, ...settings },
        }).signAccessToken(claims)
      ).token as string;
    const other = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ kind: 'customer', sid: claims.sid })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'not-ours' })
      .setSubject(claims.sub)
      .setIssuer(keys.settings.issuer)
      .setAudience(keys.settings.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(other.privateKey);
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      Buffer.from(
        JSON.stringify({
          ...claims,
          iss: keys.settings.issuer,
          aud: keys.settings.audience,
          exp: Math.floor(Date.now() / 1000) + 300,
        }),
      ).toString('base64url'),
      '',
    ].join('.');
    const tokens = {
      forged,
      expired: await signedWith({ accessTokenTtlSeconds: -300 }),
      algNone: unsigned,
      wrongAudience: await signedWith({ audience: 'urn:somebody-else' }),
    };
    expect(await signedWith({})).toEqual(expect.any(String));
    for (const [name, token] of Object.entries(tokens)) {
      const response = await as(token)(`{ me { id } }`);
      expect([name, response.status, codeOf(response)]).toEqual([name, 401, 'UNAUTHENTICATED']);
    }
  });

  it('counts 20 wrong passwords in one aliased request as 20 attempts', async () => {
    await registerVerified(as(null), 'carol@example.com', 'carol has a long passphrase');
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: login(email: "carol@example.com", password: "wrong ${i}") { accessToken userErrors { code } }`,
    );
    const response = await as(null)(`mutation { ${aliases.join('\n')} }`);
    const codes = Object.values(
      response.data as Record<string, { userErrors: { code: string }[] }>,
    ).map((r) => r.userErrors[0]?.code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(5);
    // The rest are refused without a password check: the source is slowed down (no
    // account is ever locked: ACCOUNT_LOCKED no longer exists).
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(15);
    // Every one of the 20 is an attempt on record: 5 failed checks, 15 refusals.
    const attempts = await platform.subgraphs.identity!.dataSource.query(
      `SELECT event, count(*)::int AS n FROM identity.audit_log
        WHERE event IN ('login.failed', 'login.refused') AND details->>'account' = 'customer:carol@example.com'
        GROUP BY event ORDER BY event`,
    );
    expect(attempts).toEqual([
      { event: 'login.failed', n: 5 },
      { event: 'login.refused', n: 15 },
    ]);
    // This source is refused now, even with the right password.
    expect(
      (await login('carol@example.com', 'carol has a long passphrase')).userErrors[0].code,
    ).toBe('TOO_MANY_ATTEMPTS');
  });
});

/** The viewer the router would sign for a token, for calling a subgraph the way the router does. */
async function platformViewerOf(token: string) {
  const keys = (platform.subgraphs.identity!.services as IdentityServices).keys;
  const verifier = createTokenVerifier({
    jwksUrl: new URL('/.well-known/jwks.json', platform.subgraphs.identity!.url).toString(),
    issuer: keys.settings.issuer,
    audience: keys.settings.audience,
    algorithms: [keys.settings.alg],
  });
  return verifier.verify(`Bearer ${token}`);
}
