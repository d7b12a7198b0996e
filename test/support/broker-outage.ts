import { startTestPlatform, type TestPlatform } from './platform';
import {
  ResumingSubscriber,
  announced,
  changeOrder,
  expectSawEverything,
  placeOrders,
  unpublished,
  until,
} from './durable-events';

export interface Broker {
  /** The environment that points the platform's events at this broker. */
  env: Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

const ORDERS = 4;
const SUBSCRIBERS_PER_ORDER = 3;
const OUTAGE_MS = 20_000;

/**
 * The broker is killed for 20 s while orders change through the router: the changes
 * commit, their events wait in the outbox, and once the broker is back every subscriber
 * has every change, in the broker's order, none twice, and every outbox is empty.
 */
export function brokerOutageScenario(name: string, startBroker: () => Promise<Broker>): void {
  let platform: TestPlatform;
  let broker: Broker;
  let orderIds: string[];
  const subscribers: ResumingSubscriber[] = [];
  const saved: Record<string, string | undefined> = {};
  const baseline = new Map<string, number>();
  const since = async (id: string) => (await announced(platform, id)) - baseline.get(id)!;

  beforeAll(async () => {
    broker = await startBroker();
    for (const [key, value] of Object.entries(broker.env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    platform = await startTestPlatform(name);
    orderIds = await placeOrders(platform, ORDERS, name.toUpperCase());
    // What checkout announced was published before anyone subscribed: not theirs to see.
    await until('checkout events published', async () => (await unpublished(platform)) === 0);
    for (const id of orderIds) baseline.set(id, await announced(platform, id));
    for (const orderId of orderIds)
      for (let i = 0; i < SUBSCRIBERS_PER_ORDER; i += 1)
        subscribers.push(new ResumingSubscriber(platform.router.url, orderId));
    await Promise.all(subscribers.map((s) => s.start()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await platform?.stop();
    await broker?.destroy();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('delivers every change committed while the broker was down, in order, once', async () => {
    for (const id of orderIds) await changeOrder(platform, id, 0);
    // Everything the captures set off (fulfillment's events follow orders') has arrived.
    await until('the captures reached every subscriber', async () => {
      if ((await unpublished(platform)) > 0) return false;
      const counts = new Map<string, number>();
      for (const id of orderIds) counts.set(id, await since(id));
      return subscribers.every((s) => s.eventIds().length === counts.get(s.orderId));
    });

    await broker.stop();
    const downSince = Date.now();
    let step = 1;
    while (Date.now() - downSince < OUTAGE_MS) {
      for (const id of orderIds) await changeOrder(platform, id, step);
      step += 1;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    // Committed, and waiting: nothing could be published.
    expect(await unpublished(platform)).toBeGreaterThan(0);
    await broker.start();

    await until('every outbox drained', async () => (await unpublished(platform)) === 0, 60_000);
    for (const orderId of orderIds) {
      const count = await since(orderId);
      expect(count).toBeGreaterThanOrEqual(step + 1);
      const mine = subscribers.filter((s) => s.orderId === orderId);
      await until(
        `the subscribers of ${orderId} have all ${count} changes`,
        () => mine.every((s) => s.eventIds().length >= count),
        30_000,
      ).catch(() => {}); // The assertions below say what is missing.
      for (const subscriber of mine) {
        expectSawEverything(subscriber, count);
        expect(subscriber.eventIds()).toEqual(mine[0]!.eventIds());
        expect(subscriber.errors).toEqual([]);
      }
    }
  }, 240_000);
}
