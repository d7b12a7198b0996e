import { startTestPlatform, type TestPlatform } from './support/platform';
import { spawnRouterProcess, type RouterProcess } from './support/router-process';
import {
  ResumingSubscriber,
  announced,
  changeOrder,
  expectSawEverything,
  placeOrders,
  unpublished,
  until,
} from './support/durable-events';

/**
 * Two routers (processes of their own) with 500 subscribers between them, on the default
 * transport (Redis Streams). One router gets SIGTERM while orders change: its clients
 * reconnect to the other with the id of the last event they saw and get what they missed,
 * in order, none twice.
 */
const SUBSCRIBERS = 500;
const ORDERS = 10;
const RECONNECT_AFTER_MS = 8000;

let platform: TestPlatform;
let routerA: RouterProcess;
let routerB: RouterProcess;
let orderIds: string[];
const subscribers: ResumingSubscriber[] = [];
const baseline = new Map<string, number>();
const since = async (id: string) => (await announced(platform, id)) - baseline.get(id)!;

beforeAll(async () => {
  platform = await startTestPlatform('router-failover');
  const env = { AUTHORIZATION_MODE: 'open', RATE_LIMIT: 'off' };
  [routerA, routerB] = await Promise.all([
    spawnRouterProcess(platform.subgraphUrls, env),
    spawnRouterProcess(platform.subgraphUrls, env),
  ]);
  orderIds = await placeOrders(platform, ORDERS, 'FAILOVER');
  await until('checkout events published', async () => (await unpublished(platform)) === 0);
  for (const id of orderIds) baseline.set(id, await announced(platform, id));
  for (let i = 0; i < SUBSCRIBERS; i += 1) {
    const orderId = orderIds[i % ORDERS]!;
    subscribers.push(
      i % 2 === 0
        ? new ResumingSubscriber(routerA.url, orderId, routerB.url, RECONNECT_AFTER_MS)
        : new ResumingSubscriber(routerB.url, orderId),
    );
  }
  for (let i = 0; i < SUBSCRIBERS; i += 50)
    await Promise.all(subscribers.slice(i, i + 50).map((s) => s.start()));
}, 180_000);

afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await routerA?.stop();
  await routerB?.stop();
  await platform?.stop();
});

async function everyoneHasEverything(): Promise<boolean> {
  const counts = new Map<string, number>();
  for (const id of orderIds) counts.set(id, await since(id));
  return subscribers.every((s) => s.eventIds().length >= counts.get(s.orderId)!);
}

const everyoneOnBHasEverything = async () =>
  (await missing(subscribers.filter((s) => !s.reconnects))) === 0;

/** How many of `these` have not seen every change of their order yet. */
async function missing(these: ResumingSubscriber[]): Promise<number> {
  const counts = new Map<string, number>();
  for (const id of orderIds) counts.set(id, await since(id));
  return these.filter((s) => s.eventIds().length < counts.get(s.orderId)!).length;
}

it('clients of a router that stops resume on the other and miss nothing', async () => {
  for (const id of orderIds) await changeOrder(platform, id, 0);
  await until('the captures reached every subscriber', everyoneHasEverything, 60_000);

  // Orders keep changing while router A drains and its clients wait to reconnect to B.
  await routerA.stop();
  const stoppedAt = Date.now();
  for (let step = 1; step <= 3; step += 1)
    for (const id of orderIds) await changeOrder(platform, id, step);
  await until('those changes reached router B', everyoneOnBHasEverything, 30_000);
  // They are still away, and have missed these changes: resuming is what brings them back.
  expect(Date.now() - stoppedAt).toBeLessThan(RECONNECT_AFTER_MS);
  const away = subscribers.filter((s) => s.reconnects > 0);
  expect(away).toHaveLength(SUBSCRIBERS / 2);
  expect(await missing(away)).toBe(away.length);
  for (const id of orderIds) await changeOrder(platform, id, 4);

  await until('every outbox drained', async () => (await unpublished(platform)) === 0);
  await until('every subscriber has every change', everyoneHasEverything, 60_000).catch(() => {});
  const moved = subscribers.filter((s) => s.reconnects > 0);
  expect(moved.length).toBe(SUBSCRIBERS / 2);
  for (const orderId of orderIds) {
    const count = await since(orderId);
    expect(count).toBeGreaterThanOrEqual(5);
    const mine = subscribers.filter((s) => s.orderId === orderId);
    for (const subscriber of mine) {
      expectSawEverything(subscriber, count);
      expect(subscriber.eventIds()).toEqual(mine[0]!.eventIds());
      expect(subscriber.errors).toEqual([]);
    }
  }
}, 240_000);
