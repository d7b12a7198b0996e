import Redis from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../testing/redis';
import { RedisStreamsTransport } from './redis-streams';
import { isReplayGap, type DeliveredEvent } from './transport';

/** The Redis Streams transport alone, on a Redis of this test's own. */
let redis: PrivateRedis;
let client: Redis;
const transports: RedisStreamsTransport[] = [];
const connections: Redis[] = [];

function transport(namespace: string, claimIdleMs = 30_000): RedisStreamsTransport {
  const connection = client.duplicate();
  connections.push(connection);
  const created = new RedisStreamsTransport(connection, namespace, {
    maxLength: 1000,
    retainMs: 60_000,
    claimIdleMs,
  });
  transports.push(created);
  return created;
}

const until = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

beforeAll(async () => {
  redis = await startPrivateRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  for (const t of transports) await t.close();
  for (const connection of connections) connection.disconnect();
  client.disconnect();
  await redis.stop();
});

it('stores an event once per event id, however often the relay sends it', async () => {
  const t = transport('once');
  for (let i = 0; i < 3; i += 1) await t.publish('a', { eventId: 'orders:1', n: 1 });
  await t.publish('a', { eventId: 'orders:2', n: 2 });
  expect(await client.xlen('once:events')).toBe(2);
});

it('replays a topic after a position, then goes on live, none twice', async () => {
  const t = transport('replay');
  const heard: DeliveredEvent[] = [];
  const first = await t.subscribe('a', (e: DeliveredEvent) => heard.push(e));
  for (let n = 1; n <= 4; n += 1) await t.publish(n % 2 ? 'a' : 'b', { eventId: `x:${n}`, n });
  await until(() => heard.length === 2);
  t.unsubscribe(first);

  const resumed: DeliveredEvent[] = [];
  await t.subscribe('a', (e: DeliveredEvent) => resumed.push(e), {
    after: heard[0]!.eventPosition,
  });
  await t.publish('a', { eventId: 'x:5', n: 5 });
  await until(() => resumed.length === 2);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(resumed.map((e) => e.n)).toEqual([3, 5]);
});

it('says so instead of replaying when events after the position were trimmed', async () => {
  const t = transport('trimmed');
  const heard: DeliveredEvent[] = [];
  const live = await t.subscribe('a', (e: DeliveredEvent) => heard.push(e));
  for (let n = 1; n <= 3; n += 1) await t.publish('a', { eventId: `t:${n}`, n });
  await until(() => heard.length === 3);
  t.unsubscribe(live);
  await client.call('XTRIM', 'trimmed:events', 'MAXLEN', '1');

  const behind: DeliveredEvent[] = [];
  await t.subscribe('a', (e: DeliveredEvent) => behind.push(e), {
    after: heard[0]!.eventPosition,
  });
  const current: DeliveredEvent[] = [];
  await t.subscribe('a', (e: DeliveredEvent) => current.push(e), {
    after: heard[2]!.eventPosition,
  });
  await t.publish('a', { eventId: 't:4', n: 4 });
  await until(() => behind.length === 2 && current.length === 1);
  // The trimmed events 2 and 3 are not silently skipped: the gap, then what follows.
  expect(isReplayGap(behind[0])).toBe(true);
  expect(behind[1]!.n).toBe(4);
  expect(current.map((e) => e.n)).toEqual([4]);
});

it('gives a group the entry a crashed member took and never acknowledged', async () => {
  const t = transport('claim', 200);
  const handled: unknown[] = [];
  const group = await t.consume('search', ['a'], async (_topic, e) => void handled.push(e.n));
  await group.stop();
  await t.publish('a', { eventId: 'y:1', n: 1 });
  // A member that read the entry and died before XACK.
  await client.call(
    'XREADGROUP',
    'GROUP',
    'search',
    'crashed',
    'COUNT',
    10,
    'STREAMS',
    'claim:events',
    '>',
  );
  await new Promise((resolve) => setTimeout(resolve, 300));

  const again = await transport('claim', 200).consume(
    'search',
    ['a'],
    async (_topic, e) => void handled.push(e.n),
  );
  await until(() => handled.length === 1);
  const [pending] = (await client.call('XPENDING', 'claim:events', 'search')) as unknown[];
  await again.stop();
  expect(handled).toEqual([1]);
  expect(pending).toBe(0);
});

/** Clients of the test Redis blocked in XREAD (CLIENT LIST): readers of live events. */
async function blockedReaders(): Promise<number> {
  const list = (await client.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => /\bcmd=xread\b/.test(line)).length;
}

it('reads nothing while nobody listens, and from then on once someone does', async () => {
  // The earlier tests' transports still have subscribers, and so readers waiting.
  const others = await blockedReaders();
  const t = transport('asleep');
  await t.publish('a', { eventId: 'z:1', n: 1 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  // No subscriber: the reader's connection is open but not waiting on the stream.
  expect(await blockedReaders()).toBe(others);

  const heard: DeliveredEvent[] = [];
  const id = await t.subscribe('a', (e: DeliveredEvent) => heard.push(e));
  await t.publish('a', { eventId: 'z:2', n: 2 });
  await until(() => heard.length === 1);
  expect(await blockedReaders()).toBe(others + 1);
  t.unsubscribe(id);

  // Published while asleep again: not given to a subscriber who came later.
  await t.publish('a', { eventId: 'z:3', n: 3 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const later: DeliveredEvent[] = [];
  await t.subscribe('a', (e: DeliveredEvent) => later.push(e));
  await t.publish('a', { eventId: 'z:4', n: 4 });
  await until(() => later.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(heard.map((e) => e.n)).toEqual([2]);
  expect(later.map((e) => e.n)).toEqual([4]);
});

it('acknowledges a batch once it is handled, the topics it does not want unread', async () => {
  const t = transport('batch');
  const handled: number[] = [];
  const group = await t.consume('search', ['a'], async () => {
    // Nothing of the batch is acknowledged while one of its events is in hand.
    const [pending] = (await client.call('XPENDING', 'batch:events', 'search')) as number[];
    handled.push(pending!);
  });
  await client.call('MULTI');
  for (let n = 1; n <= 6; n += 1)
    await client.call('XADD', 'batch:events', '*', 't', n % 2 ? 'a' : 'b', 'p', `{"n":${n}}`);
  await client.call('EXEC');
  await until(() => handled.length === 3);
  await until(async () => {
    const [pending] = (await client.call('XPENDING', 'batch:events', 'search')) as number[];
    return pending === 0;
  });
  await group.stop();
  // All six were read in one batch and were pending while the three wanted were handled.
  expect(handled).toEqual([6, 6, 6]);
});
