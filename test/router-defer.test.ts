import { createClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { startRouter, type RunningRouter } from '../router/server';
import {
  bootstrapAdmin,
  callerOf,
  customerToken,
  registerVerified,
  staffToken,
} from './support/accounts';
import { stockChangeShop } from './support/changes';
import {
  mergeIncremental,
  readMultipart,
  type IncrementalPayload,
  type Part,
} from './support/incremental';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { startSlowProxy, type SlowProxy } from './support/slow-proxy';

/**
 * @defer through the router (router/defer/), as Apollo Client and urql use it: a product
 * page whose reviews come from a subgraph slowed by 200 ms paints its name and price
 * first. The router under test reaches reviews through a proxy that answers 200 ms late
 * and notes when; every other subgraph directly. Parts are read with a multipart reader
 * written from the specs (test/support/incremental.ts) and with graphql-sse's client.
 */
let platform: TestPlatform;
let reviews: SlowProxy;
let router: RunningRouter;
let slug: string;
let clearAdmin: () => void;
const ADMIN = { email: 'defer-root@shop.test', password: 'correct horse battery staple' };

const DEFER_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/json';

const PAGE = `query Page($slug: String!) {
  product(slug: $slug) {
    id
    name
    priceRange(currency: "EUR") { min { amount currency } }
    ... @defer(label: "reviews") {
      rating { average count }
      reviews(first: 3) { totalCount edges { node { title } } }
    }
  }
}`;

/** The same query with every `@defer(...)` taken out: what the parts must merge into. */
const undeferred = (query: string) => query.replace(/@defer(\([^)]*\))?/g, '');

async function post(
  query: string,
  variables: Record<string, unknown>,
  accept: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(router.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, ...headers },
    body: JSON.stringify({ query, variables }),
  });
}

async function partsOf(response: Response): Promise<Part[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('deferSpec=20220824');
  const parts: Part[] = [];
  for await (const part of readMultipart(response)) parts.push(part);
  return parts;
}

async function plainAnswer(query: string, variables: Record<string, unknown>) {
  const answer = await postGraphQL(router.url, undeferred(query), variables);
  expect(answer.errors).toBeUndefined();
  return answer.data;
}

const labelsOf = (part: Part) => (part.body.incremental ?? []).map((item) => item.label);

beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('router-defer', {
    authorization: 'enforced',
    background: true,
  });
  const nobody = callerOf(() => platform.router.url, null);
  const staff = callerOf(
    () => platform.router.url,
    await staffToken(nobody, ADMIN.email, ADMIN.password),
  );
  // A tee in three sizes, ten of each in stock.
  const shop = await stockChangeShop({ ...platform, query: staff } as TestPlatform, 'DEFER');
  const found = dataOf(
    await nobody('query ($id: ID) { variant(id: $id) { product { slug } } }', { id: shop.small }),
  );
  slug = found.variant.product.slug;
  reviews = await startSlowProxy(platform.subgraphUrls.reviews!, 200);
  router = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: { ...platform.subgraphUrls, reviews: reviews.url },
    subgraphTimeoutMs: 60_000,
  });
}, 120_000);

afterEach(() => reviews.reset());

afterAll(async () => {
  await router?.stop();
  await reviews?.close();
  await platform?.stop();
  clearAdmin?.();
});

it('paints the product first: its part arrives before the slowed reviews subgraph has answered', async () => {
  const parts = await partsOf(await post(PAGE, { slug }, DEFER_ACCEPT));
  const [first, ...rest] = parts;
  expect(first!.body.hasNext).toBe(true);
  expect(first!.body.data).toEqual({
    product: { id: expect.any(String), name: expect.any(String), priceRange: expect.anything() },
  });
  // The one call to reviews was answered (200 ms late) after the first part had arrived,
  // and the reviews part arrived after that answer.
  expect(reviews.answeredAt).toHaveLength(1);
  expect(first!.arrivedAt).toBeLessThan(reviews.answeredAt[0]!);
  const reviewsPart = rest.find((part) => labelsOf(part).includes('reviews'))!;
  expect(reviewsPart.arrivedAt).toBeGreaterThan(reviews.answeredAt[0]!);
  expect(reviewsPart.body.incremental![0]!.path).toEqual(['product']);
  expect(parts.at(-1)!.body.hasNext).toBe(false);
  expect(mergeIncremental(parts.map((p) => p.body))).toEqual({
    data: await plainAnswer(PAGE, { slug }),
  });
});

it('answers a deferred query as one ordinary result when the client takes only JSON', async () => {
  const response = await post(PAGE, { slug }, 'application/json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as IncrementalPayload;
  expect(body).toEqual({ data: await plainAnswer(PAGE, { slug }) });
});

it('delivers nested and labelled defers, a nested one after its parent, each list item at its path', async () => {
  const query = `query Stock($slug: String!) {
    product(slug: $slug) {
      name
      ... @defer(label: "stock") {
        availability { inStock availableQuantity }
        variants {
          sku
          ... @defer(label: "variant") { availableQuantity }
        }
      }
      ... @defer(label: "rating") { rating { count } }
    }
  }`;
  const parts = await partsOf(await post(query, { slug }, DEFER_ACCEPT));
  const items = parts.flatMap((part, index) =>
    (part.body.incremental ?? []).map((item) => ({ ...item, index })),
  );
  const stock = items.filter((item) => item.label === 'stock');
  const variant = items.filter((item) => item.label === 'variant');
  expect(stock).toHaveLength(1);
  expect(stock[0]!.path).toEqual(['product']);
  expect(items.filter((item) => item.label === 'rating')).toHaveLength(1);
  const variants = (stock[0]!.data as { variants: unknown[] }).variants;
  expect(variants.length).toBeGreaterThan(0);
  // One delivery per variant, at its index, each after the part that made the variant.
  expect(variant.map((item) => item.path)).toEqual(
    expect.arrayContaining(variants.map((_, index) => ['product', 'variants', index])),
  );
  expect(variant).toHaveLength(variants.length);
  for (const item of variant) expect(item.index).toBeGreaterThan(stock[0]!.index);
  expect(mergeIncremental(parts.map((p) => p.body))).toEqual({
    data: await plainAnswer(query, { slug }),
  });
});

it('takes @defer(if: false) as no defer at all, and @defer(if: $var) as the variable says', async () => {
  const literal = PAGE.replace('@defer(label: "reviews")', '@defer(if: false, label: "reviews")');
  const single = await post(literal, { slug }, DEFER_ACCEPT);
  expect(single.headers.get('content-type')).toContain('application/json');
  expect(await single.json()).toEqual({ data: await plainAnswer(PAGE, { slug }) });

  const variable = PAGE.replace(
    'query Page($slug: String!)',
    'query Page($slug: String!, $d: Boolean!)',
  ).replace('@defer(label: "reviews")', '@defer(if: $d, label: "reviews")');
  const off = await post(variable, { slug, d: false }, DEFER_ACCEPT);
  expect(off.headers.get('content-type')).toContain('application/json');
  const on = await partsOf(await post(variable, { slug, d: true }, DEFER_ACCEPT));
  expect(on.length).toBeGreaterThan(1);
  expect(mergeIncremental(on.map((p) => p.body))).toEqual(await off.json());
});

it('delivers a deferred part whose subgraph fails as null with its error; the page stands', async () => {
  reviews.failWith(503);
  const parts = await partsOf(await post(PAGE, { slug }, DEFER_ACCEPT));
  expect(parts[0]!.body.data?.product).toMatchObject({ name: expect.any(String) });
  const failed = parts.flatMap((p) => p.body.incremental ?? []);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ data: null, path: ['product'], label: 'reviews' });
  expect(failed[0]!.errors?.map((e) => e.extensions?.code)).toContain('UPSTREAM_UNAVAILABLE');
  expect(mergeIncremental(parts.map((p) => p.body)).data).toEqual(parts[0]!.body.data);
});

it('streams the same parts over SSE (graphql-sse, distinct connections): one next event each', async () => {
  const client = createClient({ url: `${router.url}/stream`, singleConnection: false });
  const events: { body: IncrementalPayload; arrivedAt: number }[] = [];
  try {
    for await (const event of client.iterate({ query: PAGE, variables: { slug } }))
      events.push({ body: event as IncrementalPayload, arrivedAt: performance.now() });
  } finally {
    client.dispose();
  }
  expect(events.length).toBeGreaterThan(1);
  expect(events[0]!.body.hasNext).toBe(true);
  expect(events[0]!.arrivedAt).toBeLessThan(reviews.answeredAt[0]!);
  expect(events.at(-1)!.body.hasNext).toBe(false);
  expect(mergeIncremental(events.map((e) => e.body))).toEqual({
    data: await plainAnswer(PAGE, { slug }),
  });
});

it('prices and limits the deferred fragments too: refused before any subgraph is asked', async () => {
  const dear = `{ product(slug: "${'x'}") { name ... @defer {
    reviews(first: 100) { edges { node { product { reviews(first: 100) { edges { node { title } } } } } } }
  } } }`;
  const refused = await post(dear, {}, DEFER_ACCEPT);
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as IncrementalPayload).errors?.[0]?.extensions?.code).toBe(
    'COST_EXCEEDED',
  );
  const tooMany = await post(
    `{ product(slug: "x") { name ... @defer { reviews(first: 500) { totalCount } } } }`,
    {},
    DEFER_ACCEPT,
  );
  expect(((await tooMany.json()) as IncrementalPayload).errors?.[0]?.extensions?.code).toBe(
    'FIRST_TOO_LARGE',
  );
  expect(reviews.answeredAt).toHaveLength(0);
});

it("signs the caller's identity on deferred fetches: a customer's own orders, an anonymous shopper refused staff stock", async () => {
  const anonymous = callerOf(() => router.url, null);
  const email = 'defer-dora@example.com';
  const password = 'defer dora has a long passphrase';
  await registerVerified(anonymous, email, password);
  const token = await customerToken(anonymous, email, password);
  const mine = `{ me { email ... @defer(label: "orders") { orders(first: 5) { totalCount } } } }`;
  const parts = await partsOf(
    await post(mine, {}, DEFER_ACCEPT, { authorization: `Bearer ${token}` }),
  );
  expect(mergeIncremental(parts.map((p) => p.body))).toEqual({
    data: { me: { email, orders: { totalCount: 0 } } },
  });

  const staffOnly = `query Staff($slug: String!) { product(slug: $slug) { name variants { sku
    ... @defer(label: "warehouses") { inventoryItems { id } } } } }`;
  const shopper = await partsOf(await post(staffOnly, { slug }, DEFER_ACCEPT));
  expect(shopper[0]!.body.data?.product).toMatchObject({ name: expect.any(String) });
  const errors = shopper.flatMap((p) => (p.body.incremental ?? []).flatMap((i) => i.errors ?? []));
  // Inventory decided, from the identity the router signed for it: no token, no stock.
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error.path?.slice(0, 2)).toEqual(['product', 'variants']);
  }
});

it('runs a deferred query registered as a persisted query from its hash alone, incrementally', async () => {
  const { createHash, randomUUID } = await import('node:crypto');
  // A text of this run's own: registered hashes are shared through Redis between runs.
  const query = `# ${randomUUID()}\n${PAGE.replace('query Page', 'query PersistedPage')}`;
  const extensions = {
    persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') },
  };
  const send = (body: Record<string, unknown>) =>
    fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: DEFER_ACCEPT },
      body: JSON.stringify({ variables: { slug }, extensions, ...body }),
    });
  const unknown = (await (await send({})).json()) as IncrementalPayload;
  expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  const registered = await partsOf(await send({ query }));
  const byHash = await partsOf(await send({}));
  expect(byHash.length).toBeGreaterThan(1);
  expect(mergeIncremental(byHash.map((p) => p.body))).toEqual(
    mergeIncremental(registered.map((p) => p.body)),
  );
});

it('answers a deferred query over graphql-ws in one result, the same as without @defer', async () => {
  const client = createWsClient({
    url: router.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
  });
  const results: unknown[] = [];
  try {
    for await (const result of client.iterate({ query: PAGE, variables: { slug } }))
      results.push(result);
  } finally {
    await client.dispose();
  }
  expect(results).toEqual([{ data: await plainAnswer(PAGE, { slug }) }]);
});
