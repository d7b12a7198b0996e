import { randomUUID } from 'node:crypto';
import { setLogSink } from '../../../platform/logging';
import { redisAvailable, startTestRedis, type TestRedis } from '../../../platform/testing/redis';
import { rateLimitConfigFromEnv } from './config';
import { MemoryStore, RedisStore, type RateLimitStore } from './store';

describe('rate limit settings', () => {
  it('has documented defaults, each configurable, and can be switched off', () => {
    expect(rateLimitConfigFromEnv({})).toEqual({
      enabled: true,
      windowMs: 60_000,
      perIp: 600,
      perUser: 1200,
      cost: 200_000,
      prefix: 'ratelimit',
      redisUrl: undefined,
    });
    expect(
      rateLimitConfigFromEnv({
        RATE_LIMIT_PER_IP: '5',
        RATE_LIMIT_PER_USER: '0',
        RATE_LIMIT_COST: '100',
        RATE_LIMIT_WINDOW_MS: '1000',
        REDIS_URL: 'redis://x',
      }),
    ).toMatchObject({ perIp: 5, perUser: 0, cost: 100, windowMs: 1000, redisUrl: 'redis://x' });
    expect(rateLimitConfigFromEnv({ RATE_LIMIT: 'off' }).enabled).toBe(false);
    expect(() => rateLimitConfigFromEnv({ RATE_LIMIT_PER_IP: 'lots' })).toThrow(
      'RATE_LIMIT_PER_IP',
    );
  });
});

/** The same behaviour from both stores. */
function storeContract(name: string, make: () => RateLimitStore, skip = false) {
  const maybe = skip ? describe.skip : describe;
  maybe(name, () => {
    let store: RateLimitStore;
    let prefix: string;
    beforeEach(() => {
      store = make();
      prefix = `test-${randomUUID()}`;
    });
    afterEach(() => store.close());

    it('counts up to the limit, then refuses without counting, with the time left', async () => {
      const key = `${prefix}:ip`;
      for (let i = 1; i <= 3; i++) {
        expect(await store.hit([{ key, weight: 1, limit: 3 }], 60_000)).toMatchObject({
          allowed: true,
          remaining: 3 - i,
        });
      }
      const refused = await store.hit([{ key, weight: 1, limit: 3 }], 60_000);
      expect(refused).toMatchObject({ allowed: false, blocked: key });
      expect(refused.allowed === false && refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.allowed === false && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it('weighs requests, and a refused one adds to none of its counters', async () => {
      const user = `${prefix}:user`;
      const cost = `${prefix}:cost`;
      expect(
        await store.hit(
          [
            { key: user, weight: 1, limit: 10 },
            { key: cost, weight: 70, limit: 100 },
          ],
          60_000,
        ),
      ).toMatchObject({
        allowed: true,
        remaining: 9,
      });
      expect(
        await store.hit(
          [
            { key: user, weight: 1, limit: 10 },
            { key: cost, weight: 40, limit: 100 },
          ],
          60_000,
        ),
      ).toMatchObject({
        allowed: false,
        blocked: cost,
      });
      expect(
        await store.hit(
          [
            { key: user, weight: 1, limit: 10 },
            { key: cost, weight: 30, limit: 100 },
          ],
          60_000,
        ),
      ).toMatchObject({
        allowed: true,
        remaining: 0,
      });
    });

    it('starts afresh when the window ends', async () => {
      const key = `${prefix}:short`;
      expect(await store.hit([{ key, weight: 1, limit: 1 }], 300)).toMatchObject({ allowed: true });
      expect(await store.hit([{ key, weight: 1, limit: 1 }], 300)).toMatchObject({
        allowed: false,
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await store.hit([{ key, weight: 1, limit: 1 }], 300)).toMatchObject({ allowed: true });
    });
  });
}

storeContract('MemoryStore', () => new MemoryStore());

let redis: TestRedis | undefined;
beforeAll(async () => {
  if (redisAvailable()) redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});
storeContract('RedisStore', () => new RedisStore(redis!.url), !redisAvailable());

(redisAvailable() ? it : it.skip)(
  'RedisStore: concurrent hits from two instances never pass the limit together',
  async () => {
    const a = new RedisStore(redis!.url);
    const b = new RedisStore(redis!.url);
    try {
      const key = `test-${randomUUID()}:shared`;
      const verdicts = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).hit([{ key, weight: 1, limit: 37 }], 60_000),
        ),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(37);
    } finally {
      await a.close();
      await b.close();
    }
  },
);

it('RedisStore lets requests through when Redis cannot answer', async () => {
  const logged: string[] = [];
  const restore = setLogSink((_line, record) => logged.push(`${record.level} ${record.msg}`), {
    level: 'warn',
  });
  const store = new RedisStore('redis://127.0.0.1:1');
  await store.close(); // every command now fails at once, as with Redis gone
  try {
    expect(await store.hit([{ key: 'k', weight: 1, limit: 1 }], 1000)).toMatchObject({
      allowed: true,
    });
    expect(logged).toContain('warn rate limit store unavailable, requests let through');
  } finally {
    restore();
  }
});
