import { Client } from 'pg';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { createLogger } from './logging';
import { loadConfig, setting } from './config';
import { SqlParams, withParts } from './sql-params';

const log = createLogger('outbox');

/**
 * The transactional outbox: a state change and the event announcing it commit together,
 * so an event is never published for a change that rolled back, nor lost for one that
 * committed. The relay publishes committed rows to the pub/sub afterwards.
 */

/** The outbox table of one subgraph's schema; every subgraph lists this among its migrations. */
export function outboxMigration(schema: string): new () => MigrationInterface {
  return class OutboxCreate1764200000000 implements MigrationInterface {
    name = 'OutboxCreate1764200000000';
    async up(db: QueryRunner): Promise<void> {
      await db.query(`
        CREATE TABLE "${schema}".outbox (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          topic text NOT NULL,
          payload jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
          published_at timestamptz
        )`);
      await db.query(
        `CREATE INDEX outbox_unpublished_idx ON "${schema}".outbox (id) WHERE published_at IS NULL`,
      );
    }
    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TABLE "${schema}".outbox`);
    }
  };
}

function channel(schema: string): string {
  return `${schema}_outbox`;
}

/**
 * An outbox row's event id, as SQL over its columns: the same on every re-send of the row
 * (brokers and inboxes drop the copies) and unique beyond this database. The row id alone
 * repeats in another database sharing the broker, or after a restore, and a broker would
 * then drop a new event as a copy of an old one; its creation instant tells them apart.
 */
export function outboxEventIdSql(schema: string): string {
  return `'${schema}:' || id || ':' || (extract(epoch FROM created_at) * 1000000)::bigint`;
}

/** Records an event inside the caller's transaction; NOTIFY wakes the relay at commit. */
export function recordEvent(
  tx: EntityManager,
  schema: string,
  topic: string,
  payload: object,
): Promise<void> {
  return recordEvents(tx, schema, [{ topic, payload }]);
}

/** Records events in the order given, and the relay's NOTIFY, in one statement. */
export async function recordEvents(
  tx: EntityManager,
  schema: string,
  events: OutboxEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const params = new SqlParams();
  await tx.query(
    withParts([outboxInsertSql(schema, events, params)], `SELECT ${outboxNotifySql(schema)}`),
    params.values,
  );
}

export interface OutboxEvent {
  topic: string;
  payload: object;
}

/**
 * A CTE body that records `events` in the order given (their outbox ids, hence the order
 * they are published in), for a statement that also writes the change they announce. The
 * statement must also run `outboxNotifySql(schema)` once, or the relay hears of them only
 * at its next poll.
 */
export function outboxInsertSql(schema: string, events: OutboxEvent[], params: SqlParams): string {
  const topics = params.add(
    events.map((e) => e.topic),
    'text[]',
  );
  const payloads = params.add(
    events.map((e) => JSON.stringify(e.payload)),
    'text[]',
  );
  return `INSERT INTO "${schema}".outbox (topic, payload)
    SELECT e.topic, e.payload::jsonb FROM unnest(${topics}, ${payloads}) WITH ORDINALITY AS e(topic, payload, n)
    ORDER BY e.n`;
}

/** The expression that wakes the relay at commit (a NOTIFY repeated in one transaction is sent once). */
export function outboxNotifySql(schema: string): string {
  return `pg_notify('${channel(schema)}', '')`;
}

export interface OutboxRelayOptions {
  databaseUrl: string;
  schema: string;
  pubsub: PubSubEngine;
  /** Safety net when a notification is missed (the listener reconnecting, say). */
  pollMs?: number;
  batchSize?: number;
  /** Published rows are kept this long for inspection, then pruned. */
  retainMs?: number;
}

export interface OutboxRelay {
  /** Publishes everything committed so far; resolves when the outbox is empty. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes outbox rows in id order, in batches of up to `batchSize`. One relay drains per
 * schema (it holds an advisory lock), so events keep their order even with several
 * replicas; a row is marked published only after the pub/sub accepted it, so a crash
 * means a re-send, never a loss. Several relays taking rows with SKIP LOCKED would
 * publish one aggregate's events from two processes at once, out of order.
 * Delivery is at least once: events carry their outbox id for consumers that dedupe.
 * The relay has a connection of its own (it LISTENs on it), apart from the request pool.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { schema, pubsub } = options;
  const table = `"${schema}".outbox`;
  const batchSize = options.batchSize ?? 200;
  const retainMs = options.retainMs ?? 24 * 60 * 60 * 1000;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;
  let client: Client | null = null;
  let connecting: Promise<void> | null = null;
  let lastPrune = 0;

  /**
   * Whether this relay leads: it holds the schema's advisory lock on its own connection
   * (session-level, so a drain needs no transaction: one SELECT and one UPDATE). The lock
   * goes with the connection: a relay that dies or loses it hands over to the next one
   * that tries.
   */
  let leading: Client | null = null;

  async function lead(db: Client): Promise<boolean> {
    if (leading === db) return true;
    const {
      rows: [lock],
    } = await db.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [table]);
    if (lock.locked) leading = db;
    return Boolean(lock.locked);
  }

  async function drainBatch(db: Client): Promise<number> {
    if (!(await lead(db))) return 0;
    const { rows } = await db.query<{
      id: string;
      topic: string;
      payload: Record<string, unknown>;
      event_id: string;
    }>(
      `SELECT id, topic, payload, ${outboxEventIdSql(schema)} AS event_id
         FROM ${table} WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [batchSize],
    );
    // One at a time, in id order: a failed publish stops the batch, so nothing after it
    // reaches the broker before it does (per-aggregate order holds across the retry).
    let sent = 0;
    let failure: unknown = null;
    for (const row of rows) {
      try {
        await pubsub.publish(row.topic, { ...row.payload, eventId: row.event_id });
      } catch (error) {
        failure = error;
        break;
      }
      sent += 1;
    }
    // What the broker took is marked even when a later row failed: only the rest is sent again.
    if (sent) {
      await db.query(
        `UPDATE ${table} SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
        [rows.slice(0, sent).map((r) => r.id)],
      );
    }
    if (failure) throw failure;
    return rows.length;
  }

  async function drainOnce(): Promise<number> {
    if (!client) await (connecting ?? connect());
    const db = client;
    if (!db) return 0;
    let published = 0;
    for (;;) {
      const count = await drainBatch(db);
      published += count;
      if (count < batchSize) break;
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      await db.query(
        `DELETE FROM ${table} WHERE published_at < now() - make_interval(secs => $1)`,
        [retainMs / 1000],
      );
    }
    return published;
  }

  /** Coalesces wake-ups: while a drain runs, further ones fold into one more pass. */
  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await drainOnce();
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const kick = (): void => {
    if (stopped) return;
    drain().catch((error) =>
      log.warn('relay failed, will retry', { schema, error: (error as Error).message }),
    );
  };

  function connect(): Promise<void> {
    connecting = (async () => {
      const next = new Client({
        connectionString: options.databaseUrl,
        application_name: `commerce-${schema}-outbox`,
      });
      next.on('notification', kick);
      next.on('error', () => {
        // The next poll reconnects; until then events wait safely in the table.
        if (client === next) client = null;
        void next.end().catch(() => {});
      });
      await next.connect();
      if (stopped) {
        await next.end();
        return;
      }
      await next.query(`LISTEN ${channel(schema)}`);
      client = next;
    })()
      .catch((error) => {
        if (!stopped)
          log.warn('cannot connect, will retry', { schema, error: (error as Error).message });
      })
      .finally(() => {
        connecting = null;
      });
    return connecting;
  }

  kick();
  const timer = setInterval(
    kick,
    options.pollMs ?? loadConfig({ OUTBOX_POLL_MS: setting.int(1000, { min: 10 }) }).OUTBOX_POLL_MS,
  );
  timer.unref();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
      await connecting;
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
