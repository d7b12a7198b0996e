import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { signIdentity, type Viewer } from './identity';

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

export interface RequestOptions {
  /**
   * Sign the call as this viewer instead of as the calling service: a subgraph asking the
   * owner of an entity whether *its caller* may read it forwards the caller's identity.
   */
  viewer?: Viewer;
}

export interface ServiceClient {
  request<T, V extends Record<string, unknown> = Record<string, unknown>>(
    query: string | TypedDocumentNode<T, V>,
    variables?: V,
    options?: RequestOptions,
  ): Promise<T>;
}

/**
 * Calls another subgraph directly (not through the router), signed as a platform
 * service (or as the viewer it forwards). Used where one domain must make another act, as
 * checkout does, or must ask the owner of an entity who may read it.
 */
export function createServiceClient(
  caller: string,
  service: string,
  url: string | undefined,
  timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS ?? 10000),
): ServiceClient {
  return {
    async request<T, V extends Record<string, unknown> = Record<string, unknown>>(
      operation: string | TypedDocumentNode<T, V>,
      variables: V = {} as V,
      options: RequestOptions = {},
    ): Promise<T> {
      if (!url) throw new UpstreamError(service, 'no URL configured');
      const query = typeof operation === 'string' ? operation : print(operation);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signIdentity(options.viewer ?? { kind: 'service', service: caller }),
          },
          body: JSON.stringify({ query, variables }),
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
