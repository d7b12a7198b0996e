import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { signIdentity } from '../subgraphs/kit/identity';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { RouterContext } from './context';

/**
 * Every call to a subgraph carries the identity the router vouches for, signed, and
 * the request id, so that subgraph logs line up with the router's.
 */
export class SignedSubgraphSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(url: string, timeoutMs: number) {
    super({ url, fetcher: fetchWithTimeout(timeoutMs) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const viewer = context?.viewer ?? { kind: 'anonymous' as const };
    for (const [name, value] of Object.entries(signIdentity(viewer))) request.http?.headers.set(name, value);
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

/** Node's own fetch (keep-alive by default) with a deadline, so a hung subgraph cannot hold a request. */
function fetchWithTimeout(timeoutMs: number): Fetcher {
  return ((url: string, init?: RequestInit) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as unknown as Fetcher;
}
