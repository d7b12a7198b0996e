import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { ordersSubgraph } from '../subgraphs/orders';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
} from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/**
 * When the subgraph behind a subscription goes away, the router retries with backoff and
 * re-opens the subscription (which starts again from the current state); when the
 * subgraph does not come back, the client is told, with the subgraph's name.
 */
let platform: TestPlatform;
let restarted: RunningSubgraph<unknown> | null = null;

beforeAll(async () => {
  platform = await startTestPlatform('resilience', {
    subscriptionLimits: {
      maxPerProcess: 100,
      maxPerConnection: 10,
      maxQueuedEvents: 100,
      subgraphRetryAttempts: 4,
      shareStreams: true,
    },
  });
});

afterAll(async () => {
  await restarted?.stop();
  await platform?.stop();
});

it('survives an orders restart, then reports the loss when orders stays down', async () => {
  const variantId = (await createProduct(platform, 'Resilient Mug', [{ sku: 'RES-1', price: 900 }]))
    .variants[0]!.id;
  await receiveStock(platform, 'RES-1', await createWarehouse(platform, 'RES-1'), 10);
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  const orderId = dataOf(
    await platform.query(CHECKOUT, { input: checkoutInput(cartId, 'resilience-0001') }),
  ).checkout.order.id;

  const client = wsClient(platform.router.url);
  const subscription = subscribeWs(
    client,
    `subscription ($id: ID!) { orderUpdated(id: $id) { status payments { status } } }`,
    { id: orderId },
  );
  try {
    expect((await subscription.next()).data.orderUpdated).toEqual({
      status: 'PENDING',
      payments: [{ status: 'AUTHORIZED' }],
    });

    // Orders goes down and comes back on the same port; meanwhile staff capture the payment.
    const paymentId = dataOf(
      await platform.query(`query ($id: ID!) { order(id: $id) { payments { id } } }`, {
        id: orderId,
      }),
    ).order.payments[0].id;
    const orders = platform.subgraphs.orders!;
    await orders.stop();
    const captured = dataOf(
      await platform.query(
        `mutation ($id: ID!) { paymentCapture(id: $id) { payment { status } userErrors { code } } }`,
        { id: paymentId },
      ),
    ).paymentCapture;
    expect(captured).toEqual({ payment: { status: 'CAPTURED' }, userErrors: [] });
    restarted = await startSubgraph(ordersSubgraph, {
      databaseUrl: platform.database.url,
      port: orders.port,
      host: '127.0.0.1',
      subgraphUrls: platform.subgraphUrls,
      pubsub: platform.pubsub,
      background: false,
    });
    // The re-opened subscription starts from the truth, which now includes the capture;
    // and orders, back, applies the capture it missed while down (its consumer group kept
    // payments' event), which the subscriber hears as the order CONFIRMED.
    let event = (await subscription.next(15_000)).data.orderUpdated;
    expect(event.payments).toEqual([{ status: 'CAPTURED' }]);
    while (event.status !== 'CONFIRMED')
      event = (await subscription.next(15_000)).data.orderUpdated;
    expect(event).toEqual({ status: 'CONFIRMED', payments: [{ status: 'CAPTURED' }] });

    // Down for good: after the retries the client hears why, and the stream ends.
    await restarted.stop();
    const last = await subscription.next(20_000);
    expect(last.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBSCRIPTION_SOURCE_LOST',
      serviceName: 'orders',
    });
    await expect(subscription.next()).rejects.toThrow('subscription completed');
    expect(platform.router.activeSubscriptions()).toBe(0);
  } finally {
    await subscription.close();
    await client.dispose();
  }
});
