import { isIP } from 'node:net';

/**
 * Rate limits at the router, in fixed windows of RATE_LIMIT_WINDOW_MS (a window starts at
 * a subject's first request and lasts that long):
 *
 * | limit                                   | default     | environment            | counted            |
 * |-----------------------------------------|-------------|------------------------|--------------------|
 * | requests per client IP                  | 600 / min   | RATE_LIMIT_PER_IP      | every request to /graphql, /graphql/stream, before parsing |
 * | operations per signed-in user           | 1200 / min  | RATE_LIMIT_PER_USER    | each operation of a verified customer / staff / service |
 * | cost per user (anonymous: per IP)       | 200000 / min| RATE_LIMIT_COST        | the operation's cost (RequestWeigher; edge/limits/cost.ts) |
 * | window                                  | 60000 ms    | RATE_LIMIT_WINDOW_MS   |                    |
 * | Redis key prefix (one per deployment)   | `ratelimit` | RATE_LIMIT_PREFIX      |                    |
 * | everything off                          | on          | RATE_LIMIT=off         |                    |
 * | client IPs that no limit counts         | none        | RATE_LIMIT_EXEMPT_IPS  | comma-separated (a benchmark's load generator) |
 *
 * A limit of 0 turns that one off. The client IP is `router/auth`'s (TRUSTED_PROXY_HOPS).
 * With REDIS_URL the counters live in Redis (one atomic script per check), so every
 * router instance sharing that Redis and prefix shares the limits; without it they are in
 * this process's memory. If Redis cannot be reached the router lets requests through
 * (logged) rather than failing them.
 */
export interface RateLimitConfig {
  enabled: boolean;
  windowMs: number;
  perIp: number;
  perUser: number;
  cost: number;
  prefix: string;
  redisUrl: string | undefined;
}

export const DEFAULT_RATE_LIMITS = {
  windowMs: 60_000,
  perIp: 600,
  perUser: 1200,
  cost: 200_000,
  prefix: 'ratelimit',
} as const;

export function rateLimitConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const read = (name: string, fallback: number, allowZero = true): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
      throw new Error(
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${raw}"`,
      );
    }
    return value;
  };
  return {
    enabled: !['off', 'false', '0'].includes((env.RATE_LIMIT ?? '').trim().toLowerCase()),
    windowMs: read('RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMITS.windowMs, false),
    perIp: read('RATE_LIMIT_PER_IP', DEFAULT_RATE_LIMITS.perIp),
    perUser: read('RATE_LIMIT_PER_USER', DEFAULT_RATE_LIMITS.perUser),
    cost: read('RATE_LIMIT_COST', DEFAULT_RATE_LIMITS.cost),
    prefix: env.RATE_LIMIT_PREFIX?.trim() || DEFAULT_RATE_LIMITS.prefix,
    redisUrl: env.REDIS_URL || undefined,
  };
}

/**
 * RATE_LIMIT_EXEMPT_IPS: client IPs (as router/auth sees them) that no limit counts, so a
 * load generator on an address of its own can measure the router with the limits on for
 * every other caller.
 */
export function exemptIpsFromEnv(env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> {
  return new Set(
    (env.RATE_LIMIT_EXEMPT_IPS ?? '')
      .split(',')
      .map((ip) => ip.trim())
      .filter(Boolean)
      .map((ip) => {
        if (!isIP(ip)) throw new Error(`RATE_LIMIT_EXEMPT_IPS: "${ip}" is not an IP address`);
        return ip;
      }),
  );
}
