import {
  AppCreateDocument,
  AppRevokeDocument,
  AppTokenDocument,
  WebhookCreateDocument,
  WebhookEndpointsDocument,
  WebhookDeliveriesDocument,
  WebhookDeliveryRetryDocument,
} from '../sdk';
import { dataOf } from '../platform/testing/graphql-client';
import { verifyWebhook } from '../platform/webhook-signature';
import { bootstrapAdmin, callerOf, codeOf, staffToken, type Caller } from './support/accounts';
import { confirmedOrder } from './support/fulfillment';
import { eventually, MerchantEndpoint } from './support/merchant-endpoint';
import type { WebhooksServices } from '../subgraphs/webhooks';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, createWarehouse, receiveStock } from './support/shop';

/**
 * Merchant webhooks through the router, with authorization enforced: an app's endpoint
 * gets each order confirmation as the result of its own document, resolved as the app,
 * signed (Standard Webhooks), retried with backoff, dead-lettered, and retried by staff.
 */
const ADMIN = { email: 'hooks-root@shop.test', password: 'correct horse battery staple' };
const ORDER_DOCUMENT = `query ($orderId: ID!) { order(id: $orderId) { number total { amount currency } } }`;
let platform: TestPlatform;
let admin: Caller;
let shop: TestPlatform;
let appId: string;
let variantId: string;
const merchant = new MerchantEndpoint();
const as = (token: string | null) => callerOf(() => platform.router.url, token);

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  // Quick retries, five attempts: the whole backoff fits in a test.
  process.env.WEBHOOKS_RETRY_BASE_MS = '50';
  process.env.WEBHOOKS_RETRY_MAX_MS = '200';
  process.env.WEBHOOKS_SEND_INTERVAL_MS = '50';
  process.env.WEBHOOKS_MAX_ATTEMPTS = '5';
  // The merchant's endpoint runs on this machine, over plain http.
  process.env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = 'true';
  process.env.WEBHOOKS_ALLOW_HTTP = 'true';
  await merchant.start();
  platform = await startTestPlatform('webhook-deliveries', {
    authorization: 'enforced',
    background: true,
  });
  admin = as(await staffToken(as(null), ADMIN.email, ADMIN.password));
  shop = { ...platform, query: admin } as TestPlatform;
  variantId = (await createProduct(shop, 'Hook Mug', [{ sku: 'HOOK-1', price: 1250 }])).variants[0]!
    .id;
  await receiveStock(shop, 'HOOK-1', await createWarehouse(shop, 'HOOK-W'), 100);
  const app = dataOf(
    await admin(AppCreateDocument, {
      input: { name: 'Order feed', permissions: ['orders:manage'] },
    }),
  ).appCreate;
  expect(app.userErrors).toEqual([]);
  appId = app.app!.id;
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
  await merchant.stop();
});

async function register(path: string, query = ORDER_DOCUMENT) {
  return dataOf(
    await admin(WebhookCreateDocument, {
      input: { appId, url: merchant.url(path), topics: ['ORDER_CONFIRMED'], query },
    }),
  ).webhookCreate;
}

async function deliveriesOf(endpointId: string, status?: string) {
  return dataOf(
    await admin(WebhookDeliveriesDocument, { endpointId, status }),
  ).webhookDeliveries.edges.map((e: { node: Record<string, any> }) => e.node);
}

const placeOrder = () => confirmedOrder(shop, [{ variantId, quantity: 1 }]);

describe('merchant webhooks', () => {
  it('a checkout and capture deliver exactly one signed POST whose body is the document’s result', async () => {
    merchant.answer('/ok', 200);
    const hook = await register('/ok');
    expect(hook.userErrors).toEqual([]);
    expect(hook.secret).toMatch(/^whsec_/);
    const orderId = await placeOrder();
    const [post] = await eventually(() =>
      merchant.to('/ok').length ? merchant.to('/ok') : undefined,
    );
    const expected = dataOf(await admin(ORDER_DOCUMENT, { orderId }));
    expect(JSON.parse(post!.body)).toEqual({ data: expected });
    expect(expected.order.total.amount).toBeGreaterThan(0);
    expect(verifyWebhook(hook.secret!, post!.headers, post!.body)).toBe(true);
    expect(verifyWebhook(hook.secret!, post!.headers, post!.body.replace('1', '2'))).toBe(false);
    const [delivery] = await eventually(async () => {
      const found = await deliveriesOf(hook.endpoint!.id, 'DELIVERED');
      return found.length ? found : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 1, responseStatus: 200, payload: post!.body });
    expect(post!.headers['webhook-id']).toBe(delivery!.id);
    // The ledger said delivered after the POST; no second one follows for this event.
    expect(merchant.to('/ok')).toHaveLength(1);

    // The same event again (a redelivery past the inbox): the (event, endpoint) key holds.
    const webhooks = platform.subgraphs.webhooks!.services as WebhooksServices;
    const queued = await platform.subgraphs.webhooks!.dataSource.transaction((tx) =>
      webhooks.webhooks.queue.enqueue(tx, delivery!.eventId, delivery!.topic, { orderId }),
    );
    expect(queued).toBe(0);
    await webhooks.webhooks.sender.sendDue();
    expect(merchant.to('/ok')).toHaveLength(1);
  });

  it('resolves the document with the app’s permissions, not more', async () => {
    const catalogApp = dataOf(
      await admin(AppCreateDocument, {
        input: { name: 'Catalog only', permissions: ['catalog:write'] },
      }),
    ).appCreate.app!;
    merchant.answer('/catalog-app', 200);
    const hook = dataOf(
      await admin(WebhookCreateDocument, {
        input: {
          appId: catalogApp.id,
          url: merchant.url('/catalog-app'),
          topics: ['ORDER_CONFIRMED'],
          query: ORDER_DOCUMENT,
        },
      }),
    ).webhookCreate;
    expect(hook.userErrors).toEqual([]);
    await placeOrder();
    const [post] = await eventually(() =>
      merchant.to('/catalog-app').length ? merchant.to('/catalog-app') : undefined,
    );
    // orders shows an order to its customer and to orders:manage only: this app gets null.
    expect(JSON.parse(post!.body)).toEqual({ data: { order: null } });
  });

  it('an endpoint failing 3 times is retried with the same id and delivered on the 4th try', async () => {
    merchant.answer('/flaky', 500, 500, 500, 200);
    const hook = await register('/flaky');
    await placeOrder();
    const [delivery] = await eventually(async () => {
      const found = await deliveriesOf(hook.endpoint!.id, 'DELIVERED');
      return found.length ? found : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 4, responseStatus: 200, lastError: null });
    const posts = merchant.to('/flaky');
    expect(posts.map((p) => p.answered)).toEqual([500, 500, 500, 200]);
    // The ledger shows each try, oldest first.
    expect(delivery!.attemptHistory).toEqual([
      ...[1, 2, 3].map(() => ({
        at: expect.any(String),
        durationMs: expect.any(Number),
        responseStatus: 500,
        error: 'The endpoint answered HTTP 500',
      })),
      { at: expect.any(String), durationMs: expect.any(Number), responseStatus: 200, error: null },
    ]);
    const times = delivery!.attemptHistory.map((a: { at: string }) => Date.parse(a.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(posts.map((p) => p.headers['webhook-id']))).toEqual(new Set([delivery!.id]));
    expect(posts[1]!.body).toBe(posts[0]!.body);
  });

  it('after N failures the delivery is DEAD, listed for staff only, and retried on demand', async () => {
    merchant.answer('/down', 500);
    const hook = await register('/down');
    await placeOrder();
    const [dead] = await eventually(async () => {
      const found = await deliveriesOf(hook.endpoint!.id, 'DEAD');
      return found.length ? found : undefined;
    });
    expect(dead).toMatchObject({ attempts: 5, responseStatus: 500 });
    expect(dead!.lastError).toContain('HTTP 500');
    expect(merchant.to('/down')).toHaveLength(5);
    expect(dead!.attemptHistory.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([
      500, 500, 500, 500, 500,
    ]);
    // The ledger is staff's: neither a shopper nor the app itself reads it.
    expect(codeOf(await as(null)(WebhookDeliveriesDocument, {}))).toBe('UNAUTHENTICATED');

    merchant.answer('/down', 200);
    const retried = dataOf(
      await admin(WebhookDeliveryRetryDocument, { id: dead!.id }),
    ).webhookDeliveryRetry;
    expect(retried.userErrors).toEqual([]);
    expect(retried.delivery).toMatchObject({ status: 'PENDING', attempts: 0 });
    const [delivered] = await eventually(async () => {
      const found = await deliveriesOf(hook.endpoint!.id, 'DELIVERED');
      return found.length ? found : undefined;
    });
    expect(delivered).toMatchObject({ id: dead!.id, attempts: 1, responseStatus: 200 });
    // The staff retry restarts the count, not the history.
    expect(
      delivered!.attemptHistory.map((a: { responseStatus: number }) => a.responseStatus),
    ).toEqual([500, 500, 500, 500, 500, 200]);
    const again = dataOf(
      await admin(WebhookDeliveryRetryDocument, { id: dead!.id }),
    ).webhookDeliveryRetry;
    expect(again.userErrors).toMatchObject([{ code: 'DELIVERY_ALREADY_DELIVERED', field: ['id'] }]);
  });

  it('refuses a document that does not validate against the API, with the validation message', async () => {
    const wrong = await register(
      '/never',
      `query ($orderId: ID!) { order(id: $orderId) { nope } }`,
    );
    expect(wrong.endpoint).toBeNull();
    expect(wrong.userErrors).toMatchObject([
      { code: 'INVALID_DOCUMENT', field: ['input', 'query'] },
    ]);
    expect(wrong.userErrors[0]!.message).toContain('Cannot query field "nope"');
    const unknownVariable = await register(
      '/never',
      `query ($productId: ID!) { product(id: $productId) { name } }`,
    );
    expect(unknownVariable.userErrors).toMatchObject([{ code: 'INVALID_DOCUMENT' }]);
    expect(unknownVariable.userErrors[0]!.message).toContain('$productId');
    const noApp = dataOf(
      await admin(WebhookCreateDocument, {
        input: {
          appId: '00000000-0000-4000-8000-000000000000',
          url: merchant.url('/never'),
          topics: ['ORDER_CONFIRMED'],
          query: ORDER_DOCUMENT,
        },
      }),
    ).webhookCreate;
    expect(noApp.userErrors).toMatchObject([{ code: 'UNKNOWN_APP' }]);
  });

  it('a revoked app’s endpoints stop: no new delivery, no POST, and its dead ones cannot be retried', async () => {
    const leaving = dataOf(
      await admin(AppCreateDocument, {
        input: { name: 'Leaving feed', permissions: ['orders:manage'] },
      }),
    ).appCreate.app!;
    merchant.answer('/leaving', 500);
    const hook = dataOf(
      await admin(WebhookCreateDocument, {
        input: {
          appId: leaving.id,
          url: merchant.url('/leaving'),
          topics: ['ORDER_CONFIRMED'],
          query: ORDER_DOCUMENT,
        },
      }),
    ).webhookCreate;
    expect(hook.userErrors).toEqual([]);
    await placeOrder();
    const [dead] = await eventually(async () => {
      const found = await deliveriesOf(hook.endpoint!.id, 'DEAD');
      return found.length ? found : undefined;
    });

    expect(dataOf(await admin(AppRevokeDocument, { id: leaving.id })).appRevoke.userErrors).toEqual(
      [],
    );
    // Webhooks hears of it from identity's outbox.
    await eventually(async () => {
      const [endpoint] = dataOf(
        await admin(WebhookEndpointsDocument, { appId: leaving.id }),
      ).webhookEndpoints;
      return endpoint?.active === false ? endpoint : undefined;
    });
    const refused = dataOf(
      await admin(WebhookDeliveryRetryDocument, { id: dead!.id }),
    ).webhookDeliveryRetry;
    expect(refused.userErrors).toMatchObject([{ code: 'ENDPOINT_INACTIVE', field: ['id'] }]);

    // The next order reaches the live app's endpoint, and not the revoked one.
    merchant.answer('/still-live', 200);
    const live = await register('/still-live');
    const posted = merchant.to('/leaving').length;
    await placeOrder();
    await eventually(() =>
      merchant.to('/still-live').length ? merchant.to('/still-live') : undefined,
    );
    expect(await deliveriesOf(hook.endpoint!.id)).toHaveLength(1);
    expect(merchant.to('/leaving')).toHaveLength(posted);
    expect(live.userErrors).toEqual([]);
  });

  it('a Saleor-style subscription document gets the event and the order it names, as the app', async () => {
    merchant.answer('/event', 200);
    const hook = await register(
      '/event',
      `subscription OrderFeed {
        webhookEvent {
          id
          topic
          ... on OrderConfirmedWebhookEvent { order { number total { amount currency } } }
        }
      }`,
    );
    expect(hook.userErrors).toEqual([]);
    const orderId = await placeOrder();
    const [post] = await eventually(() =>
      merchant.to('/event').length ? merchant.to('/event') : undefined,
    );
    const expected = dataOf(await admin(ORDER_DOCUMENT, { orderId })).order;
    expect(JSON.parse(post!.body)).toEqual({
      data: {
        webhookEvent: {
          id: post!.headers['webhook-id'],
          topic: 'ORDER_CONFIRMED',
          order: expected,
        },
      },
    });

    // The event is the app's and staff's to read, nobody else's.
    const EVENT = `query ($id: ID!) { webhookEvent(deliveryId: $id) { topic issuedAt } }`;
    const id = post!.headers['webhook-id'];
    expect(dataOf(await admin(EVENT, { id })).webhookEvent).toMatchObject({
      topic: 'ORDER_CONFIRMED',
    });
    expect(codeOf(await as(null)(EVENT, { id }))).toBe('UNAUTHENTICATED');
    const other = dataOf(
      await admin(AppCreateDocument, { input: { name: 'Other', permissions: ['orders:manage'] } }),
    ).appCreate;
    const otherToken = dataOf(await as(null)(AppTokenDocument, { apiKey: other.apiKey })).appToken
      .accessToken;
    expect(codeOf(await as(otherToken)(EVENT, { id }))).toBe('NOT_FOUND');
  });

  it('refuses subscription documents that are not one plain webhookEvent selection', async () => {
    const refusals = await Promise.all(
      [
        `subscription ($orderId: ID!) { webhookEvent { id } }`,
        `subscription { orderUpdated(orderId: "x") { id } }`,
        `subscription { event: webhookEvent { id } }`,
        `subscription { webhookEvent { id nope } }`,
      ].map((query) => register('/never', query)),
    );
    expect(refusals.map((r) => [r.endpoint, r.userErrors[0]?.code])).toEqual(
      refusals.map(() => [null, 'INVALID_DOCUMENT']),
    );
    expect(refusals[0]!.userErrors[0]!.message).toMatch(/declares no variables/);
    expect(refusals[3]!.userErrors[0]!.message).toContain('Cannot query field "nope"');
  });
});
