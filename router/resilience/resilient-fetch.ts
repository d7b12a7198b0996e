import type { Fetcher } from '@apollo/utils.fetcher';
import { createLogger } from '../../platform/logging';
import { CircuitBreaker, type BreakerPermit, type BreakerState } from './circuit-breaker';
import { ConnectionLimiter } from './connection-limiter';
import type { SubgraphResilience } from './config';

/** Why a subgraph could not answer; the router turns it into an UPSTREAM_UNAVAILABLE error. */
export type UnavailableReason = 'circuit_open' | 'timeout' | 'connection' | 'http_status';

export class SubgraphUnavailableError extends Error {
  constructor(
    readonly subgraph: string,
    readonly reason: UnavailableReason,
    detail: string,
  ) {
    super(`Subgraph "${subgraph}" is unavailable: ${detail}`);
    this.name = 'SubgraphUnavailableError';
  }
}

/** The client-facing error for a subgraph that could not answer: names it, never its URL. */
export function subgraphUnavailableError(error: SubgraphUnavailableError) {
  return {
    message: error.message,
    extensions: {
      code: 'UPSTREAM_UNAVAILABLE',
      dependency: error.subgraph,
      serviceName: error.subgraph,
      reason: error.reason,
    },
  };
}

/** The calls to one subgraph: a deadline, a bounded pool, a breaker. */
export interface ResilientFetch {
  fetcher: Fetcher;
  breaker: CircuitBreaker | null;
  limiter: ConnectionLimiter;
  settings: SubgraphResilience;
}

const ALWAYS: BreakerPermit = { success: () => {}, failure: () => {} };

const logger = createLogger('router');

/** A breaker opening or closing is something an operator wants to see: warn / info. */
export function logBreakerChange(subgraph: string, from: BreakerState, to: BreakerState): void {
  logger[to === 'closed' ? 'info' : 'warn'](`subgraph circuit ${to}`, { subgraph, from, to });
}

/**
 * Node's fetch (keep-alive connections, pooled per origin) wrapped so that:
 * - an open breaker fails the call at once, without touching the network;
 * - at most `maxConnections` calls are in flight to the subgraph (see ConnectionLimiter);
 * - the whole call, from waiting for a slot to the last byte of the body, has a deadline;
 * - no connection, a timeout or an HTTP 5xx count as failures for the breaker and throw a
 *   SubgraphUnavailableError; any other answer (GraphQL errors included) is a success.
 */
export function resilientFetch(
  subgraph: string,
  settings: SubgraphResilience,
  onStateChange: (
    subgraph: string,
    from: BreakerState,
    to: BreakerState,
  ) => void = logBreakerChange,
): ResilientFetch {
  const breaker = settings.breaker
    ? new CircuitBreaker(subgraph, settings.breaker, onStateChange)
    : null;
  const limiter = new ConnectionLimiter(settings.maxConnections);
  const fetcher = async (url: string, init?: RequestInit): Promise<Response> => {
    const permit = breaker ? breaker.tryAcquire() : ALWAYS;
    if (!permit)
      throw new SubgraphUnavailableError(
        subgraph,
        'circuit_open',
        'circuit open after repeated failures, not called',
      );
    const signal = AbortSignal.timeout(settings.timeoutMs);
    let release: (() => void) | undefined;
    try {
      release = await limiter.acquire(signal);
      const response = await fetch(url, { ...init, signal });
      if (response.status >= 500) {
        await response.body?.cancel().catch(() => {});
        throw new SubgraphUnavailableError(subgraph, 'http_status', `HTTP ${response.status}`);
      }
      // Read the body here, so the slot (the connection) is held until it is free again
      // and the deadline covers a subgraph that stalls mid-body.
      const body = await response.arrayBuffer();
      permit.success();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      permit.failure();
      throw classify(subgraph, settings.timeoutMs, signal, error);
    } finally {
      release?.();
    }
  };
  return { fetcher: fetcher as unknown as Fetcher, breaker, limiter, settings };
}

function classify(
  subgraph: string,
  timeoutMs: number,
  signal: AbortSignal,
  error: unknown,
): SubgraphUnavailableError {
  if (error instanceof SubgraphUnavailableError) return error;
  if (signal.aborted)
    return new SubgraphUnavailableError(subgraph, 'timeout', `no answer within ${timeoutMs} ms`);
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return new SubgraphUnavailableError(subgraph, 'connection', `connection failed${code}`);
}
