import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { startSubgraphForTest, viewers, type TestSubgraph } from '../../platform/testing/harness';
import type { Viewer } from '../../platform/identity';
import { catalogSubgraph } from '.';
import type { CatalogService } from './service';

const staff = viewers.staff(['catalog:write']);
const anonymous = viewers.anonymous;

let t: TestSubgraph<{ catalog: CatalogService }>;

beforeAll(async () => {
  t = await startSubgraphForTest(catalogSubgraph);
});

afterAll(async () => {
  await t?.stop();
});

const CREATE = /* GraphQL */ `
  mutation ($input: ProductCreateInput!) {
    productCreate(input: $input) {
      product {
        id
        slug
        name
        variants {
          id
          sku
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

describe('catalog subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(t.url, '{ brands { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets staff create a product with variants and finds it by slug', async () => {
    const created = dataOf(
      await t.gql(
        CREATE,
        {
          input: {
            name: 'Linen Shirt',
            variants: [
              { sku: 'LIN-S', title: 'S' },
              { sku: 'LIN-M', title: 'M' },
            ],
          },
        },
        { viewer: staff },
      ),
    );
    expect(created.productCreate.userErrors).toEqual([]);
    expect(created.productCreate.product.slug).toBe('linen-shirt');
    expect(created.productCreate.product.variants.map((v: { sku: string }) => v.sku)).toEqual([
      'LIN-S',
      'LIN-M',
    ]);

    const found = dataOf(
      await t.gql(
        `{ product(slug: "linen-shirt") { name variants { sku product { name } } } }`,
        {},
        { viewer: anonymous },
      ),
    );
    expect(found.product.variants[1]).toEqual({ sku: 'LIN-M', product: { name: 'Linen Shirt' } });
  });

  it('returns userErrors for a duplicate SKU and a malformed SKU, and writes nothing', async () => {
    const duplicate = dataOf(
      await t.gql(
        CREATE,
        { input: { name: 'Other Shirt', variants: [{ sku: 'LIN-S', title: 'S' }] } },
        { viewer: staff },
      ),
    );
    expect(duplicate.productCreate).toEqual({
      product: null,
      userErrors: [{ field: ['sku'], message: 'That SKU is already used', code: 'SKU_TAKEN' }],
    });
    const malformed = dataOf(
      await t.gql(
        CREATE,
        { input: { name: 'Odd Shirt', variants: [{ sku: 'has spaces', title: 'S' }] } },
        { viewer: staff },
      ),
    );
    expect(malformed.productCreate.userErrors[0].code).toBe('INVALID_SKU');
    const products = await t.services.catalog.listProducts({ limit: 100, after: null }, {});
    expect(products.edges.map((e) => e.node.name)).toEqual(['Linen Shirt']);
  });

  it('refuses staff mutations: UNAUTHENTICATED without a viewer, FORBIDDEN without catalog:write', async () => {
    for (const [viewer, code] of [
      [anonymous, 'UNAUTHENTICATED'],
      [{ kind: 'customer', customerId: 'c1' } as Viewer, 'FORBIDDEN'],
      [{ kind: 'staff', staffId: 'clerk', permissions: [] } as Viewer, 'FORBIDDEN'],
    ] as const) {
      const response = await t.gql(CREATE, { input: { name: 'X' } }, { viewer });
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
    }
  });

  it('pages through products with cursors, filters by category tree and searches', async () => {
    const category = async (name: string, parentId?: string) =>
      dataOf(
        await t.gql(
          `mutation ($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id } userErrors { code } } }`,
          { input: { name, parentId } },
          { viewer: staff },
        ),
      ).categoryCreate.category.id as string;
    const apparel = await category('Apparel');
    const socks = await category('Socks', apparel);
    for (const [name, categoryId] of [
      ['Wool Socks', socks],
      ['Cotton Socks', socks],
      ['Rain Jacket', apparel],
    ] as const) {
      await t.gql(CREATE, { input: { name, categoryId } }, { viewer: staff });
    }
    const page = async (after: string | null) =>
      dataOf(
        await t.gql(
          `query ($after: String, $cat: ID) { products(first: 2, after: $after, categoryId: $cat) {
             totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
          { after, cat: apparel },
          { viewer: anonymous },
        ),
      ).products;
    const first = await page(null);
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: any) => e.node.name)).toEqual(['Cotton Socks', 'Rain Jacket']);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges.map((e: any) => e.node.name)).toEqual(['Wool Socks']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const search = dataOf(
      await t.gql(
        `{ products(search: "sock") { edges { node { name } } } }`,
        {},
        { viewer: anonymous },
      ),
    ).products;
    expect(search.edges.map((e: any) => e.node.name)).toEqual(['Cotton Socks', 'Wool Socks']);
  });

  it('answers malformed ids, cursors and page sizes with BAD_USER_INPUT', async () => {
    for (const query of [
      `{ product(id: "not-a-uuid") { id } }`,
      `{ products(after: "garbage") { totalCount } }`,
      `{ products(first: -1) { totalCount } }`,
      `{ products(first: 101) { totalCount } }`,
    ]) {
      const response = await t.gql(query, {}, { viewer: anonymous });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
    }
  });
});
