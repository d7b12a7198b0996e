import Redis from 'ioredis';
import { reportRedisOutages } from '../../../platform/pubsub';

/** The part of Apollo's KeyValueCache that persisted queries use. */
export interface QueryCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttl?: number | null }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Automatic persisted queries shared by every router on one Redis: hash → query text,
 * each entry kept `ttlSeconds` after it was last registered. A Redis that is down is a
 * miss (the client then sends the query again), never a failed request: commands give
 * up after `commandTimeoutMs`.
 */
export function redisQueryCache(
  url: string,
  options: { prefix?: string; ttlSeconds?: number; commandTimeoutMs?: number } = {},
): QueryCache {
  const prefix = options.prefix ?? 'apq:';
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
  });
  // Reconnects by itself; a failed command is a miss. Reported once per outage.
  reportRedisOutages(redis, 'router-apq');
  return {
    async get(key) {
      try {
        return (await redis.get(prefix + key)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, value, setOptions) {
      const ttl = setOptions?.ttl ?? options.ttlSeconds;
      try {
        if (ttl) await redis.set(prefix + key, value, 'EX', ttl);
        else await redis.set(prefix + key, value);
      } catch {
        // not shared this time; this router's own cache still has it
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
