import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRouter, type RunningRouter } from '../router/server';
import type { TestPlatform } from './support/platform';
import { dataOf } from '../platform/testing/graphql-client';
import { redisAvailable, startTestRedis, type TestRedis } from '../platform/testing/redis';
import {
  data,
  expectRefusedOverWebSocket,
  expectRejected,
  overWebSocket,
  restore,
  send,
  useEdgePlatform,
  type Answer,
} from './support/edge-platform';

/**
 * The router as a production edge: operation limits, persisted operations, CORS, CSRF,
 * security headers and production mode, against the whole platform. Every rejection
 * must happen before any subgraph is asked: a spy on fetch records calls to the
 * subgraphs' URLs, and their SQL statement counters must not move.
 */
const edge = useEdgePlatform('router_limits');
const { post, withoutSubgraphs, routerConfig, subgraphCalls } = edge;
let platform: TestPlatform;
beforeAll(() => {
  platform = edge.platform;
});
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
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

  it('checks a document again with each request’s variables after it passed', async () => {
    // The router keeps which parsed documents passed; that must not let new variables by.
    const query = 'query($n: Int) { products(first: $n) { totalCount } }';
    expect(typeof data(await post(query, { n: 2 })).products.totalCount).toBe('number');
    expectRejected(await withoutSubgraphs(() => post(query, { n: 500 })), 'FIRST_TOO_LARGE');
    expect(typeof data(await post(query, { n: 3 })).products.totalCount).toBe('number');
    // A refused document without variables is refused every time, not remembered as passed.
    for (let i = 0; i < 2; i++)
      expectRejected(
        await withoutSubgraphs(() => post('{ products(first: 501) { totalCount } }')),
        'FIRST_TOO_LARGE',
      );
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
