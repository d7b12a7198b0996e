import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import Redis from 'ioredis';

export interface PubSubHandle {
  pubsub: PubSubEngine;
  close(): Promise<void>;
}

/**
 * Redis when REDIS_URL is set, so that events reach subscribers on every process;
 * in-process otherwise, which is enough for one machine running `npm start`.
 */
export function createPubSub(redisUrl = process.env.REDIS_URL): PubSubHandle {
  if (!redisUrl) {
    return { pubsub: new PubSub(), close: async () => {} };
  }
  const options = { maxRetriesPerRequest: null, lazyConnect: false };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  return {
    pubsub: new RedisPubSub({ publisher, subscriber }),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
