import { join } from 'node:path';
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
    const email = `limited-${run}@example.com`;
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
