import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { StockAvailabilityChangedDocument } from '../sdk';
import { openLiveStreams } from '../platform/live';
import { bootstrapAdmin, callerOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import {
  eventually,
  subscribeSse,
  subscribeWs,
  wsClient,
  type Result,
  type Subscription,
} from './support/subscriptions';

/**
 * Clients that send the same subscription as the same viewer share one subgraph
 * subscription and one completion per event (router/subscriptions/shared-stream.ts):
 * each still gets every change once, a late joiner starts from the last state, and two
 * viewers never share.
 */
const ADMIN = { email: 'sharing-root@shop.test', password: 'correct horse battery staple' };
const LIVE = print(StockAvailabilityChangedDocument);
const ITEMS = `subscription ($sku: String!) { inventoryChanged(sku: $sku) { onHand warehouse { code } } }`;
let platform: TestPlatform;
let shop: TestPlatform;
let token: string;
let warehouse: string;
const clients: Client[] = [];
let clearAdmin = (): void => {};

beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('sharing', { authorization: 'enforced' });
  const as = (bearer: string | null) => callerOf(() => platform.router.url, bearer);
  token = await staffToken(as(null), ADMIN.email, ADMIN.password);
  shop = { ...platform, query: as(token) } as TestPlatform;
  await createProduct(shop, 'Shared Lamp', [
    { sku: 'SHARE-1', price: 4900 },
    { sku: 'SHARE-2', price: 5900 },
  ]);
  warehouse = await createWarehouse(shop, 'SHARE-W');
  await receiveStock(shop, 'SHARE-1', warehouse, 3);
  await receiveStock(shop, 'SHARE-2', warehouse, 5);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  clearAdmin();
  await platform?.stop();
});

function client(bearer: string | null = null): Client {
  const c = wsClient(platform.router.url, bearer ? { authorization: `Bearer ${bearer}` } : {});
  clients.push(c);
  return c;
}

const upstreams = () => platform.router.subscriptionUpstreams();

async function availableOf(subscription: Subscription): Promise<number> {
  const event = await subscription.next(15_000);
  expect(event.errors).toBeUndefined();
  expect(event.extensions?.snapshot).toBeUndefined();
  return event.data.stockAvailabilityChanged.availableQuantity;
}

/** Reads until the availability is `quantity`; every frame read, in order. */
async function until(subscription: Subscription, quantity: number): Promise<number[]> {
  const seen: number[] = [];
  while (seen[seen.length - 1] !== quantity) seen.push(await availableOf(subscription));
  return seen;
}

describe('one stream for identical subscriptions', () => {
  const subscriptions: Subscription[] = [];
  let baseline: number;

  it('shares one subgraph subscription between identical anonymous clients, over every transport', async () => {
    await eventually(() => upstreams() === 0 && openLiveStreams() === 0);
    baseline = openLiveStreams();
    for (let i = 0; i < 3; i++) subscriptions.push(subscribeWs(client(), LIVE, { sku: 'SHARE-1' }));
    subscriptions.push(subscribeSse(platform.router.url, LIVE, { sku: 'SHARE-1' }));
    for (const s of subscriptions) expect(await availableOf(s)).toBe(3);
    expect(upstreams()).toBe(1);
    expect(openLiveStreams()).toBe(baseline + 1);
    expect(platform.router.activeSubscriptions()).toBe(4);

    await receiveStock(shop, 'SHARE-1', warehouse, 4);
    const frames = await Promise.all(subscriptions.map((s) => until(s, 7)));
    // Every client saw the same frames: the change once, nothing twice.
    for (const seen of frames) expect(seen).toEqual(frames[0]);
  });

  it('starts a late joiner from the last state, then it follows the others', async () => {
    const late = subscribeWs(client(), LIVE, { sku: 'SHARE-1' });
    subscriptions.push(late);
    expect(await availableOf(late)).toBe(7);
    expect(upstreams()).toBe(1);
    await receiveStock(shop, 'SHARE-1', warehouse, 1);
    const frames = await Promise.all(subscriptions.map((s) => until(s, 8)));
    for (const seen of frames) expect(seen).toEqual([8]);
  });

  it('keeps the stream for the others when one leaves, and closes it with the last', async () => {
    const leaving = subscriptions.splice(0, 3);
    await Promise.all(leaving.map((s) => s.close()));
    await eventually(() => platform.router.activeSubscriptions() === 2);
    expect(upstreams()).toBe(1);
    await receiveStock(shop, 'SHARE-1', warehouse, 1);
    for (const s of subscriptions) expect(await until(s, 9)).toEqual([9]);
    await Promise.all(subscriptions.map((s) => s.close()));
    await eventually(
      () =>
        upstreams() === 0 &&
        openLiveStreams() === baseline &&
        platform.router.activeSubscriptions() === 0,
    );
  });
});

describe('what is never shared', () => {
  it('two viewers, or two variable values, each get a stream of their own', async () => {
    await eventually(() => upstreams() === 0);
    const anonymous = subscribeWs(client(), LIVE, { sku: 'SHARE-2' });
    const staff = subscribeWs(client(token), LIVE, { sku: 'SHARE-2' });
    const otherSku = subscribeWs(client(), LIVE, { sku: 'SHARE-1' });
    try {
      expect(await availableOf(anonymous)).toBe(5);
      expect(await availableOf(staff)).toBe(5);
      expect(await availableOf(otherSku)).toBe(9);
      expect(upstreams()).toBe(3);
    } finally {
      await Promise.all([anonymous, staff, otherSku].map((s) => s.close()));
    }
  });

  it('a stream that starts with the current items and goes on with changes takes no one after its start', async () => {
    await eventually(() => upstreams() === 0);
    const first = subscribeWs(client(token), ITEMS, { sku: 'SHARE-2' });
    const item = (r: Result) => r.data.inventoryChanged;
    try {
      expect(item(await first.next(15_000))).toEqual({ onHand: 5, warehouse: { code: 'SHARE-W' } });
      // The same staff token, the same document: it is not handed `first`'s changes.
      const second = subscribeWs(client(token), ITEMS, { sku: 'SHARE-2' });
      try {
        expect(item(await second.next(15_000))).toEqual({
          onHand: 5,
          warehouse: { code: 'SHARE-W' },
        });
        expect(upstreams()).toBe(2);
        await receiveStock(shop, 'SHARE-2', warehouse, 2);
        expect(item(await first.next(15_000)).onHand).toBe(7);
        expect(item(await second.next(15_000)).onHand).toBe(7);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });

  it('a client resuming from an event id gets a stream of its own', async () => {
    await eventually(() => upstreams() === 0);
    const live = subscribeWs(client(), LIVE, { sku: 'SHARE-2' });
    const resuming = client().iterate<any>({
      query: LIVE,
      variables: { sku: 'SHARE-2' },
      extensions: { lastEventId: '0-1' },
    });
    try {
      expect(await availableOf(live)).toBe(7);
      await eventually(() => upstreams() === 2);
    } finally {
      await live.close();
      await resuming.return?.();
    }
  });
});
