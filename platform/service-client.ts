import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { signIdentity } from './identity';

/** A fellow subgraph did not answer, or answered with an error it did not mean for us. */
export class UpstreamError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'UpstreamError';
  }
}

export interface ServiceClient {
  /** A generated operation (`subgraphs/<caller>/generated/clients/<callee>.ts`): typed both ways. */
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData>;
  request<T>(query: string | DocumentNode, variables?: Record<string, unknown>): Promise<T>;
}

const printed = new WeakMap<DocumentNode, string>();
function textOf(query: string | DocumentNode): string {
  if (typeof query === 'string') return query;
  let text = printed.get(query);
  if (text === undefined) {
    text = print(query);
    printed.set(query, text);
  }
  return text;
}

/**
 * Calls another subgraph directly (not through the router), signed as a platform
 * service. Used only where one domain must make another act, as checkout does.
 */
export function createServiceClient(
  caller: string,
  service: string,
  url: string | undefined,
  timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS ?? 10000),
): ServiceClient {
  return {
    async request<T>(
      query: string | DocumentNode,
      variables: Record<string, unknown> = {},
    ): Promise<T> {
      if (!url) throw new UpstreamError(service, 'no URL configured');
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signIdentity({ kind: 'service', service: caller }),
          },
          body: JSON.stringify({ query: textOf(query), variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new UpstreamError(service, (error as Error).message);
      }
      const body = (await response.json().catch(() => null)) as {
        data?: T;
        errors?: { message: string }[];
      } | null;
      if (!body || body.errors?.length || !body.data) {
        const reason = body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`;
        throw new UpstreamError(service, reason);
      }
      return body.data;
    },
  };
}
