import { UpstreamError } from './service-client';

/**
 * What a subgraph depends on at run time, as clients and metrics name it: `postgres`,
 * `redis`, or a fellow subgraph's name (`pricing`) for calls through the service client.
 */
export type Dependency = string;

/** A dependency could not be reached: thrown by code that knows which one it was. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

// Socket-level failures: the peer is not there, went away, or did not answer in time.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATE classes 08 (connection exception) and 57P0x (the server is shutting down or
// starting), 53300 (too many connections): the query never ran or was cut off; retryable.
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-4]|53300)$/;
const POSTGRES_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command/i;
const REDIS_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'ReplyError', 'AbortError']);
const REDIS_CONNECTION_MESSAGES = /^(Connection is closed\.|Stream isn't writeable)/;

/** Every error in a chain: `cause`, TypeORM's `driverError`, `thrownValue`, an AggregateError's `errors`. */
function* chain(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (!error || typeof error !== 'object' || depth > 8) return;
  const record = error as Record<string, unknown>;
  yield record;
  yield* chain(record.driverError, depth + 1);
  yield* chain(record.cause, depth + 1);
  // graphql-js wraps a thrown non-Error (pg throws bare socket errors) as NonErrorThrown.
  yield* chain(record.thrownValue, depth + 1);
  if (Array.isArray(record.errors))
    for (const inner of record.errors) yield* chain(inner, depth + 1);
}

/**
 * Which dependency an error says is unavailable, or null when it is not an outage (a bug,
 * bad input, a refusal). PostgreSQL is the one a subgraph's own socket errors come from:
 * HTTP calls to fellow subgraphs arrive as UpstreamError, Redis's as ioredis errors.
 */
export function unavailableDependency(error: unknown): Dependency | null {
  let network = false;
  for (const link of chain(error)) {
    if (link instanceof DependencyUnavailableError) return link.dependency;
    if (link instanceof UpstreamError) return link.unavailable ? link.service : null;
    const name = typeof link.name === 'string' ? link.name : '';
    const message = typeof link.message === 'string' ? link.message : '';
    const code = typeof link.code === 'string' ? link.code : '';
    // undici's: an HTTP call that is not a fellow subgraph's (those are UpstreamErrors).
    if (name === 'TypeError' && message === 'fetch failed') return 'http';
    if (REDIS_ERROR_NAMES.has(name) || REDIS_CONNECTION_MESSAGES.test(message)) return 'redis';
    if (POSTGRES_UNAVAILABLE.test(code) || POSTGRES_CONNECTION_MESSAGES.test(message))
      return 'postgres';
    if (NETWORK_CODES.has(code)) network = true;
  }
  return network ? 'postgres' : null;
}

const counts = new Map<Dependency, number>();

/**
 * Outages this process answered with UPSTREAM_UNAVAILABLE, by dependency: what a
 * subgraph's metrics and tests read (`outageCount('postgres')`).
 */
export function recordOutage(dependency: Dependency): void {
  counts.set(dependency, (counts.get(dependency) ?? 0) + 1);
}

export function outageCount(dependency: Dependency): number {
  return counts.get(dependency) ?? 0;
}

export function outageCounts(): Record<Dependency, number> {
  return Object.fromEntries(counts);
}
