import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

export type Result = {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
};

/** A subscription a test can pull events from, one at a time, with a deadline. */
export interface Subscription {
  next(timeoutMs?: number): Promise<Result>;
  close(): Promise<void>;
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

function fromIterator(
  iterator: AsyncIterableIterator<Result>,
  cleanup: () => void | Promise<void> = () => {},
): Subscription {
  return {
    async next(timeoutMs = 10_000) {
      const item = await withDeadline(iterator.next(), timeoutMs, 'a subscription event');
      if (item.done) throw new Error('subscription completed');
      return item.value;
    },
    async close() {
      await iterator.return?.();
      await cleanup();
    },
  };
}

export function wsClient(
  routerUrl: string,
  connectionParams: Record<string, unknown> = {},
): WsClient {
  return createWsClient({
    url: routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
  });
}

export function subscribeWs(
  client: WsClient,
  query: string,
  variables: Record<string, unknown>,
): Subscription {
  return fromIterator(client.iterate<any>({ query, variables }) as AsyncIterableIterator<Result>);
}

export function subscribeSse(
  routerUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Subscription {
  const client = createSseClient({ url: `${routerUrl}/stream`, retryAttempts: 0 });
  return fromIterator(
    client.iterate<any>({ query, variables }) as AsyncIterableIterator<Result>,
    () => client.dispose(),
  );
}

/** Apollo Client's multipart HTTP subscription protocol, read part by part. */
export function subscribeMultipart(
  routerUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Subscription {
  const controller = new AbortController();
  const parts: Result[] = [];
  const waiters: ((r: Result) => void)[] = [];
  const deliver = (r: Result) => (waiters.length ? waiters.shift()!(r) : parts.push(r));
  void (async () => {
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
      },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const pieces = buffer.split('\r\n--graphql');
      buffer = pieces.pop()!;
      for (const piece of pieces) {
        const json = piece.slice(piece.indexOf('\r\n\r\n') + 4);
        if (!json.trim().startsWith('{')) continue;
        const part = JSON.parse(json);
        if (part.payload) deliver(part.payload);
        else if (part.errors) deliver({ errors: part.errors });
      }
    }
  })().catch(() => {});
  return {
    async next(timeoutMs = 10_000) {
      if (parts.length) return parts.shift()!;
      return withDeadline(
        new Promise<Result>((resolve) => waiters.push(resolve)),
        timeoutMs,
        'a multipart part',
      );
    },
    async close() {
      controller.abort();
    },
  };
}

/**
 * A graphql-ws connection with `token` as its bearer: `ready` resolves on ack, `query` runs
 * one operation on the socket, `closed` says how the router closed it (null while open).
 */
export function connectWs(url: string, token: string) {
  let closed: { code: number; reason: string } | null = null;
  let client!: WsClient;
  const ready = new Promise<void>((resolve, reject) => {
    client = createWsClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
    });
    client.on('connected', () => resolve());
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      closed = { code, reason };
      reject(new Error(`closed ${code} ${reason}`));
    });
  });
  const query = (q: string) =>
    new Promise<Result>((resolve, reject) => {
      let result: Result = {};
      client.subscribe(
        { query: q },
        {
          next: (r) => (result = r as Result),
          error: (e) => reject(e),
          complete: () => resolve(result),
        },
      );
    });
  return { client, ready, query, closed: () => closed };
}

/** Waits until `check` holds, polling; for effects that happen after a response (cleanup). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
