import { dataOf } from '../platform/testing/graphql-client';
import { createCommerceClient, SearchDocument, SearchSuggestDocument } from '../sdk';
import { eventually } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, createWarehouse, receiveStock, setPrice } from './support/shop';

/** Search through the router: indexed from catalog's, pricing's and inventory's events only. */
let platform: TestPlatform;
let sweater: { id: string; variants: { id: string; sku: string }[] };
let mug: { id: string; variants: { id: string; sku: string }[] };
let draftId: string;
let warehouse: string;

const SEARCH = `query ($query: String, $filters: SearchFilters, $sort: SearchSort, $facets: [String!], $first: Int) {
  search(query: $query, filters: $filters, sort: $sort, facets: $facets, first: $first, currency: "EUR") {
    totalCount
    edges { node { product { id name } score highlights { field snippet } priceFrom { amount currency } } }
    facets { name values { value label count range { min max } } }
    corrections { term suggestions }
  } }`;

async function search(variables: Record<string, unknown>) {
  return dataOf(await platform.query(SEARCH, variables)).search;
}
const ids = (result: { edges: { node: { product: { id: string } } }[] }) =>
  result.edges.map((edge) => edge.node.product.id);

beforeAll(async () => {
  platform = await startTestPlatform('search');
  const categories = dataOf(
    await platform.query(
      `mutation { categoryCreate(input: { name: "Knitwear" }) { category { id } } }`,
    ),
  );
  const brand = dataOf(
    await platform.query(`mutation { brandCreate(input: { name: "Fjellwear" }) { brand { id } } }`),
  );
  sweater = await createProduct(platform, 'Merino Wool Sweater', [
    { sku: 'SRCH-SW-M', price: 8900 },
  ]);
  await platform.query(
    `mutation ($id: ID!, $input: ProductUpdateInput!) { productUpdate(id: $id, input: $input) { userErrors { code } } }`,
    {
      id: sweater.id,
      input: {
        description: 'Knitted from soft merino wool in Norway.',
        categoryId: categories.categoryCreate.category.id,
        brandId: brand.brandCreate.brand.id,
      },
    },
  );
  mug = await createProduct(platform, 'Enamel Camping Mug', [{ sku: 'SRCH-MUG', price: 1200 }]);
  const draft = dataOf(
    await platform.query(
      `mutation { productCreate(input: { name: "Woolly Secret Prototype", status: DRAFT,
        variants: [{ sku: "SRCH-DRAFT", title: "One" }] }) { product { id } } }`,
    ),
  );
  draftId = draft.productCreate.product.id;
  warehouse = await createWarehouse(platform, 'SRCH-1');
  await receiveStock(platform, 'SRCH-SW-M', warehouse, 5);
  await eventually(
    () => search({ query: 'merino', filters: { inStock: true } }),
    (result) => result.totalCount === 1 && result.edges[0].node.priceFrom?.amount === 8900,
  );
});

afterAll(async () => {
  await platform?.stop();
});

describe('search through the router', () => {
  it('finds a product with a one-letter typo ("wol") and by a prefix ("meri", "camp")', async () => {
    const typo = await search({ query: 'wol' });
    expect(ids(typo)).toContain(sweater.id);
    expect(typo.corrections).toEqual([
      { term: 'wol', suggestions: expect.arrayContaining(['wool']) },
    ]);
    expect(ids(await search({ query: 'meri' }))).toEqual([sweater.id]);
    expect(ids(await search({ query: 'camp' }))).toEqual([mug.id]);
    const hit = (await search({ query: 'wool' })).edges[0].node;
    expect(hit.product.name).toBe('Merino Wool Sweater');
    expect(hit.highlights).toContainEqual({
      field: 'name',
      snippet: 'Merino <mark>Wool</mark> Sweater',
    });
  });

  it('counts facets that match the filtered results', async () => {
    const all = await search({ query: null });
    expect(all.totalCount).toBe(2);
    for (const facet of all.facets) {
      for (const value of facet.values) {
        const filters =
          facet.name === 'category'
            ? { categoryIds: [value.value] }
            : facet.name === 'brand'
              ? { brandIds: [value.value] }
              : facet.name === 'inStock'
                ? { inStock: value.value === 'true' }
                : facet.name === 'rating'
                  ? { minRating: Number(value.value) }
                  : { price: value.range };
        const filtered = await search({ query: null, filters, facets: [] });
        expect([facet.name, value.value, filtered.totalCount]).toEqual([
          facet.name,
          value.value,
          value.count,
        ]);
      }
    }
    const names = Object.fromEntries(
      all.facets.map((f: { name: string; values: unknown[] }) => [f.name, f.values]),
    );
    expect(names.brand).toEqual([expect.objectContaining({ label: 'Fjellwear', count: 1 })]);
    expect(names.inStock).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: 'true', count: 1 }),
        expect.objectContaining({ value: 'false', count: 1 }),
      ]),
    );
    expect(ids(await search({ query: null, sort: 'PRICE_ASC' }))).toEqual([mug.id, sweater.id]);
    expect(ids(await search({ query: null, sort: 'PRICE_DESC' }))).toEqual([sweater.id, mug.id]);
  });

  it('makes a price change searchable within a second (the lag is logged)', async () => {
    const started = Date.now();
    await setPrice(platform, mug.variants[0]!.id, 'SRCH-MUG', 'EUR', 15_000);
    await eventually(
      () => search({ query: 'mug', filters: { price: { min: 10_000 } } }),
      (result) => result.totalCount === 1,
      5_000,
    );
    const lagMs = Date.now() - started;
    console.log(`price change → searchable: ${lagMs} ms (priceSet through the router included)`);
    expect(lagMs).toBeLessThan(5_000);
  });

  it('never shows a DRAFT product to a customer, also not as a suggestion or correction', async () => {
    expect(ids(await search({ query: 'secret' }))).toEqual([]);
    expect(ids(await search({ query: null }))).not.toContain(draftId);
    const suggest = dataOf(
      await platform.query(`{ searchSuggest(prefix: "wool") { kind text product { id } } }`),
    );
    expect(suggest.searchSuggest.map((s: { text: string }) => s.text)).toEqual([
      'Merino Wool Sweater',
    ]);
  });

  it('answers bad input with codes and breaks nothing', async () => {
    const reasonOf = async (query: string, variables: Record<string, unknown> = {}) =>
      (await platform.query(query, variables)).errors?.map((e) => [
        e.extensions?.code,
        e.extensions?.reason,
      ]);
    expect(await reasonOf(SEARCH, { query: '' })).toEqual([
      ['BAD_USER_INPUT', 'SEARCH_QUERY_EMPTY'],
    ]);
    expect(await reasonOf(SEARCH, { query: '&|!():*' })).toEqual([
      ['BAD_USER_INPUT', 'SEARCH_QUERY_EMPTY'],
    ]);
    expect(await reasonOf(SEARCH, { query: 'x'.repeat(10_000) })).toEqual([
      ['BAD_USER_INPUT', 'SEARCH_QUERY_TOO_LONG'],
    ]);
    expect(await reasonOf(SEARCH, { query: 'wool', facets: ['colour'] })).toEqual([
      ['BAD_USER_INPUT', 'SEARCH_FACET_UNKNOWN'],
    ]);
    const sql = await search({ query: `wool'); DROP TABLE search.document; -- & | !` });
    expect(sql.totalCount).toBe(0);
    expect(ids(await search({ query: 'wool & !merino | (sweater' }))).toEqual([sweater.id]);
    expect((await search({ query: 'wool' })).totalCount).toBe(1);
  });

  it('is in the SDK: Search and SearchSuggest, typed', async () => {
    const shop = createCommerceClient({ url: platform.router.url });
    const result = await shop.request(SearchDocument, { query: 'swea', facets: ['brand'] });
    expect(result.search.edges.map((e) => e.node.product.name)).toEqual(['Merino Wool Sweater']);
    expect(result.search.facets[0]!.values[0]!.label).toBe('Fjellwear');
    const suggested = await shop.request(SearchSuggestDocument, { prefix: 'enam' });
    expect(suggested.searchSuggest[0]).toMatchObject({
      kind: 'PRODUCT',
      text: 'Enamel Camping Mug',
    });
  });

  it('rebuilds the index beside the live one while searches go on (staff)', async () => {
    const searching = (async () => {
      let misses = 0;
      for (let i = 0; i < 20; i += 1)
        if ((await search({ query: 'wool' })).totalCount !== 1) misses += 1;
      return misses;
    })();
    const reindex = dataOf(
      await platform.query(`mutation { searchReindex { documents tookMs userErrors { code } } }`),
    );
    expect(reindex.searchReindex).toMatchObject({ documents: 3, userErrors: [] });
    expect(await searching).toBe(0);
    expect(ids(await search({ query: 'wol' }))).toContain(sweater.id);
  });
  it('keeps a product in stock until its last unit goes, and back when stock comes in', async () => {
    const adjust = async (delta: number) =>
      dataOf(
        await platform.query(
          `mutation ($input: StockAdjustInput!) { stockAdjust(input: $input) { inventoryItem { onHand } userErrors { code } } }`,
          { input: { sku: 'SRCH-SW-M', warehouseId: warehouse, delta, reason: 'count' } },
        ),
      ).stockAdjust;
    const inStock = async () => ids(await search({ query: 'merino', filters: { inStock: true } }));
    const onHand = (await adjust(-3)).inventoryItem.onHand as number;
    expect(onHand).toBeGreaterThan(0);
    // Still buyable: the document is unchanged (and is not rewritten).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await inStock()).toEqual([sweater.id]);
    await adjust(-onHand);
    await eventually(inStock, (found) => found.length === 0);
    await receiveStock(platform, 'SRCH-SW-M', warehouse, 5);
    await eventually(inStock, (found) => found.length === 1 && found[0] === sweater.id);
  });
});
