import { join } from 'node:path';
import WebSocket from 'ws';
import { startRouter, type RunningRouter } from '../router/server';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { redisAvailable, startTestRedis, type TestRedis } from '../platform/testing/redis';

/**
 * Rate limits at the router: per IP (before parsing), per verified user and by cost (once
 * the operation is parsed), in memory for one instance, in Redis across instances. Each
 * router here gets its own small limits and its own key prefix, through the environment.
 */
const run = `${process.pid}-${Date.now()}`;
process.env.RATE_LIMIT_PREFIX = `rl-platform-${run}`;

let platform: TestPlatform;
let redis: TestRedis | undefined;
const routers: RunningRouter[] = [];

beforeAll(async () => {
  platform = await startTestPlatform('rate_limit');
  if (redisAvailable()) redis = await startTestRedis();
});

afterAll(async () => {
  for (const router of routers) await router.stop();
  await platform?.stop();
  await redis?.stop();
});

/** A router over the platform's subgraphs, started with these environment settings. */
async function routerWith(env: Record<string, string | undefined>): Promise<RunningRouter> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(env);
  try {
    const router = await startRouter({
      port: 0,
      host: '127.0.0.1',
      supergraphPath: join(__dirname, '..', 'schema', 'supergraph.graphql'),
      subgraphUrls: platform.subgraphUrls,
      subgraphTimeoutMs: 60_000,
    });
    routers.push(router);
    return router;
  } finally {
    apply(saved);
  }
}

async function post(router: RunningRouter, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(router.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as any,
  };
}

function expectRateLimited(response: Awaited<ReturnType<typeof post>>): void {
  expect(response.status).toBe(429);
  const error = response.body.errors[0];
  expect(error.extensions.code).toBe('RATE_LIMITED');
  expect(Number.isInteger(error.extensions.retryAfter)).toBe(true);
  expect(error.extensions.retryAfter).toBeGreaterThanOrEqual(1);
  expect(error.extensions.retryAfter).toBeLessThanOrEqual(60);
  expect(response.retryAfter).toBe(String(error.extensions.retryAfter));
}

const CHEAP = '{ __typename }';

/** A verified customer, signed in: their id and the header that carries their token. */
async function signIn(name: string) {
  const email = `${name}-${run}@example.com`;
  const password = 'a long enough passphrase for tests';
  const registered = dataOf(
    await platform.query(
      `mutation ($input: RegisterInput!) { register(input: $input) { customer { id } userErrors { code } } }`,
      {
        input: { email, password, firstName: 'Rate', lastName: 'Limited' },
      },
    ),
  ).register;
  expect(registered.userErrors).toEqual([]);
  // The emailed link, short-cut (this platform runs no email delivery).
  await platform.subgraphs.identity!.dataSource.query(
    `UPDATE identity.customer SET email_verified_at = now() WHERE email = $1`,
    [email],
  );
  const [{ id: customerId }] = await platform.subgraphs.identity!.dataSource.query(
    `SELECT id FROM identity.customer WHERE email = $1`,
    [email],
  );
  const login = dataOf(
    await platform.query(
      `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken userErrors { code } } }`,
      { e: email, p: password },
    ),
  ).login;
  expect(login.userErrors).toEqual([]);
  const asUser = { authorization: `Bearer ${login.accessToken}` };
  return { customerId: customerId as string, asUser, token: login.accessToken as string };
}

describe('in memory (REDIS_URL unset)', () => {
  it('refuses the request over the per-IP limit with 429, RATE_LIMITED and Retry-After', async () => {
    const router = await routerWith({ REDIS_URL: undefined, RATE_LIMIT_PER_IP: '5' });
    for (let i = 0; i < 5; i++) expect((await post(router, CHEAP)).status).toBe(200);
    expectRateLimited(await post(router, CHEAP));
    expectRateLimited(await post(router, CHEAP));
    // In memory means this instance only: another one counts afresh.
    const other = await routerWith({ REDIS_URL: undefined, RATE_LIMIT_PER_IP: '5' });
    expect((await post(other, CHEAP)).status).toBe(200);
  });

  it('weighs operations by cost: a costly one is refused, a cheap one still passes', async () => {
    const router = await routerWith({
      REDIS_URL: undefined,
      RATE_LIMIT_PER_IP: '1000',
      RATE_LIMIT_COST: '100',
    });
    const costly = await post(router, '{ products(first: 60) { edges { node { name } } } }');
    expectRateLimited(costly);
    expect(costly.body.data).toBeUndefined();
    expect((await post(router, CHEAP)).status).toBe(200);
  });

  it('counts a verified user on their own, apart from anonymous callers at the same IP', async () => {
    const { customerId, asUser } = await signIn('limited');

    const router = await routerWith({
      REDIS_URL: undefined,
      RATE_LIMIT_PER_IP: '1000',
      RATE_LIMIT_PER_USER: '3',
    });
    for (let i = 0; i < 3; i++) {
      const me = await post(router, '{ me { id } }', asUser);
      expect(me.status).toBe(200);
      expect(me.body.data.me.id).toBe(customerId);
    }
    expectRateLimited(await post(router, '{ me { id } }', asUser));
    expect((await post(router, CHEAP)).status).toBe(200);
    // A made-up token is refused as such, and spends nobody's budget.
    expect((await post(router, CHEAP, { authorization: 'Bearer not.a.token' })).status).toBe(401);
  });
});

(redisAvailable() ? describe : describe.skip)('in Redis, across router instances', () => {
  it('holds the limit across two routers sharing Redis', async () => {
    const env = {
      REDIS_URL: redis!.url,
      RATE_LIMIT_PER_IP: '10',
      RATE_LIMIT_PREFIX: `rl-shared-${run}`,
    };
    const a = await routerWith(env);
    const b = await routerWith(env);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await post(i % 2 ? b : a, CHEAP)).status);
    // Each router served only 5, yet the 11th request, on either, is over the shared limit.
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429, 429, 429]);
    expectRateLimited(await post(a, CHEAP));
    expectRateLimited(await post(b, CHEAP));
  });

  it('lets exactly the limit through when both routers are hit at once', async () => {
    const env = {
      REDIS_URL: redis!.url,
      RATE_LIMIT_PER_IP: '25',
      RATE_LIMIT_PREFIX: `rl-burst-${run}`,
    };
    const a = await routerWith(env);
    const b = await routerWith(env);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(i % 2 ? b : a, CHEAP)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(25);
    for (const refused of responses.filter((r) => r.status !== 200)) expectRateLimited(refused);
  });
});

/**
 * `count` operations sent at once over one graphql-ws socket: for each, "ok" or the code
 * it was refused with.
 */
async function overOneSocket(
  router: RunningRouter,
  count: number,
  query: string,
  authorization?: string,
): Promise<string[]> {
  const socket = new WebSocket(router.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const outcomes = new Map<string, string>();
  const done = new Promise<void>((resolve, reject) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'connection_ack') {
        for (let i = 0; i < count; i++)
          socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
      } else if (message.type === 'next' || message.type === 'error') {
        const errors = message.type === 'error' ? message.payload : message.payload.errors;
        if (!outcomes.has(message.id))
          outcomes.set(message.id, errors?.length ? String(errors[0].extensions?.code) : 'ok');
        if (outcomes.size === count) resolve();
      }
    });
    socket.once('close', (code) => reject(new Error(`socket closed with ${code}`)));
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  try {
    await done;
  } finally {
    socket.removeAllListeners('close');
    socket.close();
  }
  return [...Array(count).keys()].map((i) => outcomes.get(String(i))!);
}

/**
 * Opens `count` subscriptions on one socket and returns the codes of those refused: waits
 * for `expected` refusals (at most 10 s), then half a second more for any beyond them.
 * Subscriptions that are let through stay open and silent.
 */
async function refusedSubscriptions(
  router: RunningRouter,
  count: number,
  query: string,
  authorization: string,
  expected: number,
): Promise<string[]> {
  const socket = new WebSocket(router.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const refused: string[] = [];
  let enough: () => void = () => {};
  const reached = new Promise<void>((resolve) => (enough = resolve));
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type === 'connection_ack') {
      for (let i = 0; i < count; i++)
        socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query } }));
    } else if (message.type === 'error') {
      refused.push(String(message.payload[0]?.extensions?.code));
      if (refused.length === expected) enough();
    }
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  await Promise.race([reached, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  socket.close();
  return refused;
}

const tally = (outcomes: string[]) =>
  outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});

describe('over graphql-ws, the same limits as HTTP', () => {
  it('counts every operation on one socket against the client IP', async () => {
    const router = await routerWith({ REDIS_URL: undefined, RATE_LIMIT_PER_IP: '20' });
    expect(tally(await overOneSocket(router, 60, CHEAP))).toEqual({ ok: 20, RATE_LIMITED: 40 });
    // The socket's operations used up the IP's budget for HTTP as well.
    expectRateLimited(await post(router, CHEAP));
  });

  it("counts a signed-in user's operations on a socket against the user", async () => {
    const { asUser, token } = await signIn('ws-limited');
    const router = await routerWith({
      REDIS_URL: undefined,
      RATE_LIMIT_PER_IP: '1000',
      RATE_LIMIT_PER_USER: '5',
    });
    const outcomes = await overOneSocket(router, 12, '{ me { id } }', `Bearer ${token}`);
    expect(tally(outcomes)).toEqual({ ok: 5, RATE_LIMITED: 7 });
    // The same budget as over HTTP: spent.
    expectRateLimited(await post(router, '{ me { id } }', asUser));
    // Anonymous operations from the same IP are not this user's.
    expect(tally(await overOneSocket(router, 3, CHEAP))).toEqual({ ok: 3 });
  });

  it("counts a signed-in user's subscriptions on a socket against the user", async () => {
    const { token } = await signIn('ws-subscriber');
    const router = await routerWith({
      REDIS_URL: undefined,
      RATE_LIMIT_PER_IP: '1000',
      RATE_LIMIT_PER_USER: '3',
    });
    const stock = 'subscription { inventoryChanged(sku: "NOTHING-RATE-LIMITED") { onHand } }';
    const refused = await refusedSubscriptions(router, 8, stock, `Bearer ${token}`, 5);
    expect(refused).toEqual(Array(5).fill('RATE_LIMITED'));
  });
});
