import { seedDemoShop } from '../scripts/demo-shop';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';

let platform: TestPlatform;

beforeAll(async () => {
  // A page of 100 products with every nested list is beyond the router's default cost
  // budget (10,000), on purpose: this file measures SQL statements, so it lifts the budget.
  process.env.MAX_COST = '1000000';
  platform = await startTestPlatform('listing', { markets: false });
  expect(await seedDemoShop(platform)).toEqual([
    'catalog',
    'inventory',
    'pricing',
    'promotions',
    'fulfillment',
    'shipping',
    'search',
  ]);
});

afterAll(async () => {
  delete process.env.MAX_COST;
  await platform?.stop();
});

const LISTING = /* GraphQL */ `
  query ($first: Int!, $after: String) {
    products(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          brand {
            name
          }
          category {
            name
            parent {
              name
            }
          }
          availability {
            availableQuantity
            inStock
            lowStock
          }
          variants {
            sku
            price(currency: "EUR") {
              amount
              currency
            }
            availableQuantity
            inventoryItems {
              available
              warehouse {
                code
              }
            }
          }
        }
      }
    }
  }
`;

function statementsNow(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(platform.subgraphs).map(([name, s]) => [name, s.statements.count]),
  );
}

async function statementsFor(
  first: number,
): Promise<{ perSubgraph: Record<string, number>; products: any[] }> {
  const before = statementsNow();
  const data = dataOf(await platform.query(LISTING, { first }));
  const after = statementsNow();
  const perSubgraph = Object.fromEntries(
    Object.keys(after).map((name) => [name, after[name]! - before[name]!]),
  );
  return { perSubgraph, products: data.products.edges.map((e: { node: unknown }) => e.node) };
}

describe('the seeded demo shop, listed through the router', () => {
  it('has a few hundred products in a category tree, in two warehouses, some low and some sold out', async () => {
    const { products } = await statementsFor(100);
    const first = dataOf(
      await platform.query(
        `{ products(first: 1) { totalCount } categories { name children { name } } }`,
      ),
    );
    expect(first.products.totalCount).toBeGreaterThanOrEqual(300);
    expect(first.categories.length).toBeGreaterThanOrEqual(4);
    expect(first.categories.every((c: { children: unknown[] }) => c.children.length > 0)).toBe(
      true,
    );

    const variants = products.flatMap((p) => p.variants);
    expect(
      new Set(variants.flatMap((v: any) => v.inventoryItems.map((i: any) => i.warehouse.code))),
    ).toEqual(new Set(['BER-1', 'AMS-1']));
    expect(variants.some((v: any) => v.availableQuantity === 0)).toBe(true);
    expect(variants.some((v: any) => v.availableQuantity > 0 && v.availableQuantity < 20)).toBe(
      true,
    );
    for (const product of products) {
      const total = product.variants.reduce((n: number, v: any) => n + v.availableQuantity, 0);
      expect(product.availability.availableQuantity).toBe(total);
      expect(product.availability.inStock).toBe(total > 0);
    }
  });

  it('costs the same number of SQL statements for 5 products as for 50 (no N+1)', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large.products).toHaveLength(50);
    expect(large.perSubgraph).toEqual(small.perSubgraph);
    // A handful per subgraph, whatever the page size.
    expect(large.perSubgraph.catalog).toBeLessThanOrEqual(8);
    expect(large.perSubgraph.inventory).toBeLessThanOrEqual(4);
    expect(large.perSubgraph.orders).toBe(0);
  });

  it('walks every page with cursors, each product once', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const page: any = dataOf(
        await platform.query(
          `query ($after: String) { products(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
          {
            after,
          },
        ),
      ).products;
      total = page.totalCount;
      for (const edge of page.edges) seen.add(edge.node.id);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);
  });

  it('seeds only once', async () => {
    expect(await seedDemoShop(platform)).toEqual([]);
  });
});
