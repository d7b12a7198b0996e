import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../../../platform/identity';
import { clientIpFrom } from '../../auth';
import type { RouterContext } from '../../context';
import type { EdgeModule, OperationAdmission } from '../index';
import { exemptIpsFromEnv, rateLimitConfigFromEnv, type RateLimitConfig } from './config';
import { MemoryStore, RedisStore, type Counter, type RateLimitStore, type Verdict } from './store';
import { costWeigher, type RequestWeigher } from './weigher';

export { DEFAULT_RATE_LIMITS, rateLimitConfigFromEnv, type RateLimitConfig } from './config';
export { MemoryStore, RedisStore, type Counter, type RateLimitStore, type Verdict } from './store';
export { costWeigher, unitWeigher, type RequestWeigher } from './weigher';

/**
 * Rate limits (defaults and settings: config.ts). Two stages:
 *
 * 1. Express middleware, before the body is parsed: every request to /graphql or
 *    /graphql/stream counts against its client IP (RATE_LIMIT_PER_IP). Cheap, and it
 *    holds for anonymous floods and for requests with forged tokens alike.
 * 2. An Apollo plugin, once the operation is parsed and the caller's token verified (the
 *    router's context): each operation counts against the verified viewer
 *    (RATE_LIMIT_PER_USER) and its weight against the cost budget (RATE_LIMIT_COST) of
 *    that viewer, or of the IP for anonymous callers. Keying users by the verified id,
 *    not by an unverified JWT `sub`, means nobody can spend another user's budget or
 *    dodge their own by making up tokens.
 *
 * Over a limit: HTTP 429, `extensions.code` RATE_LIMITED, `extensions.retryAfter` and a
 * `Retry-After` header, both in whole seconds. Operations that pass neither stage (every
 * message on a WebSocket, subscriptions on every transport) are counted by `admit`
 * against the same counters, so no transport dodges a limit.
 */
export function rateLimiting(
  options: { weigh?: RequestWeigher; store?: RateLimitStore; env?: NodeJS.ProcessEnv } = {},
): EdgeModule {
  return () => {
    const config = rateLimitConfigFromEnv(options.env);
    if (!config.enabled) return {};
    const exemptIps = exemptIpsFromEnv(options.env);
    const exempt = (ip: string | null | undefined) => Boolean(ip && exemptIps.has(ip));
    const store =
      options.store ??
      (config.redisUrl ? new RedisStore(config.redisUrl) : new MemoryStore(config.windowMs));
    const weigh = options.weigh ?? costWeigher;
    return {
      middleware: [perIp(config, store, exempt)],
      plugins: [perViewer(config, store, weigh, exempt)],
      admit: (operation) =>
        exempt(operation.viewer.clientIp) ? Promise.resolve(null) : admit(config, store, operation),
      close: () => store.close(),
    };
  };
}

function keyOf(config: RateLimitConfig, subject: string, dimension: 'requests' | 'cost'): string {
  // The subject in braces: a Redis Cluster keeps a subject's counters in one slot.
  return `${config.prefix}:{${subject}}:${dimension}`;
}

/** Whether a client IP is one that no limit counts (RATE_LIMIT_EXEMPT_IPS). */
type Exempt = (ip: string | null | undefined) => boolean;

function perIp(config: RateLimitConfig, store: RateLimitStore, exempt: Exempt): RequestHandler {
  return async (req, res, next) => {
    if (!config.perIp || req.method === 'OPTIONS' || !isGraphQLPath(req)) return next();
    const ip = clientIpFrom(req);
    if (exempt(ip)) return next();
    const subject = `ip:${ip ?? 'unknown'}`;
    const verdict = await store.hit(
      [{ key: keyOf(config, subject, 'requests'), weight: 1, limit: config.perIp }],
      config.windowMs,
    );
    if (!verdict.allowed) return refuse(res, verdict);
    if (verdict.remaining >= 0) {
      res.setHeader('RateLimit-Limit', String(config.perIp));
      res.setHeader('RateLimit-Remaining', String(verdict.remaining));
      res.setHeader('RateLimit-Reset', String(seconds(verdict.resetMs)));
    }
    next();
  };
}

function perViewer(
  config: RateLimitConfig,
  store: RateLimitStore,
  weigh: RequestWeigher,
  exempt: Exempt,
): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, request, schema, operationName }) {
          if (exempt(contextValue.viewer.clientIp)) return;
          const user = userOf(contextValue.viewer);
          const counters: Counter[] = [];
          if (user && config.perUser)
            counters.push({
              key: keyOf(config, user, 'requests'),
              weight: 1,
              limit: config.perUser,
            });
          if (config.cost) {
            const subject = user ?? `ip:${contextValue.viewer.clientIp ?? 'unknown'}`;
            const weight = await Promise.resolve(
              weigh({ document, variables: request.variables ?? {}, schema, operationName }),
            )
              .then((w) => (Number.isFinite(w) ? Math.max(0, Math.ceil(w)) : 1))
              .catch(() => 1);
            counters.push({ key: keyOf(config, subject, 'cost'), weight, limit: config.cost });
          }
          if (!counters.length) return;
          const verdict = await store.hit(counters, config.windowMs);
          if (!verdict.allowed) throw rateLimitedError(verdict);
        },
      };
    },
  };
}

async function admit(
  config: RateLimitConfig,
  store: RateLimitStore,
  operation: OperationAdmission,
): Promise<GraphQLError | null> {
  const counters: Counter[] = [];
  if (operation.perIp && config.perIp) {
    const subject = `ip:${operation.viewer.clientIp ?? 'unknown'}`;
    counters.push({ key: keyOf(config, subject, 'requests'), weight: 1, limit: config.perIp });
  }
  const user = userOf(operation.viewer);
  if (operation.perUser && user && config.perUser)
    counters.push({ key: keyOf(config, user, 'requests'), weight: 1, limit: config.perUser });
  if (!counters.length) return null;
  const verdict = await store.hit(counters, config.windowMs);
  return verdict.allowed ? null : rateLimitedError(verdict);
}

/** The verified caller as a rate-limit subject; null for anonymous. */
function userOf(viewer: Viewer): string | null {
  switch (viewer.kind) {
    case 'customer':
      return `customer:${viewer.customerId}`;
    case 'staff':
      return `staff:${viewer.staffId}`;
    case 'service':
      return `service:${viewer.service}`;
    default:
      return null;
  }
}

function isGraphQLPath(req: Request): boolean {
  return req.path === '/graphql' || req.path === '/graphql/stream';
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function message(retryAfter: number): string {
  return `Too many requests: rate limit exceeded, retry in ${retryAfter} s`;
}

function refuse(res: Response, verdict: Extract<Verdict, { allowed: false }>): void {
  const retryAfter = seconds(verdict.retryAfterMs);
  res.setHeader('Retry-After', String(retryAfter));
  res.status(429).json({
    errors: [{ message: message(retryAfter), extensions: { code: 'RATE_LIMITED', retryAfter } }],
  });
}

function rateLimitedError(verdict: Extract<Verdict, { allowed: false }>): GraphQLError {
  const retryAfter = seconds(verdict.retryAfterMs);
  return new GraphQLError(message(retryAfter), {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    },
  });
}
