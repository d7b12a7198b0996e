import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signIdentity } from '../subgraphs/kit/identity';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { RouterContext } from './context';

/**
 * Every call to a subgraph carries the identity the router vouches for, signed, and
 * the request id, so that subgraph logs line up with the router's.
 */
export class SignedSubgraphSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    readonly subgraph: string,
    url: string,
    timeoutMs: number,
    private readonly observers: readonly SubgraphCallObserver[] = [],
  ) {
    super({ url, fetcher: fetchWithTimeout(timeoutMs) });
  }

  /** Every call, timed and reported to the observers (metrics, logs), whatever its outcome. */
  override async process(options: GraphQLDataSourceProcessOptions<RouterContext>) {
    const started = performance.now();
    try {
      const response = await super.process(options);
      this.report(started, response.errors?.length ? 'graphql_error' : 'ok', options);
      return response;
    } catch (error) {
      this.report(started, 'failed', options);
      throw error;
    }
  }

  private report(started: number, outcome: SubgraphCallOutcome, options: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const call = { subgraph: this.subgraph, durationMs: performance.now() - started, outcome, requestId: options.context?.requestId };
    for (const observe of this.observers) observe(call);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const viewer = context?.viewer ?? { kind: 'anonymous' as const };
    for (const [name, value] of Object.entries(signIdentity(viewer))) request.http?.headers.set(name, value);
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

export type SubgraphCallOutcome = 'ok' | 'graphql_error' | 'failed';

export type SubgraphCallObserver = (call: {
  subgraph: string;
  durationMs: number;
  outcome: SubgraphCallOutcome;
  requestId: string | undefined;
}) => void;

/** Node's own fetch (keep-alive by default) with a deadline, so a hung subgraph cannot hold a request. */
function fetchWithTimeout(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}
