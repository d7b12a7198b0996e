/**
 * `npm run bench -- search` (BENCH_SEARCH_VARIANTS, BENCH_SEARCH_SAMPLES): search on
 * a generated catalog of BENCH_SEARCH_VARIANTS variants (100,000 by default; 4 per product),
 * written into search's sources by its own seed (generated here, never committed), then
 * through the router: search with two facet filters, suggest, commit → searchable (a
 * product created in catalog until search finds it), and a reindex.
 */
import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { seedSearch, type SearchSeed } from '../../subgraphs/search/seed';
import { startPlatform } from '../platform';
import { benchDatabase } from './environment';
import { percentile, summarize } from './stats';

const ADJECTIVES = [
  'warm',
  'light',
  'classic',
  'rugged',
  'soft',
  'slim',
  'urban',
  'alpine',
  'coastal',
  'vintage',
];
const MATERIALS = [
  'wool',
  'cotton',
  'linen',
  'leather',
  'denim',
  'merino',
  'cashmere',
  'canvas',
  'fleece',
  'silk',
];
const NOUNS = [
  'sweater',
  'jacket',
  'scarf',
  'shirt',
  'boots',
  'backpack',
  'beanie',
  'trousers',
  'hoodie',
  'gloves',
  'mug',
  'blanket',
];
const pick = <T>(list: T[], i: number) => list[i % list.length]!;

/** The generated catalog (exported for profiling the search SQL on it). */
export function generate(variants: number): SearchSeed {
  const products = Math.ceil(variants / 4);
  const departments = Array.from({ length: 4 }, (_, i) => ({
    id: randomUUID(),
    name: `Department ${i}`,
    parentId: null,
  }));
  const categories = Array.from({ length: 40 }, (_, i) => ({
    id: randomUUID(),
    name: `${pick(NOUNS, i)} ${Math.floor(i / NOUNS.length)}`,
    parentId: departments[i % 4]!.id,
  }));
  const brands = Array.from({ length: 50 }, (_, i) => ({
    id: randomUUID(),
    name: `Brand${i} ${pick(MATERIALS, i)}works`,
  }));
  const seed: SearchSeed = { products: [], prices: [], stock: [] };
  const warehouse = randomUUID();
  for (let p = 0; p < products; p += 1) {
    const category = categories[p % categories.length]!;
    const name = `${pick(ADJECTIVES, p * 7)} ${pick(MATERIALS, p * 3)} ${pick(NOUNS, p)} ${p}`;
    const productId = randomUUID();
    const items = ['S', 'M', 'L', 'XL'].map((size) => ({
      id: randomUUID(),
      sku: `BENCH-${p}-${size}`,
      title: size,
      options: [{ name: 'Size', value: size }],
    }));
    seed.products.push({
      productId,
      version: '1',
      name,
      description:
        `The ${name}: ${pick(ADJECTIVES, p)} and made to last, from ${pick(MATERIALS, p * 5)}. `.repeat(
          3,
        ),
      status: p % 50 === 0 ? 'DRAFT' : 'ACTIVE',
      locale: 'en',
      brand: brands[p % brands.length]!,
      categories: [departments[categories.indexOf(category) % 4]!, category],
      variants: items,
      createdAt: new Date(Date.now() - p * 60_000).toISOString(),
    });
    for (const [i, item] of items.entries()) {
      seed.prices.push({
        variantId: item.id,
        sku: item.sku,
        currency: 'EUR',
        priceList: 'EUR-RETAIL',
        priority: 0,
        public: true,
        amount: 990 + ((p * 37 + i * 500) % 30_000),
      });
      seed.stock.push({ sku: item.sku, warehouseId: warehouse, onHand: (p + i) % 7, reserved: 0 });
    }
  }
  return seed;
}

async function timed(samples: number, body: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await body(i);
    times.push(performance.now() - started);
  }
  return times;
}

export async function searchBench(options: { variants: number; samples: number }) {
  process.env.AUTHORIZATION_MODE = 'open';
  process.env.LOG_LEVEL ??= 'warn';
  // One client sends hundreds of requests a minute: the router's per-IP limits would refuse it.
  process.env.RATE_LIMIT ??= 'off';
  // A reindex of 100,000 variants runs longer than a request's default 10 s.
  process.env.SUBGRAPH_TIMEOUT_MS ??= '300000';
  const db = await benchDatabase();
  const platform = await startPlatform({
    databaseUrl: db.url,
    ports: 'ephemeral',
    background: false,
  });
  try {
    const url = platform.router.url;
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      dataOf(await postGraphQL(url, query, variables));
    const generatedAt = performance.now();
    await seedSearch(platform.subgraphs.search!.dataSource, generate(options.variants));
    const seedMs = performance.now() - generatedAt;

    const { search: facets } = await gql(
      `{ search(first: 1) { totalCount facets { name values { value } } } }`,
    );
    const categoryIds = facets.facets
      .find((f: { name: string }) => f.name === 'category')
      .values.map((v: { value: string }) => v.value);
    const searchTimes = await timed(options.samples, (i) =>
      gql(
        `query ($q: String!, $c: [ID!]) { search(query: $q, first: 20, filters: { categoryIds: $c, inStock: true }) {
           totalCount edges { node { product { id } highlights { snippet } } } facets { name values { count } } } }`,
        {
          q: `${pick(MATERIALS, i)} ${pick(NOUNS, i * 3)}`,
          c: [categoryIds[i % categoryIds.length]],
        },
      ),
    );
    const suggestTimes = await timed(options.samples, (i) =>
      gql(`query ($p: String!) { searchSuggest(prefix: $p) { text } }`, {
        p: pick(MATERIALS, i).slice(0, 2 + (i % 3)),
      }),
    );
    const lags = await timed(Math.min(50, options.samples), async (i) => {
      const name = `Benchmark Zqx${i}v${Date.now()}`;
      await gql(
        `mutation ($n: String!) { productCreate(input: { name: $n }) { product { id } } }`,
        { n: name },
      );
      const started = performance.now();
      for (;;) {
        const found = await gql(
          `query ($q: String!) { search(query: $q, facets: []) { totalCount } }`,
          { q: name },
        );
        if (found.search.totalCount > 0) return;
        if (performance.now() - started > 10_000)
          throw new Error(`${name} not searchable after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    const reindexStarted = performance.now();
    const reindex = await gql(`mutation { searchReindex { documents userErrors { code } } }`);
    const reindexMs = performance.now() - reindexStarted;
    const search = summarize(searchTimes);
    const suggest = summarize(suggestTimes);
    const result = {
      setup: `router and subgraphs in one process, LOG_LEVEL=${process.env.LOG_LEVEL}, RATE_LIMIT=${process.env.RATE_LIMIT}, ${options.samples} samples one after another`,
      variants: options.variants,
      seedAndFirstBuildMs: Math.round(seedMs),
      searchTwoFacetFilters: {
        ...search,
        p95: percentile(
          [...searchTimes].sort((a, b) => a - b),
          95,
        ),
      },
      suggest: {
        ...suggest,
        p95: percentile(
          [...suggestTimes].sort((a, b) => a - b),
          95,
        ),
      },
      commitToSearchable: summarize(lags),
      reindex: { documents: reindex.searchReindex.documents, ms: Math.round(reindexMs) },
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await platform.stop();
    await db.stop();
  }
}
