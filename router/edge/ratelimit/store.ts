import Redis from 'ioredis';
import { createLogger } from '../../../platform/logging';

const logger = createLogger('router');

/** One counter a request adds to: `weight` more, as long as it stays within `limit`. */
export interface Counter {
  key: string;
  weight: number;
  limit: number;
}

export type Verdict =
  /** Counted. `remaining` and `resetMs` are the tightest counter's (-1: unknown, Redis down). */
  | { allowed: true; remaining: number; resetMs: number }
  /** Not counted: some counter would go over its limit; try again after `retryAfterMs`. */
  | { allowed: false; retryAfterMs: number; blocked: string };

/**
 * Fixed-window counters. A hit adds to all its counters or, when any would exceed its
 * limit, to none (a refused request does not use up the budget), atomically.
 */
export interface RateLimitStore {
  hit(counters: Counter[], windowMs: number): Promise<Verdict>;
  close(): Promise<void>;
}

/** Counters in this process: enough for one router instance. */
export class MemoryStore implements RateLimitStore {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    sweepEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async hit(counters: Counter[], windowMs: number): Promise<Verdict> {
    const now = this.now();
    const live = counters.map((counter) => {
      const entry = this.counters.get(counter.key);
      return entry && entry.expiresAt > now ? entry : undefined;
    });
    let retryAfterMs = 0;
    let blocked: string | undefined;
    counters.forEach((counter, i) => {
      const entry = live[i];
      if ((entry?.count ?? 0) + counter.weight > counter.limit) {
        retryAfterMs = Math.max(retryAfterMs, entry ? entry.expiresAt - now : windowMs);
        blocked ??= counter.key;
      }
    });
    if (blocked !== undefined) return { allowed: false, retryAfterMs, blocked };
    let remaining = -1;
    let resetMs = 0;
    counters.forEach((counter, i) => {
      const entry = live[i] ?? { count: 0, expiresAt: now + windowMs };
      entry.count += counter.weight;
      this.counters.set(counter.key, entry);
      const left = counter.limit - entry.count;
      if (remaining < 0 || left < remaining) {
        remaining = left;
        resetMs = entry.expiresAt - now;
      }
    });
    return { allowed: true, remaining, resetMs };
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.counters.clear();
  }
}

/**
 * KEYS: the counters. ARGV[1]: window in ms; then per key its weight and its limit.
 * Returns { index of the first counter over its limit (0: none), ms until it resets
 * (the longest of those over) or until the tightest resets, remaining of the tightest }.
 */
const HIT = `
local window = tonumber(ARGV[1])
local blocked = 0
local retry = 0
for i = 1, #KEYS do
  local weight = tonumber(ARGV[2 * i])
  local limit = tonumber(ARGV[2 * i + 1])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current + weight > limit then
    local ttl = redis.call('PTTL', KEYS[i])
    if ttl < 0 then ttl = window end
    if ttl > retry then retry = ttl end
    if blocked == 0 then blocked = i end
  end
end
if blocked > 0 then return { blocked, retry, 0 } end
local remaining = -1
local reset = 0
for i = 1, #KEYS do
  local weight = tonumber(ARGV[2 * i])
  local limit = tonumber(ARGV[2 * i + 1])
  local count = redis.call('INCRBY', KEYS[i], weight)
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[i], window)
    ttl = window
  end
  local left = limit - count
  if remaining < 0 or left < remaining then
    remaining = left
    reset = ttl
  end
end
return { 0, reset, remaining }
`;

type WithHit = Redis & {
  rateLimitHit(
    numberOfKeys: number,
    ...args: (string | number)[]
  ): Promise<[number, number, number]>;
};

/**
 * Counters in Redis, shared by every router instance using it: one Lua script per hit
 * (EVALSHA), so concurrent requests on several instances never both take the last unit.
 * Keys expire with their window. When Redis fails, requests are let through (logged at
 * most every 30 s): rate limiting is protection, not a dependency to fail on.
 */
export class RedisStore implements RateLimitStore {
  private readonly redis: WithHit;
  private lastComplaint = 0;

  constructor(url: string) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      connectionName: 'router-ratelimit',
    }) as WithHit;
    this.redis.defineCommand('rateLimitHit', { lua: HIT });
    this.redis.on('error', (error) => this.complain(error));
  }

  async hit(counters: Counter[], windowMs: number): Promise<Verdict> {
    if (!counters.length) return { allowed: true, remaining: -1, resetMs: 0 };
    const args: (string | number)[] = [...counters.map((c) => c.key), windowMs];
    for (const counter of counters) args.push(counter.weight, counter.limit);
    try {
      const [blocked, ms, remaining] = await this.redis.rateLimitHit(counters.length, ...args);
      if (blocked > 0)
        return { allowed: false, retryAfterMs: ms, blocked: counters[blocked - 1]!.key };
      return { allowed: true, remaining, resetMs: ms };
    } catch (error) {
      this.complain(error);
      return { allowed: true, remaining: -1, resetMs: 0 };
    }
  }

  private complain(error: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < 30_000) return;
    this.lastComplaint = now;
    logger.warn('rate limit store unavailable, requests let through', {
      error: String((error as Error)?.message ?? error),
    });
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => {});
    this.redis.disconnect();
  }
}
