import { PubSub } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './testing/database';
import { migrate } from './db';
import { outboxMigration, recordEvent, startOutboxRelay, type OutboxRelay } from './outbox';

let db: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('outbox');
  dataSource = new DataSource({
    type: 'postgres',
    url: db.url,
    schema: 'things',
    migrations: [outboxMigration('things')],
    migrationsTableName: 'migrations',
  });
  await dataSource.initialize();
  await migrate(dataSource, 'things');
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

function listen(pubsub: PubSub, topic: string): { ids: number[] } {
  const seen = { ids: [] as number[] };
  void pubsub.subscribe(topic, (event: { n: number }) => seen.ids.push(event.n));
  return seen;
}

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('transactional outbox', () => {
  it('publishes only what committed, in commit order, after commit', async () => {
    const pubsub = new PubSub();
    const seen = listen(pubsub, 'a');
    const relay = startOutboxRelay({
      databaseUrl: db.url,
      schema: 'things',
      pubsub,
      pollMs: 60_000,
    });
    try {
      await dataSource.transaction((tx) => recordEvent(tx, 'things', 'a', { n: 1 }));
      await dataSource
        .transaction(async (tx) => {
          await recordEvent(tx, 'things', 'a', { n: 99 });
          throw new Error('rolled back');
        })
        .catch(() => {});
      await dataSource.transaction((tx) => recordEvent(tx, 'things', 'a', { n: 2 }));
      // NOTIFY at commit wakes the relay; no poll is due for a minute.
      await waitFor(() => seen.ids.length === 2);
      expect(seen.ids).toEqual([1, 2]);
    } finally {
      await relay.stop();
    }
  });

  it('publishes what was written while no relay ran, once, when one starts again', async () => {
    const pubsub = new PubSub();
    const seen = listen(pubsub, 'b');
    for (let n = 1; n <= 5; n++)
      await dataSource.transaction((tx) => recordEvent(tx, 'things', 'b', { n }));
    const relays: OutboxRelay[] = [1, 2].map(() =>
      startOutboxRelay({ databaseUrl: db.url, schema: 'things', pubsub, pollMs: 50 }),
    );
    try {
      await waitFor(() => seen.ids.length >= 5);
      await Promise.all(relays.map((r) => r.drain()));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Two relays, one delivery each: the advisory lock lets one drain at a time.
      expect(seen.ids).toEqual([1, 2, 3, 4, 5]);
      const [{ left }] = await dataSource.query(
        `SELECT count(*)::int AS left FROM things.outbox WHERE published_at IS NULL`,
      );
      expect(left).toBe(0);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  it('keeps an event whose publish failed and sends it on the next pass', async () => {
    const pubsub = new PubSub();
    const seen = listen(pubsub, 'c');
    let failing = true;
    const flaky = Object.assign(Object.create(pubsub), {
      publish: (topic: string, payload: unknown) =>
        failing ? Promise.reject(new Error('redis down')) : pubsub.publish(topic, payload),
    });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    const relay = startOutboxRelay({
      databaseUrl: db.url,
      schema: 'things',
      pubsub: flaky,
      pollMs: 60_000,
    });
    try {
      await dataSource.transaction((tx) => recordEvent(tx, 'things', 'c', { n: 7 }));
      await expect(relay.drain()).rejects.toThrow('redis down');
      expect(seen.ids).toEqual([]);
      failing = false;
      await relay.drain();
      expect(seen.ids).toEqual([7]);
    } finally {
      errors.mockRestore();
      await relay.stop();
    }
  });
});
