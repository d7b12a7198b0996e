import { startRouter, type RunningRouter } from '../router/server';
import { subscriptionLimitsFromEnv } from '../router/subscriptions/limits';
import { createPubSub, type PubSubHandle } from '../platform/pubsub';
import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { seedPricing } from '../subgraphs/pricing/seed';
import { seedShipping } from '../subgraphs/shipping/seed';
import { subgraphs } from '../subgraphs/registry';
import { createTestDatabase, type TestDatabase } from '../platform/testing/database';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { redisAvailable, startTestRedis, type TestRedis } from '../platform/testing/redis';
import { ADDRESS } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/**
 * Two routers, each with its own orders instance, against one Redis: a change made
 * through router B reaches a subscriber on router A. Every instance has its own Redis
 * connections, exactly as separate processes would; nothing is shared in memory.
 */
const describeWithRedis = redisAvailable() ? describe : describe.skip;

describeWithRedis('fan-out across routers and subgraph instances through Redis', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  const handles: PubSubHandle[] = [];
  const running: RunningSubgraph<unknown>[] = [];
  const routers: RunningRouter[] = [];
  let routerA: RunningRouter;
  let routerB: RunningRouter;

  const namespace = `fanout-${process.pid}-${Date.now()}`;
  const module = (name: string) => subgraphs.find((s) => s.name === name)!;

  async function start(
    name: string,
    urls: Record<string, string>,
    outboxRelay = true,
  ): Promise<RunningSubgraph<unknown>> {
    const pubsub = createPubSub(redis.url, namespace);
    handles.push(pubsub);
    const subgraph = await startSubgraph(module(name), {
      databaseUrl: db.url,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: urls,
      pubsub,
      background: false,
      outboxRelay,
    });
    running.push(subgraph);
    return subgraph;
  }

  beforeAll(async () => {
    process.env.AUTHORIZATION_MODE = 'open';
    db = await createTestDatabase('fanout');
    redis = await startTestRedis();
    const shared: Record<string, string> = {};
    for (const name of subgraphs.map((s) => s.name).filter((n) => n !== 'orders'))
      shared[name] = (await start(name, shared)).url;
    // Orders A relays nothing: whatever its subscribers hear was published by orders B's
    // relay into Redis, which is the path between processes this test is about.
    const ordersA = await start('orders', shared, false);
    await seedPricing(running.find((r) => r.name === 'pricing')!.dataSource, []);
    await seedShipping(running.find((r) => r.name === 'shipping')!.dataSource);
    const ordersB = await start('orders', shared);
    const config = (orders: string) => ({
      port: 0,
      host: '127.0.0.1',
      supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
      subgraphUrls: { ...shared, orders },
      subgraphTimeoutMs: 10_000,
    });
    routerA = await startRouter(config(ordersA.url), subscriptionLimitsFromEnv());
    routerB = await startRouter(config(ordersB.url), subscriptionLimitsFromEnv());
    routers.push(routerA, routerB);
  });

  afterAll(async () => {
    for (const router of routers) await router.stop();
    for (const subgraph of running.reverse()) await subgraph.stop();
    for (const handle of handles) await handle.close();
    await redis?.stop();
    await db?.drop();
  });

  it('a capture through router B reaches the subscriber on router A', async () => {
    const viaB = (query: string, variables: Record<string, unknown>) =>
      postGraphQL(routerB.url, query, variables).then(dataOf);
    const product = (
      await viaB(
        `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { variants { id } } } }`,
        {
          input: { name: 'Fan-out Scarf', variants: [{ sku: 'FAN-1', title: 'One size' }] },
        },
      )
    ).productCreate.product;
    await viaB(
      `mutation ($input: PriceSetInput!) { priceSet(input: $input) { userErrors { code } } }`,
      {
        input: { variantId: product.variants[0].id, sku: 'FAN-1', currency: 'EUR', amount: 3900 },
      },
    );
    const warehouse = (
      await viaB(
        `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { warehouse { id } } }`,
        {
          input: { code: 'FAN-1', name: 'Fan-out', countryCode: 'DE' },
        },
      )
    ).warehouseCreate.warehouse;
    await viaB(
      `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { userErrors { code } } }`,
      {
        input: { sku: 'FAN-1', warehouseId: warehouse.id, quantity: 5 },
      },
    );
    const cart = (
      await viaB(
        `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } } }`,
        {
          input: { lines: [{ variantId: product.variants[0].id, quantity: 1 }] },
        },
      )
    ).cartCreate.cart;
    const order = (
      await viaB(
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }`,
        {
          input: {
            cartId: cart.id,
            idempotencyKey: 'fan-out-0001',
            email: 'fan@example.com',
            shippingAddress: ADDRESS,
            payment: { token: 'tok_visa' },
          },
        },
      )
    ).checkout.order;

    const client = wsClient(routerA.url);
    const subscription = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) { status payments { status } } }`,
      { id: order.id },
    );
    try {
      expect((await subscription.next()).data.orderUpdated.status).toBe('PENDING');
      await viaB(`mutation ($id: ID!) { orderCapture(id: $id) { userErrors { code } } }`, {
        id: order.id,
      });
      let event = (await subscription.next()).data.orderUpdated;
      while (event.status !== 'CONFIRMED') event = (await subscription.next()).data.orderUpdated;
      expect(event).toEqual({ status: 'CONFIRMED', payments: [{ status: 'CAPTURED' }] });
    } finally {
      await subscription.close();
      await client.dispose();
    }
  });
});
