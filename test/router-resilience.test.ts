import { createServer, type Server, type Socket } from 'node:net';
import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { pricingSubgraph } from '../subgraphs/pricing';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct } from './support/shop';

/**
 * A subgraph goes down: the router keeps answering with the other subgraphs' data and an
 * error naming the missing one; after a few failures its circuit breaker opens and the
 * router stops calling it; when it is back, the breaker closes and full answers return.
 *
 * Pricing is the subgraph stopped because the fields it adds are nullable
 * (`Product.priceRange`): they come back null. (Inventory's are non-null, so losing
 * inventory nulls the products themselves, as GraphQL's null propagation requires.)
 */
process.env.BREAKER_FAILURES = '3';
// Long enough that the fail-fast phase below never outlasts it on a busy machine.
process.env.BREAKER_COOLDOWN_MS = '4000';
process.env.RATE_LIMIT_PREFIX = `resilience-${process.pid}-${Date.now()}`;

let platform: TestPlatform;
let restarted: RunningSubgraph<unknown> | null = null;

beforeAll(async () => {
  platform = await startTestPlatform('router_resilience');
  await createProduct(platform, 'Breaker Kettle', [{ sku: 'BRK-1', price: 4900 }]);
  await createProduct(platform, 'Breaker Teapot', [{ sku: 'BRK-2', price: 2900 }]);
});

afterAll(async () => {
  await restarted?.stop();
  await platform?.stop();
});

const QUERY = `{ products(first: 2, search: "breaker") { edges { node { name priceRange { min { amount currency } } } } } }`;

/** Accepts connections on a port and counts them: proof of whether anyone called. */
async function connectionCounter(
  port: number,
): Promise<{ connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

it('answers with partial results while pricing is down, fails fast once the breaker opens, and recovers', async () => {
  const full = dataOf(await platform.query(QUERY));
  expect(full.products.edges.map((e: any) => e.node)).toEqual([
    { name: 'Breaker Kettle', priceRange: { min: { amount: 4900, currency: 'EUR' } } },
    { name: 'Breaker Teapot', priceRange: { min: { amount: 2900, currency: 'EUR' } } },
  ]);

  const pricing = platform.subgraphs.pricing!;
  await pricing.stop();

  // Down: catalog's data, pricing's fields null, one error naming pricing (never its URL).
  for (let i = 0; i < 3; i++) {
    const partial = await platform.query(QUERY);
    expect(partial.status).toBe(200);
    expect(partial.data!.products.edges.map((e: any) => e.node)).toEqual([
      { name: 'Breaker Kettle', priceRange: null },
      { name: 'Breaker Teapot', priceRange: null },
    ]);
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors![0]!.message).toMatch(/^Subgraph "pricing" is unavailable/);
    expect(partial.errors![0]!.message).not.toContain('127.0.0.1');
    expect(partial.errors![0]!.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      dependency: 'pricing',
      serviceName: 'pricing',
      reason: 'connection',
    });
  }

  // Three failures opened the breaker: pricing's port is listened on again, but nobody calls.
  const counter = await connectionCounter(pricing.port);
  try {
    for (let i = 0; i < 3; i++) {
      const fast = await platform.query(QUERY);
      expect(fast.data!.products.edges.map((e: any) => e.node.name)).toEqual([
        'Breaker Kettle',
        'Breaker Teapot',
      ]);
      expect(fast.errors!.map((e) => e.extensions)).toEqual([
        {
          code: 'UPSTREAM_UNAVAILABLE',
          dependency: 'pricing',
          serviceName: 'pricing',
          reason: 'circuit_open',
        },
      ]);
    }
    expect(counter.connections()).toBe(0);
  } finally {
    await counter.close();
  }

  // Pricing comes back on the same port; after the cool-down one probe goes through,
  // succeeds, and the breaker closes.
  restarted = await startSubgraph(pricingSubgraph, {
    databaseUrl: platform.database.url,
    port: pricing.port,
    host: '127.0.0.1',
    subgraphUrls: platform.subgraphUrls,
    pubsub: platform.pubsub,
    background: false,
  });
  const deadline = Date.now() + 30_000;
  let answer = await platform.query(QUERY);
  while (answer.errors && Date.now() < deadline) {
    expect(answer.errors.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    answer = await platform.query(QUERY);
  }
  expect(dataOf(answer)).toEqual(full);
  // And it stays closed.
  expect(dataOf(await platform.query(QUERY))).toEqual(full);
});
