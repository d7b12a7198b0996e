import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRouter, type RunningRouter } from '../router/server';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { redisAvailable, startTestRedis, type TestRedis } from '../platform/testing/redis';
import { wsClient } from './support/subscriptions';

/**
 * The router as a production edge: operation limits, persisted operations, CORS, CSRF,
 * security headers and production mode, against the whole platform. Every rejection
 * must happen before any subgraph is asked: a spy on fetch records calls to the
 * subgraphs' URLs, and their SQL statement counters must not move.
 */
let platform: TestPlatform;
let subgraphUrls: Set<string>;
const subgraphCalls: string[] = [];
let fetchSpy: jest.SpyInstance;

beforeAll(async () => {
  platform = await startTestPlatform('router_limits');
  subgraphUrls = new Set(Object.values(platform.subgraphs).map((s) => s.url));
  const original = globalThis.fetch;
  fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url =
      typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    if (subgraphUrls.has(url)) subgraphCalls.push(url);
    return original(input, init);
  });
});

afterAll(async () => {
  fetchSpy?.mockRestore();
  await platform?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function send(
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

const post = (
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
) => send(platform.router.url, { query, variables }, headers);

function statementsNow(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(platform.subgraphs).map(([name, s]) => [name, s.statements.count]),
  );
}

/** Runs `request` and asserts that no subgraph received anything meanwhile. */
async function withoutSubgraphs<T>(request: () => Promise<T>): Promise<T> {
  subgraphCalls.length = 0;
  const before = statementsNow();
  const result = await request();
  expect(subgraphCalls).toEqual([]);
  expect(statementsNow()).toEqual(before);
  return result;
}

function expectRejected(answer: Answer, code: string): Record<string, any> {
  expect(answer.status).toBe(400);
  expect(answer.headers.get('content-type')).toContain('application/json');
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  return answer.body.errors![0]!.extensions!;
}

const data = (answer: Answer) => dataOf({ status: answer.status, ...answer.body });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const base = (router: { url: string }) => router.url.replace(/\/graphql$/, '');
const deepCategories = (depth: number) =>
  `categories ${'{ children '.repeat(depth - 2)}{ id }${' }'.repeat(depth - 2)}`;

describe('operation limits, before any subgraph is called', () => {
  it('lets an ordinary query through to the subgraphs (the spy sees them)', async () => {
    subgraphCalls.length = 0;
    const result = dataOf(
      await platform.query(
        '{ products(first: 2) { totalCount edges { node { name availability { inStock } } } } }',
      ),
    );
    expect(typeof result.products.totalCount).toBe('number');
    expect(subgraphCalls.length).toBeGreaterThan(0);
  });

  it('refuses a query 50 fields deep', async () => {
    const answer = await withoutSubgraphs(() => post(`{ ${deepCategories(50)} }`));
    expect(expectRejected(answer, 'MAX_DEPTH_EXCEEDED')).toMatchObject({ depth: 50, limit: 15 });
  });

  it('refuses a query with 1,000 aliases', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: name`).join(' ');
    const answer = await withoutSubgraphs(() =>
      post(`{ products(first: 1) { edges { node { ${aliases} } } } }`),
    );
    expect(expectRejected(answer, 'MAX_ALIASES_EXCEEDED')).toMatchObject({
      aliases: 1000,
      limit: 30,
    });
  });

  it('refuses a 2 MB document with JSON, not an HTML 413', async () => {
    const query = `{ __typename ${' '.repeat(2 * 1024 * 1024)}}`;
    const answer = await withoutSubgraphs(() => post(query));
    expectRejected(answer, 'DOCUMENT_TOO_LARGE');
  });

  it('refuses a document above 100 kB that fits in the body limit', async () => {
    const answer = await withoutSubgraphs(() => post(`{ __typename ${' '.repeat(150_000)}}`));
    expect(expectRejected(answer, 'DOCUMENT_TOO_LARGE')).toMatchObject({ limit: 100_000 });
  });

  it('refuses an operation over the cost budget, with its cost and the budget', async () => {
    const query =
      '{ products(first: 100) { edges { node { name variants { sku inventoryItems { onHand warehouse { code } } } } } } }';
    const answer = await withoutSubgraphs(() => post(query));
    const extensions = expectRejected(answer, 'COST_EXCEEDED');
    expect(extensions.budget).toBe(10_000);
    expect(extensions.cost).toBeGreaterThan(10_000);
  });

  it('refuses first: 500 on a connection, from a literal or a variable', async () => {
    const literal = await withoutSubgraphs(() =>
      post('{ products(first: 500) { edges { node { id } } } }'),
    );
    expect(expectRejected(literal, 'FIRST_TOO_LARGE')).toMatchObject({ first: 500, limit: 100 });
    const variable = await withoutSubgraphs(() =>
      post('query($n: Int) { products(first: $n) { totalCount } }', { n: 500 }),
    );
    expectRejected(variable, 'FIRST_TOO_LARGE');
  });

  it('refuses too many tokens, root fields and directives', async () => {
    expectRejected(
      await withoutSubgraphs(() =>
        post(`{ products(first: 1) { edges { node { ${'id '.repeat(5001)}} } } }`),
      ),
      'MAX_TOKENS_EXCEEDED',
    );
    expectRejected(
      await withoutSubgraphs(() => post(`{ ${'__typename '.repeat(21)}}`)),
      'MAX_ROOT_FIELDS_EXCEEDED',
    );
    const directives = 'name @include(if: true) '.repeat(51);
    expectRejected(
      await withoutSubgraphs(() => post(`{ product(slug: "x") { ${directives} } }`)),
      'MAX_DIRECTIVES_EXCEEDED',
    );
  });

  it('checks subscriptions sent over SSE and multipart HTTP too', async () => {
    const query = `subscription { orderUpdated(id: "x") { lines { variant { product { category { ${deepCategories(14).replace('categories', 'children')} } } } } } }`;
    const sse = await withoutSubgraphs(() =>
      send(`${platform.router.url}/stream`, { query }, { accept: 'text/event-stream' }),
    );
    expectRejected(sse, 'MAX_DEPTH_EXCEEDED');
    const multipart = await withoutSubgraphs(() =>
      send(
        platform.router.url,
        { query },
        { accept: 'multipart/mixed;subscriptionSpec=1.0,application/json' },
      ),
    );
    expectRejected(multipart, 'MAX_DEPTH_EXCEEDED');
  });

  it('checks queries sent over graphql-ws', async () => {
    const outcome = await withoutSubgraphs(() =>
      overWebSocket(platform.router.url, `{ ${deepCategories(50)} }`),
    );
    expectRefusedOverWebSocket(outcome, 'MAX_DEPTH_EXCEEDED');
  });
});

describe('automatic persisted queries', () => {
  // Unique per run: with REDIS_URL the cache outlives a test run.
  const query = `query Apq${process.pid}x${Date.now()} { warehouses { code } }`;
  const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };

  it('asks for an unknown hash, registers it with the query, then runs the hash alone (POST and GET)', async () => {
    const unknown = await send(platform.router.url, { extensions });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await send(platform.router.url, { query, extensions });
    expect(registered.status).toBe(200);
    const warehouses = data(registered).warehouses;
    expect(Array.isArray(warehouses)).toBe(true);

    const byHash = await send(platform.router.url, { extensions });
    expect(byHash.status).toBe(200);
    expect(data(byHash).warehouses).toEqual(warehouses);

    const url = new URL(platform.router.url);
    url.searchParams.set('extensions', JSON.stringify(extensions));
    const get = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(
      data({ status: get.status, headers: get.headers, body: (await get.json()) as Answer['body'] })
        .warehouses,
    ).toEqual(warehouses);
  });

  it('refuses a hash that does not match the query', async () => {
    const answer = await send(platform.router.url, { query: '{ brands { name } }', extensions });
    expect(answer.status).toBe(400);
  });

  const withRedis = redisAvailable() ? describe : describe.skip;
  withRedis('shared through Redis (REDIS_URL)', () => {
    let redis: TestRedis;
    const routers: RunningRouter[] = [];
    beforeAll(async () => {
      redis = await startTestRedis();
      const saved = process.env.REDIS_URL;
      process.env.REDIS_URL = redis.url;
      try {
        for (let i = 0; i < 2; i++) routers.push(await startRouter(routerConfig()));
      } finally {
        restore('REDIS_URL', saved);
      }
    });
    afterAll(async () => {
      for (const router of routers) await router.stop();
      await redis?.stop();
    });

    it('runs a hash registered on one router on another', async () => {
      const shared = `{ warehouses { id code } } # ${Date.now()}`;
      const sharedExtensions = { persistedQuery: { version: 1, sha256Hash: sha256(shared) } };
      expect(
        (await send(routers[1]!.url, { extensions: sharedExtensions })).body.errors?.[0]?.extensions
          ?.code,
      ).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(
        (await send(routers[0]!.url, { query: shared, extensions: sharedExtensions })).status,
      ).toBe(200);
      const answer = await send(routers[1]!.url, { extensions: sharedExtensions });
      expect(Array.isArray(data(answer).warehouses)).toBe(true);
    });
  });
});

describe('safelist mode (OPERATION_SAFELIST)', () => {
  const listed = 'query Warehouses {\n  warehouses {\n    code\n  }\n}';
  let router: RunningRouter;

  beforeAll(async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'safelist-')), 'operation-manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        operations: [{ name: 'Warehouses', sha256: sha256(listed), body: listed }],
      }),
    );
    const saved = process.env.OPERATION_SAFELIST;
    process.env.OPERATION_SAFELIST = manifest;
    try {
      router = await startRouter(routerConfig());
    } finally {
      restore('OPERATION_SAFELIST', saved);
    }
  });
  afterAll(async () => {
    await router?.stop();
  });

  it('runs a listed operation by its body or by its hash alone', async () => {
    const byBody = await send(router.url, { query: listed });
    expect(Array.isArray(data(byBody).warehouses)).toBe(true);
    const byHash = await send(router.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(listed) } },
    });
    expect(byHash.status).toBe(200);
    expect(data(byHash).warehouses).toEqual(data(byBody).warehouses);
  });

  it('refuses anything else, before any subgraph', async () => {
    const unlisted = await withoutSubgraphs(() =>
      send(router.url, { query: '{ warehouses { code name } }' }),
    );
    expectRejected(unlisted, 'PERSISTED_QUERY_NOT_IN_SAFELIST');
    const unknownHash = await withoutSubgraphs(() =>
      send(router.url, {
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ brands { name } }') } },
      }),
    );
    expectRejected(unknownHash, 'PERSISTED_QUERY_NOT_IN_SAFELIST');
    const apq = await send(router.url, {
      query: '{ brands { name } }',
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ brands { name } }') } },
    });
    expectRejected(apq, 'PERSISTED_QUERY_NOT_IN_SAFELIST');
  });

  it('refuses unlisted operations over graphql-ws too', async () => {
    const outcome = await withoutSubgraphs(() => overWebSocket(router.url, '{ brands { name } }'));
    expectRefusedOverWebSocket(outcome, 'PERSISTED_QUERY_NOT_IN_SAFELIST');
  });
});

describe('CSRF prevention (Apollo Server 5 default)', () => {
  it('refuses simple-content-type POSTs and GETs without a preflight header', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const textPlain = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(textPlain.status).toBe(400);
    expect(await textPlain.text()).toContain('Cross-Site Request Forgery');
    const form = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBe(400);

    const url = new URL(platform.router.url);
    url.searchParams.set('query', '{ __typename }');
    expect((await fetch(url)).status).toBe(400);
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } })).status).toBe(
      200,
    );
    expect((await fetch(url, { headers: { 'x-apollo-operation-name': 'Typename' } })).status).toBe(
      200,
    );
    expect((await post('{ __typename }')).status).toBe(200);
  });
});

describe('CORS and security headers', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('answers a preflight from an allowed origin (any localhost in development)', async () => {
    const response = await preflight(platform.router.url, 'http://localhost:5173');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'content-type, authorization',
    );
    const actual = await post('{ __typename }', undefined, { origin: 'http://localhost:5173' });
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('refuses a preflight from any other origin', async () => {
    const response = await preflight(platform.router.url, 'https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const actual = await post('{ __typename }', undefined, { origin: 'https://evil.example' });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers, a strict CSP on JSON, and no HSTS unless asked', async () => {
    for (const answer of [await post('{ __typename }'), await post(`{ ${deepCategories(50)} }`)]) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(answer.headers.get('strict-transport-security')).toBeNull();
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
    const health = await fetch(`${base(platform.router)}/health`);
    expect(health.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('production mode (NODE_ENV=production)', () => {
  let router: RunningRouter;
  const saved: Record<string, string | undefined> = {};
  const env = {
    NODE_ENV: 'production',
    CORS_ORIGINS: 'https://shop.example.com',
    HSTS: 'on',
    METRICS_BEARER_TOKEN: 'scrape-secret',
  };

  beforeAll(async () => {
    dataOf(await platform.query('{ __typename }')); // the platform's signing secret is in the environment by now
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    router = await startRouter(routerConfig());
  });
  afterAll(async () => {
    await router?.stop();
    for (const name of Object.keys(env)) restore(name, saved[name]);
  });

  it('refuses introspection', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Product") { name } }',
    ]) {
      const answer = await send(router.url, { query });
      expectRejected(answer, 'INTROSPECTION_DISABLED');
    }
    expect(Array.isArray(data(await send(router.url, { query: '{ brands { id } }' })).brands)).toBe(
      true,
    );
  });

  it('gives no field suggestions', async () => {
    const answer = await send(router.url, { query: '{ warehouses { cod } }' });
    expect(answer.body.errors?.[0]?.message).toBe('Cannot query field "cod" on type "Warehouse".');
    const development = await post('{ warehouses { cod } }');
    expect(development.body.errors?.[0]?.message).toMatch(/Did you mean "code"/);
  });

  it('allows only the configured origins, and sends HSTS when HSTS=on', async () => {
    const allowed = await fetch(router.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const localhost = await fetch(router.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(localhost.status).toBe(403);
    const answer = await send(router.url, { query: '{ __typename }' });
    expect(answer.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });
});

type WsOutcome = { result: Answer['body'] } | { closedWith: number };

/** A query over graphql-ws: its first result, or the close code if the server closed instead. */
async function overWebSocket(url: string, query: string): Promise<WsOutcome> {
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
function expectRefusedOverWebSocket(outcome: WsOutcome, code: string): void {
  if ('closedWith' in outcome) expect(outcome.closedWith).toBe(4500);
  else {
    expect(outcome.result.data ?? undefined).toBeUndefined();
    expect(outcome.result.errors?.[0]?.extensions?.code).toBe(code);
  }
}

function routerConfig() {
  return {
    port: 0,
    host: '127.0.0.1',
    supergraphPath: join(__dirname, '..', 'schema', 'supergraph.graphql'),
    subgraphUrls: platform.subgraphUrls,
    subgraphTimeoutMs: 10_000,
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
