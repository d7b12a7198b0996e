import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { operationOf, operationText, sha256Hex } from './documents';
import { INCREMENTAL_ACCEPT, incrementalResults, type IncrementalResult } from './incremental';

export type Token = string | null | undefined;

export interface CommerceClientOptions {
  /** The router's HTTP endpoint, such as https://shop.example/graphql. */
  url: string;
  /** graphql-ws endpoint; default: `url` with ws(s):// (the router serves both on /graphql). */
  wsUrl?: string;
  /** graphql-sse endpoint; default: `${url}/stream`. */
  sseUrl?: string;
  /** How subscriptions travel: WebSocket (default) or Server-Sent Events (HTTP only). */
  subscriptionTransport?: 'ws' | 'sse';
  /** The current access token (sent as `authorization: Bearer …`); none: anonymous. */
  getToken?: () => Token | Promise<Token>;
  /**
   * Called once when the router answers UNAUTHENTICATED (or refuses a WebSocket with
   * 4401/4403); the request or subscription is then retried once. Return the new token,
   * or nothing to have `getToken()` asked again. Concurrent failures share one call.
   */
  refresh?: () => Token | void | Promise<Token | void>;
  /** Alias of `refresh`. */
  onTokenExpired?: () => Token | void | Promise<Token | void>;
  /**
   * Automatic persisted queries: send the document's SHA-256 first, the full text only
   * when the router does not know it yet (PERSISTED_QUERY_NOT_FOUND). A router without
   * APQ costs one extra round trip, once: the client then stops trying. Default false.
   */
  persistedQueries?: boolean;
  /** Extra headers on every HTTP request (not on the WebSocket: browsers cannot set them). */
  headers?: Record<string, string>;
  /** fetch implementation; default: the global one (Node 18+, browsers, React Native). */
  fetch?: typeof globalThis.fetch;
  /** WebSocket implementation where there is no global one (Node 20: `ws`, see sdk/node.ts). */
  webSocketImpl?: unknown;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Variables are optional exactly when the operation has no required variable. */
type VariablesArgs<TVariables, TOptions> =
  Record<string, never> extends TVariables
    ? [variables?: TVariables, options?: TOptions]
    : [variables: TVariables, options?: TOptions];

export interface CommerceClient {
  /** Runs a query or mutation; resolves with its typed data, rejects with a CommerceError. */
  request<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: VariablesArgs<TVariables, RequestOptions>
  ): Promise<TData>;
  /**
   * Runs a query with `@defer` fragments; yields its data as each deferred part arrives,
   * the last with `hasNext: false`. Rejects only without data; a part's failure is in `errors`.
   */
  requestIncremental<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: VariablesArgs<TVariables, RequestOptions>
  ): AsyncIterableIterator<IncrementalResult<TData>>;
  /**
   * Opens a subscription; iterate it with `for await`. Each value is one event's typed
   * data; an error event rejects with a CommerceError. Leaving the loop unsubscribes.
   */
  subscribe<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    ...args: VariablesArgs<TVariables, never>
  ): AsyncIterableIterator<TData>;
  /** Closes the WebSocket and every open subscription. */
  close(): Promise<void>;
}

/** A GraphQL or transport failure. `code` is the first error's `extensions.code`. */
export class CommerceError extends Error {
  readonly code: string | undefined;

  constructor(
    message: string,
    readonly errors: readonly GraphQLFormattedError[] = [],
    readonly status?: number,
    /** Partial data, when the response had some. */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'CommerceError';
    this.code = errors.map(codeOf).find((code) => code !== undefined);
  }
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: GraphQLFormattedError[];
}

interface HttpResult {
  status: number;
  body: GraphQLResponseBody | null;
}

const APQ_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
const APQ_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED';

function codeOf(error: GraphQLFormattedError): string | undefined {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

function hasCode(
  errors: readonly GraphQLFormattedError[] | undefined,
  ...codes: string[]
): boolean {
  return (errors ?? []).some((error) => {
    const code = codeOf(error);
    return (code !== undefined && codes.includes(code)) || codes.some((c) => error.message === c);
  });
}

function isUnauthenticated(result: HttpResult): boolean {
  return result.status === 401 || hasCode(result.body?.errors, 'UNAUTHENTICATED');
}

function toHttpUrl(url: string): string {
  return url.replace(/^ws(s?):/, 'http$1:');
}

export function createCommerceClient(options: CommerceClientOptions): CommerceClient {
  const url = toHttpUrl(options.url);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const refreshHook = options.refresh ?? options.onTokenExpired;
  let persistedQueries = options.persistedQueries === true;
  let refreshing: Promise<Token> | null = null;
  let ws: WsClient | null = null;
  let sse: SseClient | null = null;

  async function token(): Promise<Token> {
    return (await options.getToken?.()) ?? null;
  }

  /** One refresh at a time: concurrent UNAUTHENTICATED answers wait for the same one. */
  function refresh(): Promise<Token> {
    refreshing ??= (async () => {
      try {
        const fresh = await refreshHook!();
        return typeof fresh === 'string' ? fresh : await token();
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function authHeaders(given?: Token): Promise<Record<string, string>> {
    const value = given === undefined ? await token() : given;
    return value ? { authorization: `Bearer ${value}` } : {};
  }

  async function post(
    body: Record<string, unknown>,
    auth: Token,
    call: RequestOptions,
  ): Promise<HttpResult> {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options.headers,
        ...call.headers,
        ...(await authHeaders(auth)),
      },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    const text = await response.text();
    let parsed: GraphQLResponseBody | null = null;
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object') parsed = json as GraphQLResponseBody;
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed };
  }

  /** One attempt with a given token, persisted-query dance included. */
  async function attempt(
    query: string,
    operationName: string | null,
    variables: unknown,
    auth: Token,
    call: RequestOptions,
  ): Promise<HttpResult> {
    const base = { operationName, variables: variables ?? {} };
    if (!persistedQueries) return post({ ...base, query }, auth, call);
    const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(query) } };
    const first = await post({ ...base, extensions }, auth, call);
    const errors = first.body?.errors;
    if (hasCode(errors, APQ_NOT_FOUND)) return post({ ...base, query, extensions }, auth, call);
    // A router without APQ refuses a hash-only request before executing anything (no
    // `data`, a 4xx): send the text, and stop trying persisted queries for this client.
    const refusedBeforeExecution =
      first.status >= 400 &&
      first.status < 500 &&
      first.status !== 401 &&
      !(first.body && 'data' in first.body);
    if (hasCode(errors, APQ_NOT_SUPPORTED) || first.body === null || refusedBeforeExecution) {
      persistedQueries = false;
      return post({ ...base, query }, auth, call);
    }
    return first;
  }

  async function request(
    document: TypedDocumentNode<unknown, never>,
    variables?: unknown,
    call: RequestOptions = {},
  ) {
    const query = operationText(document);
    const { name } = operationOf(document);
    let result = await attempt(query, name, variables, await token(), call);
    if (isUnauthenticated(result) && refreshHook) {
      result = await attempt(query, name, variables, await refresh(), call);
    }
    const body = result.body;
    if (!body)
      throw new CommerceError(`HTTP ${result.status}: not a GraphQL response`, [], result.status);
    if (body.errors?.length) {
      throw new CommerceError(
        body.errors.map((e) => e.message).join('; '),
        body.errors,
        result.status,
        body.data,
      );
    }
    if (body.data === undefined || body.data === null) {
      throw new CommerceError(`HTTP ${result.status}: no data`, [], result.status);
    }
    return body.data;
  }

  async function* requestIncremental(
    document: TypedDocumentNode<unknown, never>,
    variables: unknown = {},
    call: RequestOptions = {},
  ): AsyncGenerator<IncrementalResult<unknown>> {
    const { name } = operationOf(document);
    const body = JSON.stringify({ query: operationText(document), operationName: name, variables });
    const send = async (auth: Token) =>
      fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: INCREMENTAL_ACCEPT,
          ...options.headers,
          ...call.headers,
          ...(await authHeaders(auth)),
        },
        body,
        signal: call.signal,
      });
    let response = await send(await token());
    if (response.status === 401 && refreshHook) response = await send(await refresh());
    yield* incrementalResults(
      response,
      (message, errors, data) => new CommerceError(message, errors, response.status, data),
    );
  }

  function wsClient(): WsClient {
    ws ??= createWsClient({
      url: options.wsUrl ?? url.replace(/^http/, 'ws'),
      webSocketImpl: options.webSocketImpl,
      // The router reads the token once, at connect, from connectionParams.authorization.
      connectionParams: async () => {
        const auth = await authHeaders();
        return auth.authorization ? { authorization: auth.authorization } : {};
      },
      // A refused token (4401/4403) is not retried with the same token: refresh instead.
      shouldRetry: (error) => !isAuthClose(error),
    });
    return ws;
  }

  function sseClient(): SseClient {
    sse ??= createSseClient({
      url: options.sseUrl ?? `${url}/stream`,
      headers: async () => ({ ...options.headers, ...(await authHeaders()) }),
      fetchFn: fetchImpl,
    });
    return sse;
  }

  async function* subscribe(
    document: TypedDocumentNode<unknown, never>,
    variables?: unknown,
  ): AsyncGenerator<unknown> {
    const payload = {
      query: operationText(document),
      operationName: operationOf(document).name ?? undefined,
      variables: (variables ?? {}) as Record<string, unknown>,
    };
    let refreshed = false;
    for (;;) {
      const events =
        options.subscriptionTransport === 'sse'
          ? sseClient().iterate(payload)
          : wsClient().iterate(payload);
      try {
        for await (const event of events) {
          if (event.errors?.length) {
            const errors = event.errors as GraphQLFormattedError[];
            throw new CommerceError(
              errors.map((e) => e.message).join('; '),
              errors,
              undefined,
              event.data,
            );
          }
          yield event.data;
        }
        return;
      } catch (error) {
        const failure = subscriptionFailure(error);
        if (refreshed || !refreshHook || !failure.unauthenticated) throw failure.error;
        refreshed = true;
        await refresh(); // then subscribe again, once, with the new token
      }
    }
  }

  return {
    request: ((
      document: TypedDocumentNode<unknown, never>,
      variables?: unknown,
      options?: RequestOptions,
    ) => request(document, variables, options)) as CommerceClient['request'],
    requestIncremental: requestIncremental as unknown as CommerceClient['requestIncremental'],
    subscribe: ((document: TypedDocumentNode<unknown, never>, variables?: unknown) =>
      subscribe(document, variables)) as CommerceClient['subscribe'],
    async close() {
      const open = [ws, sse];
      ws = null;
      sse = null;
      for (const client of open) await client?.dispose();
    },
  };
}

function isAuthClose(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 4401 || code === 4403;
}

/** graphql-ws rejects with a close event or an error list, graphql-sse with a NetworkError. */
function subscriptionFailure(error: unknown): { error: Error; unauthenticated: boolean } {
  if (error instanceof CommerceError)
    return { error, unauthenticated: error.code === 'UNAUTHENTICATED' };
  if (Array.isArray(error)) {
    const errors = error as GraphQLFormattedError[];
    const wrapped = new CommerceError(errors.map((e) => e.message).join('; '), errors);
    return { error: wrapped, unauthenticated: wrapped.code === 'UNAUTHENTICATED' };
  }
  const status = (error as { response?: { status?: number } } | null)?.response?.status;
  if (status !== undefined) {
    return {
      error: new CommerceError(`HTTP ${status}`, [], status),
      unauthenticated: status === 401,
    };
  }
  if (isAuthClose(error)) {
    const { code, reason } = error as { code: number; reason?: string };
    return {
      error: new CommerceError(`WebSocket closed: ${code} ${reason ?? ''}`.trim()),
      unauthenticated: true,
    };
  }
  if (error && typeof (error as { code?: unknown }).code === 'number') {
    const { code, reason } = error as { code: number; reason?: string };
    return {
      error: new CommerceError(`WebSocket closed: ${code} ${reason ?? ''}`.trim()),
      unauthenticated: false,
    };
  }
  return {
    error: error instanceof Error ? error : new CommerceError(String(error)),
    unauthenticated: false,
  };
}
