import { dataOf } from '../platform/testing/graphql-client';
import { startRouter, type RunningRouter } from '../router/server';
import { callerOf, customerToken, registerVerified } from './support/accounts';
import { startGateProxy, type GateProxy } from './support/gate-proxy';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * Request deduplication (router/dedup): identical concurrent queries of one viewer run
 * once (inbound), identical concurrent subgraph fetches for one viewer are one call
 * (outbound); never across viewers, never for mutations. Identity, catalog and orders
 * are reached through gate proxies that count the router's calls and hold them until
 * the others arrive, so "concurrent" is certain.
 */
let platform: TestPlatform;
let proxies: Record<'identity' | 'catalog' | 'orders', GateProxy>;
let both: RunningRouter;
let outboundOnly: RunningRouter;

const LISTING = `{ products(first: 3) { edges { node { id name } } } }`;

beforeAll(async () => {
  platform = await startTestPlatform('router-dedup', {
    authorization: 'enforced',
    background: true,
  });
  proxies = {
    identity: await startGateProxy(platform.subgraphUrls.identity!),
    catalog: await startGateProxy(platform.subgraphUrls.catalog!),
    orders: await startGateProxy(platform.subgraphUrls.orders!),
  };
  const start = () =>
    startRouter({
      port: 0,
      host: '127.0.0.1',
      supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
      subgraphUrls: {
        ...platform.subgraphUrls,
        identity: proxies.identity.url,
        catalog: proxies.catalog.url,
        orders: proxies.orders.url,
      },
      subgraphTimeoutMs: 60_000,
    });
  both = await start();
  process.env.ROUTER_DEDUP_INBOUND = 'off';
  try {
    outboundOnly = await start();
  } finally {
    delete process.env.ROUTER_DEDUP_INBOUND;
  }
});

afterEach(() => Object.values(proxies).forEach((proxy) => proxy.reset()));

afterAll(async () => {
  await both?.stop();
  await outboundOnly?.stop();
  await Promise.all(Object.values(proxies ?? {}).map((proxy) => proxy.close()));
  await platform?.stop();
});

it('gives two customers asking the same personalised query at once their own answers', async () => {
  const anonymous = callerOf(() => platform.router.url, null);
  const people = ['dedup-ann@example.com', 'dedup-ben@example.com'];
  const tokens: string[] = [];
  for (const email of people) {
    await registerVerified(anonymous, email, `${email} has a long passphrase`);
    tokens.push(await customerToken(anonymous, email, `${email} has a long passphrase`));
  }
  for (const router of [both, outboundOnly]) {
    proxies.identity.hold(2);
    const answers = await Promise.all(
      tokens.map((token) => callerOf(() => router.url, token)('{ me { id email } }')),
    );
    expect(answers.map((a) => dataOf(a).me.email)).toEqual(people);
    expect(proxies.identity.bodies).toHaveLength(2);
    proxies.identity.reset();
  }
});

it('runs identical concurrent anonymous queries once, with the same answer for each', async () => {
  const expected = dataOf(await platform.query(LISTING));
  for (const router of [both, outboundOnly]) {
    proxies.catalog.hold(5, 1500);
    const anonymous = callerOf(() => router.url, null);
    const answers = await Promise.all(Array.from({ length: 5 }, () => anonymous(LISTING)));
    for (const answer of answers) expect(dataOf(answer)).toEqual(expected);
    expect(proxies.catalog.bodies).toHaveLength(1);
    proxies.catalog.reset();
  }
});

it('never deduplicates a mutation', async () => {
  proxies.orders.hold(3);
  const anonymous = callerOf(() => both.url, null);
  const mutation = `mutation { cartCreate(input: { lines: [] }) { cart { id } userErrors { code } } }`;
  const answers = await Promise.all(Array.from({ length: 3 }, () => anonymous(mutation)));
  const ids = answers.map((a) => dataOf(a).cartCreate.cart.id as string);
  expect(new Set(ids).size).toBe(3);
  expect(proxies.orders.bodies.filter((b) => b.includes('cartCreate'))).toHaveLength(3);
});

it('fails each waiter of a failed shared fetch with an error of its own', async () => {
  proxies.catalog.hold(3, 1500);
  proxies.catalog.failWith(503);
  const anonymous = callerOf(() => outboundOnly.url, null);
  const answers = await Promise.all(Array.from({ length: 3 }, () => anonymous(LISTING)));
  expect(proxies.catalog.bodies).toHaveLength(1);
  for (const answer of answers) {
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      dependency: 'catalog',
      reason: 'http_status',
    });
  }
});
