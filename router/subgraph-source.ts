import { context as traceContext, propagation } from '@opentelemetry/api';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signIdentity, type Viewer } from '../platform/identity';
import type { RouterContext } from './context';
import { InFlight } from './dedup/inflight';
import {
  resilientFetch,
  subgraphResilienceFromEnv,
  subgraphUnavailableError,
  SubgraphUnavailableError,
  type SubgraphResponse,
  type CircuitBreaker,
  type ConnectionLimiter,
  type UnavailableReason,
} from './resilience';

/**
 * Every call to a subgraph carries the identity the router vouches for, signed, and
 * the request id, so that subgraph logs line up with the router's.
 *
 * Calls go through router/resilience: a deadline (`timeoutMs`, overridden per subgraph by
 * `<NAME>_TIMEOUT_MS`), at most SUBGRAPH_MAX_CONNECTIONS keep-alive connections, and a
 * circuit breaker. A subgraph that cannot answer (down, too slow, 5xx, breaker open) is not
 * a failed request: the gateway gets an answer with one error, `UPSTREAM_UNAVAILABLE`
 * with `dependency` naming the subgraph, and the client gets every other subgraph's data, with the fields
 * this one owns null where the schema allows it.
 */
export class SignedSubgraphSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly breaker: CircuitBreaker | null;
  readonly limiter: ConnectionLimiter;
  /** Identical fetches in flight, sent once (ROUTER_DEDUP_OUTBOUND); null when off. */
  readonly inFlight: InFlight<SubgraphResponse> | null;
  readonly close: () => Promise<void>;

  constructor(
    readonly subgraph: string,
    url: string,
    timeoutMs: number,
    private readonly observers: readonly SubgraphCallObserver[] = [],
    options: { dedup?: boolean } = {},
  ) {
    const calls = resilientFetch(subgraph, subgraphResilienceFromEnv(subgraph, timeoutMs));
    const send = (input: string, init: FetcherInit) =>
      calls.fetcher(input, signed(subgraph, init)) as unknown as Promise<SubgraphResponse>;
    const inFlight = options.dedup
      ? new InFlight<SubgraphResponse>(
          (response) => response.clone(),
          (error) => copyFailure(error),
        )
      : null;
    super({
      url,
      // The signature covers the body the gateway serialized, so it is made here, last.
      fetcher: ((input: string, init: FetcherInit) => {
        const key = inFlight && dedupKey(input, init);
        return key ? inFlight.run(key, () => send(input, init)) : send(input, init);
      }) as never,
    });
    this.breaker = calls.breaker;
    this.limiter = calls.limiter;
    this.inFlight = inFlight;
    this.close = calls.close;
  }

  /** Every call, timed and reported to the observers (metrics, logs), whatever its outcome. */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const started = performance.now();
    try {
      const response = await super.process(options);
      this.report(started, response.errors?.length ? 'graphql_error' : 'ok', options);
      return response;
    } catch (error) {
      if (error instanceof SubgraphUnavailableError) {
        this.report(started, 'failed', options, error.reason);
        return { errors: [subgraphUnavailableError(error)] };
      }
      this.report(started, 'failed', options);
      throw error;
    }
  }

  private report(
    started: number,
    outcome: SubgraphCallOutcome,
    options: GraphQLDataSourceProcessOptions<RouterContext>,
    unavailable?: UnavailableReason,
  ): void {
    const call = {
      subgraph: this.subgraph,
      durationMs: performance.now() - started,
      outcome,
      requestId: options.context?.requestId,
      ...(unavailable ? { unavailable } : {}),
    };
    for (const observe of this.observers) observe(call);
  }

  override willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const viewer = context?.viewer ?? { kind: 'anonymous' as const };
    request.http?.headers.set(SIGN_AS, Buffer.from(JSON.stringify(viewer)).toString('base64url'));
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
    // W3C traceparent of the gateway's fetch span when tracing is on (a no-op otherwise).
    if (request.http)
      propagation.inject(traceContext.active(), request.http.headers, {
        set: (headers, key, value) => headers.set(key, value),
      });
  }
}

/** Carries the viewer from willSendRequest to the fetcher; never sent. */
const SIGN_AS = 'x-router-sign-as';

type FetcherInit = Parameters<ReturnType<typeof resilientFetch>['fetcher']>[1];

/**
 * Two fetches are one when they go to the same URL with the same body (the query the
 * planner built and its representations or variables) for the same viewer, the identity
 * the router signs (so two customers never share a call). Only queries: a mutation is
 * sent as often as it is asked.
 */
function dedupKey(url: string, init: FetcherInit): string | null {
  const body = typeof init?.body === 'string' ? init.body : null;
  if (!body || !/^\{"query":"\s*(query\b|\{)/.test(body)) return null;
  const viewer = (init?.headers as Record<string, string> | undefined)?.[SIGN_AS] ?? '';
  return `${url}\n${viewer}\n${body}`;
}

/** Each waiter of a failed shared call gets an error of its own, of the same kind. */
function copyFailure(error: unknown): unknown {
  if (error instanceof SubgraphUnavailableError)
    return new SubgraphUnavailableError(error.subgraph, error.reason, error.detail);
  if (error instanceof Error) {
    const copy = new Error(error.message, { cause: error });
    copy.name = error.name;
    return copy;
  }
  return error;
}

function signed(subgraph: string, init: FetcherInit): FetcherInit {
  const headers = { ...(init?.headers as Record<string, string> | undefined) };
  const encoded = headers[SIGN_AS];
  delete headers[SIGN_AS];
  const viewer: Viewer = encoded
    ? (JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Viewer)
    : { kind: 'anonymous' };
  const body = typeof init?.body === 'string' ? init.body : '';
  return {
    ...init,
    headers: { ...headers, ...signIdentity(viewer, { audience: subgraph, body }) },
  };
}

export type SubgraphCallOutcome = 'ok' | 'graphql_error' | 'failed';

export type SubgraphCallObserver = (call: {
  subgraph: string;
  durationMs: number;
  outcome: SubgraphCallOutcome;
  requestId: string | undefined;
  /** Set when the subgraph could not answer: why ('circuit_open' means it was not called). */
  unavailable?: UnavailableReason;
}) => void;
