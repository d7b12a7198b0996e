import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { loadConfig, setting } from './config';
import { HttpPools } from './http-pools';
import { DomainError, ErrorCode } from './errors';
import { signIdentity, type Viewer } from './identity';

/**
 * A fellow subgraph did not answer, or answered with errors it did not mean for us. It is
 * a DomainError (a mutation's `withUserErrors` turns it into a userError with code
 * UPSTREAM_UNAVAILABLE) and carries `extensions` (a query's GraphQL error keeps the code
 * and names the dependency instead of being masked as INTERNAL_SERVER_ERROR). Retryable.
 */
export class UpstreamError extends DomainError {
  readonly extensions: { code: string; dependency: string };

  constructor(
    readonly service: string,
    readonly reason: string,
    /** It did not answer (down, timed out, 5xx, or itself cut off from a dependency). */
    readonly unavailable = true,
  ) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, `${service} is unavailable; try again shortly`, null);
    this.name = 'UpstreamError';
    this.extensions = { code: ErrorCode.UPSTREAM_UNAVAILABLE, dependency: service };
  }
}

export interface RequestOptions {
  /**
   * Sign the call as this viewer instead of as the calling service: a subgraph asking the
   * owner of an entity whether *its caller* may read it forwards the caller's identity.
   */
  viewer?: Viewer;
}

export interface ServiceClient {
  /** A generated operation (`subgraphs/<caller>/generated/clients/<callee>.ts`): typed variables and data. */
  execute<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData>;
  /** The same, or untyped for a document that is not generated. */
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    options?: RequestOptions,
  ): Promise<TData>;
  request<T>(
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<T>;
}

const config = () => loadConfig({ SERVICE_TIMEOUT_MS: setting.int(10000, { min: 1 }) });

/** Keep-alive connections per callee origin, at most; further calls queue in its pool. */
const CONNECTIONS_PER_SERVICE = 32;

// One pool per callee origin for the whole process, shared by every client of it.
const pools = new HttpPools(CONNECTIONS_PER_SERVICE);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Calls another subgraph directly (not through the router), signed as a platform
 * service. Used only where one domain must make another act, as checkout does.
 */
export function createServiceClient(
  caller: string,
  service: string,
  url: string | undefined,
  timeoutMs = config().SERVICE_TIMEOUT_MS,
): ServiceClient {
  const printed = new WeakMap<DocumentNode, string>();
  const textOf = (query: string | DocumentNode): string => {
    if (typeof query === 'string') return query;
    let text = printed.get(query);
    if (!text) printed.set(query, (text = print(query)));
    return text;
  };
  async function request<T>(
    query: string | DocumentNode,
    variables: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<T> {
    if (!url) throw new UpstreamError(service, 'no URL configured');
    const requestBody = JSON.stringify({ query: textOf(query), variables });
    let status: number;
    let text: string;
    try {
      const { pool, path } = pools.targetOf(url);
      const response = await pool.request({
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // Signed for the callee and this body only.
          ...signIdentity(options.viewer ?? { kind: 'service', service: caller }, {
            audience: service,
            body: requestBody,
          }),
        },
        body: requestBody,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new UpstreamError(service, (error as Error).message);
    }
    const body = parsed(text) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: unknown } }[];
    } | null;
    if (!body || body.errors?.length || !body.data) {
      const reason = body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${status}`;
      const unavailable =
        (!body && status >= 500) ||
        Boolean(body?.errors?.some((e) => e.extensions?.code === 'UPSTREAM_UNAVAILABLE'));
      throw new UpstreamError(service, reason, unavailable);
    }
    return body.data;
  }
  return {
    request,
    execute: (document, variables) => request(document, variables),
  };
}
