import { EventEmitter } from 'node:events';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import Redis from 'ioredis';
import { createLogger } from './logging';

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
  pubsub: PubSubEngine;
  close(): Promise<void>;
}

/**
 * Prefixes every topic, so that several platforms sharing one Redis (staging and
 * preview environments, parallel test files) never hear each other's events.
 */
class NamespacedPubSub extends PubSubEngine {
  constructor(
    private readonly inner: PubSubEngine,
    private readonly namespace: string,
  ) {
    super();
  }
  publish(topic: string, payload: unknown): Promise<void> {
    return this.inner.publish(`${this.namespace}:${topic}`, payload);
  }
  subscribe(
    topic: string,
    onMessage: (...args: unknown[]) => void,
    options: object,
  ): Promise<number> {
    return this.inner.subscribe(`${this.namespace}:${topic}`, onMessage, options);
  }
  unsubscribe(id: number): void {
    this.inner.unsubscribe(id);
  }
}

/**
 * Redis when REDIS_URL is set, so that events reach subscribers on every process;
 * in-process otherwise, which is enough for one machine running `npm start`.
 */
export function createPubSub(
  redisUrl = process.env.REDIS_URL,
  namespace = process.env.PUBSUB_NAMESPACE ?? 'commerce',
): PubSubHandle {
  if (!redisUrl) {
    // Every subscriber is a listener on one emitter; thousands are expected, not a leak.
    const eventEmitter = new EventEmitter();
    eventEmitter.setMaxListeners(0);
    return {
      pubsub: new NamespacedPubSub(new PubSub({ eventEmitter }), namespace),
      close: async () => {},
    };
  }
  const options = { maxRetriesPerRequest: null };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  reportRedisOutages(publisher, 'pubsub-publisher');
  reportRedisOutages(subscriber, 'pubsub-subscriber');
  return {
    pubsub: new NamespacedPubSub(new RedisPubSub({ publisher, subscriber }), namespace),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
