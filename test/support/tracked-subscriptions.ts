import { createClient as createSseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { eventually, wsClient, type Result } from './subscriptions';

export type Transport = 'ws' | 'sse' | 'multipart';

/**
 * A subscription that records everything it receives, as it arrives, and how it ended:
 * for tests that watch hundreds at once and then count (events, error results, ends).
 */
export interface Tracked {
  transport: Transport;
  query: string;
  events: Result[];
  /** The server completed the stream (a normal end). */
  completed: boolean;
  /** The transport failed: a socket or request error, not a GraphQL result. */
  failure: unknown;
  /** Waits until at least `count` results arrived. */
  received(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

function tracked(transport: Transport, query: string): Tracked & { close: () => void } {
  const entry: Tracked = {
    transport,
    query,
    events: [],
    completed: false,
    failure: null,
    received: (count, timeoutMs = 15_000) =>
      eventually(() => entry.events.length >= count || entry.completed, timeoutMs).then(() => {
        if (entry.events.length < count)
          throw new Error(`${transport} subscription ended after ${entry.events.length} results`);
      }),
    close: () => {},
  };
  return entry;
}

/** `count` subscriptions over graphql-ws, `perSocket` to a connection. */
export function trackWs(
  routerUrl: string,
  queries: string[],
  variables: Record<string, unknown>,
  perSocket: number,
): { subscriptions: Tracked[]; sockets: WsClient[]; closedSockets: () => number } {
  const sockets: WsClient[] = [];
  let closed = 0;
  const subscriptions = queries.map((query, index) => {
    if (index % perSocket === 0) {
      const client = wsClient(routerUrl);
      client.on('closed', () => (closed += 1));
      sockets.push(client);
    }
    const client = sockets.at(-1)!;
    const entry = tracked('ws', query);
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (result) => void entry.events.push(result as Result),
        error: (error) => (entry.failure = error),
        complete: () => (entry.completed = true),
      },
    );
    entry.close = dispose;
    return entry;
  });
  return { subscriptions, sockets, closedSockets: () => closed };
}

/** One SSE stream (its own HTTP request, graphql-sse's distinct connections mode). */
export function trackSse(
  routerUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Tracked {
  const client = createSseClient({ url: `${routerUrl}/stream`, retryAttempts: 0 });
  const entry = tracked('sse', query);
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => void entry.events.push(result as Result),
      error: (error) => (entry.failure = error),
      complete: () => (entry.completed = true),
    },
  );
  entry.close = () => {
    dispose();
    client.dispose();
  };
  return entry;
}

/** Apollo Client's multipart protocol; `completed` once the closing boundary arrived. */
export function trackMultipart(
  routerUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Tracked {
  const entry = tracked('multipart', query);
  const controller = new AbortController();
  entry.close = () => controller.abort();
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
        const part = JSON.parse(json) as { payload?: Result; errors?: Result['errors'] };
        if (part.payload) entry.events.push(part.payload);
        else if (part.errors) entry.events.push({ errors: part.errors });
      }
    }
    // The last boundary is `--graphql--`: a normal end, as opposed to a cut connection.
    if (buffer.startsWith('--')) entry.completed = true;
    else entry.failure = new Error('multipart stream cut without its closing boundary');
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) entry.failure = error;
  });
  return entry;
}
