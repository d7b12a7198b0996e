import { openLiveStreams } from '../platform/live';
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
import {
  eventually,
  subscribeMultipart,
  subscribeSse,
  subscribeWs,
  wsClient,
  type Subscription,
} from './support/subscriptions';

let platform: TestPlatform;
let variantId: string;

/** Fields from orders (status, lines), catalog (product name) and payments (status). */
const ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!) {
    orderUpdated(id: $id) {
      id
      status
      lines {
        quantity
        sku
        variant {
          product {
            name
          }
        }
      }
      payments {
        status
        capturedAmount {
          amount
        }
      }
    }
  }
`;

beforeAll(async () => {
  platform = await startTestPlatform('subscriptions', {
    subscriptionLimits: {
      maxPerProcess: 1000,
      maxPerConnection: 3,
      maxQueuedEvents: 100,
      subgraphRetryAttempts: 1,
      shareStreams: true,
    },
  });
  variantId = (await createProduct(platform, 'Wool Beanie', [{ sku: 'BEANIE-1', price: 1500 }]))
    .variants[0]!.id;
  const warehouse = await createWarehouse(platform, 'SUB-1');
  await receiveStock(platform, 'BEANIE-1', warehouse, 100);
});

afterAll(async () => {
  await platform?.stop();
});

async function placeOrder(key: string, quantity = 1): Promise<string> {
  const cartId = await cartWith(platform, [{ variantId, quantity }]);
  const result = dataOf(
    await platform.query(CHECKOUT, { input: checkoutInput(cartId, key) }),
  ).checkout;
  expect(result.userErrors).toEqual([]);
  return result.order.id;
}

async function step(mutation: string, id: string): Promise<void> {
  const result = dataOf(
    await platform.query(`mutation ($id: ID!) { ${mutation}(id: $id) { userErrors { code } } }`, {
      id,
    }),
  )[mutation];
  expect(result.userErrors).toEqual([]);
}

/** Reads events until the order reaches `status`; returns the distinct (status, payment) states seen. */
async function statesUntil(subscription: Subscription, status: string): Promise<string[]> {
  const states: string[] = [];
  for (;;) {
    const event = await subscription.next();
    expect(event.errors).toBeUndefined();
    const order = event.data.orderUpdated;
    // Every event is complete: fields of all three subgraphs are filled.
    expect(order.lines).toEqual([
      { quantity: 1, sku: 'BEANIE-1', variant: { product: { name: 'Wool Beanie' } } },
    ]);
    expect(order.payments).toHaveLength(1);
    const state = `${order.status}/${order.payments[0].status}`;
    if (states.at(-1) !== state) states.push(state);
    if (order.status === status) return states;
  }
}

const LIFECYCLE = [
  'PENDING/AUTHORIZED',
  'PENDING/CAPTURED',
  'CONFIRMED/CAPTURED',
  'FULFILLED/CAPTURED',
  'DELIVERED/CAPTURED',
];

/** What a client sees: the current state first, then each change in order. */
async function followLifecycle(subscription: Subscription, orderId: string): Promise<void> {
  expect(await statesUntil(subscription, 'PENDING')).toEqual(['PENDING/AUTHORIZED']);
  await step('orderCapture', orderId);
  const confirmed = await statesUntil(subscription, 'CONFIRMED');
  await step('orderFulfill', orderId);
  const fulfilled = await statesUntil(subscription, 'FULFILLED');
  await step('orderMarkDelivered', orderId);
  const delivered = await statesUntil(subscription, 'DELIVERED');
  // The payment's own event may arrive before or after the order's move; either way the
  // client never sees a state go backwards, and ends with every status in order.
  const seen = ['PENDING/AUTHORIZED', ...confirmed, ...fulfilled, ...delivered].filter(
    (s, i, all) => all[i - 1] !== s,
  );
  expect(seen.filter((s) => s !== 'PENDING/CAPTURED')).toEqual(
    LIFECYCLE.filter((s) => s !== 'PENDING/CAPTURED'),
  );
  for (const state of seen) expect(LIFECYCLE).toContain(state);
}

describe('orderUpdated through the router', () => {
  it('over graphql-ws: every state, in order, with fields from orders, catalog and payments', async () => {
    const orderId = await placeOrder('sub-ws-0001');
    const client = wsClient(platform.router.url);
    const subscription = subscribeWs(client, ORDER_UPDATED, { id: orderId });
    try {
      await followLifecycle(subscription, orderId);
    } finally {
      await subscription.close();
      await client.dispose();
    }
  });

  it('over Server-Sent Events', async () => {
    const orderId = await placeOrder('sub-sse-0001');
    const subscription = subscribeSse(platform.router.url, ORDER_UPDATED, { id: orderId });
    try {
      await followLifecycle(subscription, orderId);
    } finally {
      await subscription.close();
    }
  });

  it('over multipart HTTP, as Apollo Client subscribes', async () => {
    const orderId = await placeOrder('sub-multipart-0001');
    const subscription = subscribeMultipart(platform.router.url, ORDER_UPDATED, { id: orderId });
    try {
      await followLifecycle(subscription, orderId);
    } finally {
      await subscription.close();
    }
  });

  it('answers an unknown order with NOT_FOUND', async () => {
    const client = wsClient(platform.router.url);
    const subscription = subscribeWs(client, ORDER_UPDATED, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    const event = await subscription.next();
    expect(event.data).toBeUndefined();
    expect(event.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      serviceName: 'orders',
    });
    await subscription.close();
    await client.dispose();
  });

  it('refuses a subscription in a plain JSON request with a clear code', async () => {
    const response = await platform.query(ORDER_UPDATED, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_TRANSPORT_REQUIRED');
  });
});

describe('inventoryChanged', () => {
  it('shows a reservation and its release', async () => {
    const client = wsClient(platform.router.url);
    const subscription = subscribeWs(
      client,
      `subscription ($sku: String!) { inventoryChanged(sku: $sku) { sku onHand reserved available warehouse { code } } }`,
      {
        sku: 'BEANIE-1',
      },
    );
    try {
      const current = (await subscription.next()).data.inventoryChanged;
      expect(current).toMatchObject({ sku: 'BEANIE-1', warehouse: { code: 'SUB-1' } });
      const orderId = await placeOrder('sub-inventory-0001', 1);
      const reserved = (await subscription.next()).data.inventoryChanged;
      expect(reserved.reserved).toBe(current.reserved + 1);
      expect(reserved.available).toBe(current.available - 1);
      await step('orderCancel', orderId);
      const released = (await subscription.next()).data.inventoryChanged;
      expect(released.reserved).toBe(current.reserved);
      expect(released.available).toBe(current.available);
    } finally {
      await subscription.close();
      await client.dispose();
    }
  });
});

describe('limits and hygiene', () => {
  it('bounds subscriptions per connection', async () => {
    const orderId = await placeOrder('sub-limit-0001');
    const client = wsClient(platform.router.url);
    const open = [0, 1, 2].map(() => subscribeWs(client, ORDER_UPDATED, { id: orderId }));
    for (const subscription of open) await subscription.next();
    const fourth = subscribeWs(client, ORDER_UPDATED, { id: orderId });
    await expect(fourth.next()).rejects.toEqual([
      expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_LIMIT_REACHED' } }),
    ]);
    for (const subscription of open) await subscription.close();
    await client.dispose();
  });

  it('closes the subgraph subscription when the client goes away', async () => {
    // Everything the tests above opened has been closed, on the router and in the subgraphs.
    await eventually(() => openLiveStreams() === 0 && platform.router.activeSubscriptions() === 0);
    const baseline = openLiveStreams();
    const orderId = await placeOrder('sub-cleanup-0001');
    const client = wsClient(platform.router.url);
    const subscription = subscribeWs(client, ORDER_UPDATED, { id: orderId });
    await subscription.next();
    expect(openLiveStreams()).toBe(baseline + 1);
    expect(platform.router.activeSubscriptions()).toBe(1);
    await subscription.close();
    await client.dispose();
    await eventually(
      () => openLiveStreams() === baseline && platform.router.activeSubscriptions() === 0,
    );
  });
});
