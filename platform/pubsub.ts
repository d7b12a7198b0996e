import Redis from 'ioredis';
import { createLogger } from './logging';
import { loadConfig, setting } from './config';
import type { EventTransport, TransportKind } from './events/transport';
import { MemoryTransport } from './events/memory';
import { RedisPubSubTransport } from './events/redis-pubsub';
import { RedisStreamsTransport } from './events/redis-streams';
import { JetStreamTransport } from './events/jetstream';

const log = createLogger('pubsub');

/**
 * Handles a client's 'error' events (ioredis prints "[ioredis] Unhandled error event" for
 * each reconnect attempt otherwise) and reports the outage once, and once when it is over.
 */
export function reportRedisOutages(client: Redis, name: string): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn('redis unavailable', { client: name, error: error.message });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('redis available again', { client: name });
  });
}

export interface PubSubHandle {
  pubsub: EventTransport;
  close(): Promise<void>;
}

export interface TransportChoice {
  transport?: TransportKind;
  natsUrl?: string;
}

const TRANSPORTS = ['streams', 'jetstream', 'pubsub', 'memory'] as const;

/**
 * The event transport (platform/events/transport.ts), chosen by EVENT_TRANSPORT or else
 * by what is configured: NATS JetStream when NATS_URL is set, Redis Streams when Redis
 * is, in-process otherwise (`npm start` on one machine). Every topic is prefixed with
 * `namespace`, so that platforms sharing one broker (staging and preview environments,
 * parallel test files) never hear each other's events.
 */
export function createPubSub(
  redisUrl = process.env.REDIS_URL,
  namespace = process.env.PUBSUB_NAMESPACE ?? 'commerce',
  choice: TransportChoice = {},
): PubSubHandle {
  const config = loadConfig({
    // Events may have a Redis of their own (and the tests that stop it do).
    EVENT_REDIS_URL: setting.optionalString(),
    EVENT_TRANSPORT: setting.oneOf(['auto', ...TRANSPORTS], 'auto'),
    NATS_URL: setting.optionalUrl(),
    EVENT_STREAM_MAX_LENGTH: setting.int(100_000, { min: 100 }),
    EVENT_RETAIN_MS: setting.int(24 * 60 * 60 * 1000, { min: 1000 }),
    EVENT_CLAIM_IDLE_MS: setting.int(30_000, { min: 100 }),
    EVENT_BATCH_WAIT_MS: setting.int(20, { min: 0, max: 1000 }),
  });
  const natsUrl = choice.natsUrl ?? config.NATS_URL;
  redisUrl = config.EVENT_REDIS_URL ?? redisUrl;
  const kind = choice.transport ?? chooseTransport(config.EVENT_TRANSPORT, natsUrl, redisUrl);
  const retention = {
    retainMs: config.EVENT_RETAIN_MS,
    claimIdleMs: config.EVENT_CLAIM_IDLE_MS,
  };
  if (kind === 'memory') {
    const transport = new MemoryTransport();
    return { pubsub: transport, close: () => transport.close() };
  }
  if (kind === 'jetstream') {
    if (!natsUrl) throw new Error('EVENT_TRANSPORT=jetstream needs NATS_URL');
    const transport = new JetStreamTransport(natsUrl, namespace, {
      ...retention,
      maxMessages: config.EVENT_STREAM_MAX_LENGTH,
    });
    return { pubsub: transport, close: () => transport.close() };
  }
  if (!redisUrl) throw new Error(`EVENT_TRANSPORT=${kind} needs REDIS_URL`);
  const options = { maxRetriesPerRequest: null };
  const publisher = new Redis(redisUrl, options);
  reportRedisOutages(publisher, 'pubsub-publisher');
  if (kind === 'streams') {
    const transport = new RedisStreamsTransport(publisher, namespace, {
      ...retention,
      maxLength: config.EVENT_STREAM_MAX_LENGTH,
      reportOutages: reportRedisOutages,
      batchWaitMs: config.EVENT_BATCH_WAIT_MS,
    });
    return {
      pubsub: transport,
      close: async () => {
        await transport.close();
        publisher.disconnect();
      },
    };
  }
  const subscriber = new Redis(redisUrl, options);
  reportRedisOutages(subscriber, 'pubsub-subscriber');
  return {
    pubsub: new RedisPubSubTransport(publisher, subscriber, namespace),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function chooseTransport(
  configured: TransportKind | 'auto',
  natsUrl: string | undefined,
  redisUrl: string | undefined,
): TransportKind {
  if (configured !== 'auto') return configured;
  if (natsUrl) return 'jetstream';
  return redisUrl ? 'streams' : 'memory';
}
