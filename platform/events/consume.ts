import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { isEventTransport, type GroupHandle } from './transport';
import { createLogger } from '../logging';

const log = createLogger('events');

/**
 * The consuming side of the outbox: a subgraph subscribes to another domain's topic and
 * hands each event to a handler inside a transaction that also writes the event's id into
 * its inbox. A redelivered event (the relay re-sends after a crash; every replica hears
 * every event) finds its id there and has no second effect.
 *
 * Delivery is the transport's (platform/events/transport.ts): with Redis Streams or NATS
 * JetStream the subgraph consumes as a group named after its schema, so one replica gets
 * each event, an event is acknowledged only once handled, and what was published while
 * every replica was down is delivered when one is back. In the light modes (pub/sub,
 * in-process) every replica hears every event live and a missed one is lost; consumers
 * keep a sweep for that where it matters.
 */
export interface EventHandler<E = Record<string, unknown>> {
  topic: string;
  /** Runs in the inbox transaction: all its writes commit with the inbox row, or none do. */
  handle(tx: EntityManager, event: E & { eventId: string }): Promise<void>;
  /** Runs after that transaction committed (calls to other subgraphs belong here). */
  afterCommit?(event: E & { eventId: string }): Promise<void>;
}

/** The inbox table of one subgraph's schema; the platform migrates it for every subgraph. */
export function inboxMigration(schema: string): new () => MigrationInterface {
  return class InboxCreate1764200000001 implements MigrationInterface {
    name = 'InboxCreate1764200000001';
    async up(db: QueryRunner): Promise<void> {
      await db.query(`
        CREATE TABLE "${schema}".inbox (
          event_id text PRIMARY KEY,
          topic text NOT NULL,
          handled_at timestamptz NOT NULL DEFAULT now()
        )`);
    }
    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TABLE "${schema}".inbox`);
    }
  };
}

export interface EventConsumer {
  /** Resolves when every event received so far has been handled (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Subscribes `handlers` and handles their events one at a time, in the order they arrived
 * (a confirmed order before its delivery). A handler that throws is retried a few times
 * with a pause (its transaction rolled back, so the inbox has no row), then logged.
 */
export async function consumeEvents(
  deps: { dataSource: DataSource; pubsub: PubSubEngine; schema: string },
  handlers: EventHandler<never>[],
  options: { attempts?: number; retryMs?: number } = {},
): Promise<EventConsumer> {
  const attempts = options.attempts ?? 5;
  const retryMs = options.retryMs ?? 200;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  async function handleOnce(handler: EventHandler<never>, event: { eventId: string }) {
    const fresh = await deps.dataSource.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO "${deps.schema}".inbox (event_id, topic) VALUES ($1, $2)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [event.eventId, handler.topic],
      );
      if (inserted.length === 0) return false;
      await handler.handle(tx, event as never);
      return true;
    });
    if (fresh) await handler.afterCommit?.(event as never);
  }

  async function handle(handler: EventHandler<never>, event: { eventId?: unknown }) {
    if (typeof event?.eventId !== 'string') {
      log.warn('event without an eventId ignored', { topic: handler.topic });
      return;
    }
    for (let attempt = 1; attempt <= attempts && !stopped; attempt += 1) {
      try {
        await handleOnce(handler, event as { eventId: string });
        return;
      } catch (error) {
        if (attempt === attempts) {
          log.error('event handler failed', {
            topic: handler.topic,
            eventId: event.eventId,
            error: (error as Error).message,
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs * attempt));
      }
    }
  }

  const byTopic = new Map<string, EventHandler<never>[]>();
  for (const handler of handlers)
    byTopic.set(handler.topic, [...(byTopic.get(handler.topic) ?? []), handler]);
  // Acknowledged to the broker when this resolves: after the handler (and its inbox row).
  const enqueue = (handler: EventHandler<never>, event: { eventId?: unknown }) => {
    const handled = chain.then(() => handle(handler, event));
    chain = handled;
    return handled;
  };
  let group: GroupHandle;
  if (isEventTransport(deps.pubsub)) {
    group = await deps.pubsub.consume(deps.schema, [...byTopic.keys()], async (topic, event) => {
      for (const handler of byTopic.get(topic) ?? [])
        await enqueue(handler, event as { eventId?: unknown });
    });
  } else {
    const engine = deps.pubsub;
    const ids = await Promise.all(
      handlers.map((handler) =>
        engine.subscribe(
          handler.topic,
          (event: { eventId?: unknown }) => enqueue(handler, event),
          {},
        ),
      ),
    );
    group = { stop: async () => ids.forEach((id) => engine.unsubscribe(id)) };
  }
  return {
    idle: async () => {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    async stop() {
      await group.stop();
      stopped = true;
      await chain;
    },
  };
}
