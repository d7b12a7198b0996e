import type { Fetcher } from '@apollo/utils.fetcher';
import type { Dispatcher } from 'undici';
import { HttpPools } from '../../platform/http-pools';
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
    readonly detail: string,
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

/** What the data source sends: a GraphQL POST (tests send GETs without it). */
export interface SubgraphRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The calls to one subgraph: a deadline, a bounded pool, a breaker. */
export interface ResilientFetch {
  fetcher: Fetcher;
  breaker: CircuitBreaker | null;
  limiter: ConnectionLimiter;
  settings: SubgraphResilience;
  /** Closes what the calls hold open. */
  close(): Promise<void>;
}

const ALWAYS: BreakerPermit = { success: () => {}, failure: () => {} };

const logger = createLogger('router');

/** A breaker opening or closing is something an operator wants to see: warn / info. */
export function logBreakerChange(subgraph: string, from: BreakerState, to: BreakerState): void {
  logger[to === 'closed' ? 'info' : 'warn'](`subgraph circuit ${to}`, { subgraph, from, to });
}

/** The response headers as undici gives them, read the way fetch's Headers are. */
export class SubgraphHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/**
 * A subgraph's answer, read to the end: what the gateway's data source reads of a fetch
 * Response (status, a header, the text or JSON), without a web stream or a copy of the
 * body. `clone()` shares the text, for callers of a shared (deduplicated) call.
 */
export class SubgraphResponse {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: SubgraphHeaders,
    private readonly body: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get statusText(): string {
    return '';
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  clone(): SubgraphResponse {
    return new SubgraphResponse(this.url, this.status, this.headers, this.body);
  }
}

/**
 * Calls on an undici Pool per origin (`maxConnections` keep-alive connections, the
 * request API: no web streams, no Request or Response objects), wrapped so that:
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
  const pools = new HttpPools(settings.maxConnections);
  const fetcher = async (url: string, init?: SubgraphRequestInit): Promise<SubgraphResponse> => {
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
      const { pool, path } = pools.targetOf(url);
      const response = await pool.request({
        path,
        method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: init?.headers,
        body: init?.body,
        signal,
      });
      if (response.statusCode >= 500) {
        await response.body.dump().catch(() => {});
        throw new SubgraphUnavailableError(subgraph, 'http_status', `HTTP ${response.statusCode}`);
      }
      // Read the body here, so the slot (the connection) is held until it is free again
      // and the deadline covers a subgraph that stalls mid-body. Read once, as text: the
      // data source parses it.
      const body = await response.body.text();
      permit.success();
      return new SubgraphResponse(
        url,
        response.statusCode,
        new SubgraphHeaders(response.headers),
        body,
      );
    } catch (error) {
      permit.failure();
      throw classify(subgraph, settings.timeoutMs, signal, error);
    } finally {
      release?.();
    }
  };
  return {
    fetcher: fetcher as unknown as Fetcher,
    breaker,
    limiter,
    settings,
    close: () => pools.close(),
  };
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
  // undici names the socket error on the error itself; fetch on its cause.
  const failure = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const raw = failure?.cause?.code ?? failure?.code;
  const code = typeof raw === 'string' && !raw.startsWith('UND_ERR_') ? ` (${raw})` : '';
  return new SubgraphUnavailableError(subgraph, 'connection', `connection failed${code}`);
}
