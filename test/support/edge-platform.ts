import { join } from 'node:path';
import { dataOf } from '../../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './platform';
import { watchOutgoingRequests } from './outgoing-requests';
import { wsClient } from './subscriptions';

/**
 * The whole platform for the router-edge tests, recording the requests sent to the
 * subgraphs' URLs: every rejection must happen before any subgraph is asked, and their
 * SQL statement counters must not move.
 */
export function useEdgePlatform(name: string) {
  let platform: TestPlatform;
  let subgraphUrls: Set<string>;
  const subgraphCalls: string[] = [];
  let stopWatching: (() => void) | undefined;

  beforeAll(async () => {
    platform = await startTestPlatform(name);
    subgraphUrls = new Set(Object.values(platform.subgraphs).map((s) => s.url));
    stopWatching = watchOutgoingRequests((request) => {
      if (subgraphUrls.has(request.url)) subgraphCalls.push(request.url);
    });
  });

  afterAll(async () => {
    stopWatching?.();
    await platform?.stop();
  });

  const statementsNow = (): Record<string, number> =>
    Object.fromEntries(Object.entries(platform.subgraphs).map(([n, s]) => [n, s.statements.count]));

  return {
    get platform(): TestPlatform {
      return platform;
    },
    /** Subgraph URLs fetched since the last reset (`subgraphCalls.length = 0`). */
    subgraphCalls,
    post: (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
      send(platform.router.url, { query, variables }, headers),
    /** Runs `request` and asserts that no subgraph received anything meanwhile. */
    async withoutSubgraphs<T>(request: () => Promise<T>): Promise<T> {
      subgraphCalls.length = 0;
      const before = statementsNow();
      const result = await request();
      expect(subgraphCalls).toEqual([]);
      expect(statementsNow()).toEqual(before);
      return result;
    },
    routerConfig: () => ({
      port: 0,
      host: '127.0.0.1',
      supergraphPath: join(__dirname, '..', '..', 'schema', 'supergraph.graphql'),
      subgraphUrls: platform.subgraphUrls,
      subgraphTimeoutMs: 10_000,
    }),
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

export async function send(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

export function expectRejected(answer: Answer, code: string): Record<string, any> {
  expect(answer.status).toBe(400);
  expect(answer.headers.get('content-type')).toContain('application/json');
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  return answer.body.errors![0]!.extensions!;
}

export const data = (answer: Answer) => dataOf({ status: answer.status, ...answer.body });
export const base = (router: { url: string }) => router.url.replace(/\/graphql$/, '');

export function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

export type WsOutcome = { result: Answer['body'] } | { closedWith: number };

/** A query over graphql-ws: its first result, or the close code if the server closed instead. */
export async function overWebSocket(url: string, query: string): Promise<WsOutcome> {
  const client = wsClient(url);
  try {
    const iterator = client.iterate({ query });
    const outcome = await iterator.next().then(
      (next): WsOutcome => ({ result: next.value as Answer['body'] }),
      (closed: { code?: number }): WsOutcome => ({ closedWith: closed.code ?? 0 }),
    );
    await iterator.return?.();
    return outcome;
  } finally {
    await client.dispose();
  }
}

/**
 * Refused over graphql-ws: with its code, or, while router/subscriptions/operations.ts hands
 * graphql-ws plain error objects from Apollo Server (graphql-ws calls `toJSON` on each, so
 * any errors-only result closes the socket with 4500), by the socket closing. Never data.
 */
export function expectRefusedOverWebSocket(outcome: WsOutcome, code: string): void {
  if ('closedWith' in outcome) expect(outcome.closedWith).toBe(4500);
  else {
    expect(outcome.result.data ?? undefined).toBeUndefined();
    expect(outcome.result.errors?.[0]?.extensions?.code).toBe(code);
  }
}
