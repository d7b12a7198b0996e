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
  private readonly call: (
    body: string,
    headers: Record<string, string>,
    viewer: Viewer,
  ) => Promise<SubgraphResponse>;

  constructor(
    readonly subgraph: string,
    url: string,
    timeoutMs: number,
    private readonly observers: readonly SubgraphCallObserver[] = [],
    options: { dedup?: boolean } = {},
  ) {
    // process() below sends every call itself; the data source's own fetch path (which
    // builds a node-fetch Request per call) is never taken.
    super({ url, fetcher: unusedFetcher as never });
    const calls = resilientFetch(subgraph, subgraphResilienceFromEnv(subgraph, timeoutMs));
    // The signature covers the exact body sent, so it is made last.
    const send = (body: string, headers: Record<string, string>, viewer: Viewer) =>
      calls.fetcher(url, {
        method: 'POST',
        headers: { ...headers, ...signIdentity(viewer, { audience: subgraph, body }) },
        body,
      } as never) as unknown as Promise<SubgraphResponse>;
    const inFlight = options.dedup
      ? new InFlight<SubgraphResponse>(
          (response) => response.clone(),
          (error) => copyFailure(error),
        )
      : null;
    this.call = (body, headers, viewer) => {
      const key = inFlight && dedupKey(body, viewer);
      return key
        ? inFlight.run(key, () => send(body, headers, viewer))
        : send(body, headers, viewer);
    };
    this.breaker = calls.breaker;
    this.limiter = calls.limiter;
    this.inFlight = inFlight;
    this.close = calls.close;
  }

  /** Every call, timed and reported to the observers (metrics, logs), whatever its outcome. */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const started = performance.now();
    try {
      const response = await this.send(options);
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

  /**
   * One POST of the planner's fetch, signed as the request's viewer, with the request id
   * and the trace context: what RemoteGraphQLDataSource does, on plain header objects and
   * without the node-fetch Request and Headers it builds for every call.
   */
  private async send(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const context = options.context as RouterContext | undefined;
    const headers: Record<string, string> = {};
    // The executor's own headers (its trace request, when usage reporting is on).
    if (request.http?.headers)
      for (const [name, value] of request.http.headers) headers[name] = value;
    headers['content-type'] = 'application/json';
    if (context?.requestId) headers['x-request-id'] = context.requestId;
    // W3C traceparent of the gateway's fetch span when tracing is on (a no-op otherwise).
    propagation.inject(traceContext.active(), headers);
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    });
    const response = await this.call(body, headers, context?.viewer ?? ANONYMOUS);
    if (!response.ok) throw await this.errorFromResponse(response as never);
    const parsed = await this.parseBody(response as never, undefined, context);
    if (typeof parsed !== 'object' || parsed === null)
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    if ('incomingRequestContext' in options)
      restrictCachePolicy(options.incomingRequestContext, response.headers.get('cache-control'));
    return { ...(parsed as GatewayGraphQLResponse), http: response as never };
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
      requestId: (options.context as RouterContext | undefined)?.requestId,
      ...(unavailable ? { unavailable } : {}),
    };
    for (const observe of this.observers) observe(call);
  }
}

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

const ANONYMOUS: Viewer = { kind: 'anonymous' };

const unusedFetcher = () => Promise.reject(new Error('SignedSubgraphSource sends its own calls'));

/**
 * Two fetches are one when they go to the same subgraph with the same body (the query the
 * planner built and its representations or variables) for the same viewer, the identity
 * the router signs (so two customers never share a call). Only queries: a mutation is
 * sent as often as it is asked.
 */
function dedupKey(body: string, viewer: Viewer): string | null {
  if (!/^\{"query":"\s*(query\b|\{)/.test(body)) return null;
  return `${JSON.stringify(viewer)}\n${body}`;
}

/** A subgraph's `cache-control` narrows the answer's cache policy, as Apollo's data source does. */
function restrictCachePolicy(
  requestContext: { overallCachePolicy?: unknown },
  header: string | null,
): void {
  const policy = requestContext.overallCachePolicy as
    { restrict?: (hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }) => void } | undefined;
  if (!policy?.restrict) return;
  const directives = new Map(
    (header ?? '').split(',').map((part) => {
      const [name, value] = part.trim().split('=');
      return [name!.toLowerCase(), value] as const;
    }),
  );
  const maxAge = directives.get('max-age');
  policy.restrict({
    maxAge: maxAge !== undefined && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
    ...(directives.has('private') ? { scope: 'PRIVATE' as const } : {}),
    ...(directives.has('public') ? { scope: 'PUBLIC' as const } : {}),
  });
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

export type SubgraphCallOutcome = 'ok' | 'graphql_error' | 'failed';

export type SubgraphCallObserver = (call: {
  subgraph: string;
  durationMs: number;
  outcome: SubgraphCallOutcome;
  requestId: string | undefined;
  /** Set when the subgraph could not answer: why ('circuit_open' means it was not called). */
  unavailable?: UnavailableReason;
}) => void;
