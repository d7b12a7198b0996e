import { PubSub } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './testing/database';
import { migrate } from './db';
import { outboxMigration, recordEvent, startOutboxRelay } from './outbox';

let db: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('outbox_batch');
  dataSource = new DataSource({
    type: 'postgres',
    url: db.url,
    schema: 'batched',
    migrations: [outboxMigration('batched')],
    migrationsTableName: 'migrations',
  });
  await dataSource.initialize();
  await migrate(dataSource, 'batched');
});

afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

const record = (topic: string, from: number, to: number) =>
  dataSource.transaction(async (tx) => {
    for (let n = from; n <= to; n++) await recordEvent(tx, 'batched', topic, { n });
  });

const unpublished = async (): Promise<number> =>
  (
    await dataSource.query(
      `SELECT count(*)::int AS n FROM batched.outbox WHERE published_at IS NULL`,
    )
  )[0].n;

describe('outbox relay in batches', () => {
  it('keeps what the broker took when a publish fails mid-batch, and sends only the rest again, in order', async () => {
    const pubsub = new PubSub();
    const seen: number[] = [];
    void pubsub.subscribe('mid', (event: { n: number }) => seen.push(event.n));
    // From the third publish on the broker refuses, until it recovers: a drain woken by a
    // NOTIFY meanwhile fails at the same row.
    let calls = 0;
    let recovered = false;
    const flaky = Object.assign(Object.create(pubsub), {
      publish: (topic: string, payload: unknown) =>
        ++calls >= 3 && !recovered
          ? Promise.reject(new Error('broker hiccup'))
          : pubsub.publish(topic, payload),
    });
    const relay = startOutboxRelay({
      databaseUrl: db.url,
      schema: 'batched',
      pubsub: flaky,
      pollMs: 60_000,
    });
    try {
      await relay.drain().catch(() => {});
      await record('mid', 1, 5);
      await expect(relay.drain()).rejects.toThrow('broker hiccup');
      expect(seen).toEqual([1, 2]);
      expect(await unpublished()).toBe(3);
      recovered = true;
      await relay.drain();
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expect(await unpublished()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('publishes more than a batch in id order, and a second relay takes over when the first stops', async () => {
    const pubsub = new PubSub();
    const seen: number[] = [];
    void pubsub.subscribe('many', (event: { n: number }) => seen.push(event.n));
    const options = {
      databaseUrl: db.url,
      schema: 'batched',
      pubsub,
      pollMs: 60_000,
      batchSize: 3,
    };
    const first = startOutboxRelay(options);
    const second = startOutboxRelay(options);
    try {
      await Promise.all([first.drain(), second.drain()]);
      await record('many', 1, 10);
      await Promise.all([first.drain(), second.drain()]);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await first.stop();
      await record('many', 11, 12);
      await second.drain();
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(await unpublished()).toBe(0);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
