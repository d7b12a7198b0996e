import { fieldAnswer } from '../../platform/testing/graphql-client';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { catalogSubgraph } from '.';
import type { CatalogService } from './service';

const staff = viewers.staff(['catalog:write']);
const shoppers = [viewers.anonymous, viewers.customer('c1'), viewers.staff([], 'clerk')];
let t: TestSubgraph<{ catalog: CatalogService }>;
const ids: Record<string, { id: string; slug: string; variantId: string }> = {};

beforeAll(async () => {
  t = await startSubgraphForTest(catalogSubgraph);
  for (const status of ['ACTIVE', 'DRAFT', 'ARCHIVED'] as const) {
    const product = await t.services.catalog.createProduct({
      name: `Secret ${status}`,
      status,
      variants: [{ sku: `SEC-${status}`, title: 'One size' }],
    });
    const [variant] = await t.services.catalog.activeVariantsOfProducts([product.id]);
    ids[status] = { id: product.id, slug: product.slug, variantId: variant!.id };
  }
});

afterAll(async () => {
  await t?.stop();
});

const PRODUCT = `query ($id: ID, $slug: String) { product(id: $id, slug: $slug) { id name status } }`;
const VARIANT = `query ($id: ID, $sku: String) { variant(id: $id, sku: $sku) { id sku } }`;
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id name } } }`;

describe('catalog: who sees what is not published', () => {
  it('hides DRAFT and ARCHIVED products from shoppers by id, by slug, as a variant and as a reference', async () => {
    for (const viewer of shoppers) {
      for (const status of ['DRAFT', 'ARCHIVED']) {
        const { id, slug, variantId } = ids[status]!;
        for (const by of [{ id }, { slug }])
          expect(fieldAnswer(await t.gql(PRODUCT, by, { viewer }), 'product')).toEqual({
            value: null,
            codes: ['NOT_FOUND'],
          });
        expect((await t.data(VARIANT, { id: variantId }, { viewer })).variant).toBeNull();
        expect((await t.data(VARIANT, { sku: `SEC-${status}` }, { viewer })).variant).toBeNull();
        const refs = await t.data(ENTITIES, { r: [{ __typename: 'Product', id }] }, { viewer });
        expect(refs._entities).toEqual([null]);
      }
      const active = ids.ACTIVE!;
      expect((await t.data(PRODUCT, { slug: active.slug }, { viewer })).product.status).toBe(
        'ACTIVE',
      );
      const listed = await t.data(
        `{ products(first: 100) { edges { node { name } } } }`,
        {},
        {
          viewer,
        },
      );
      expect(listed.products.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
        'Secret ACTIVE',
      ]);
    }
  });

  it('shows them to staff with catalog:write and to platform services', async () => {
    for (const viewer of [staff, viewers.service('orders')]) {
      for (const status of ['DRAFT', 'ARCHIVED']) {
        const { id, slug, variantId } = ids[status]!;
        expect((await t.data(PRODUCT, { id }, { viewer })).product.status).toBe(status);
        expect((await t.data(PRODUCT, { slug }, { viewer })).product.id).toBe(id);
        expect((await t.data(VARIANT, { id: variantId }, { viewer })).variant.id).toBe(variantId);
        const refs = await t.data(ENTITIES, { r: [{ __typename: 'Product', id }] }, { viewer });
        expect(refs._entities).toEqual([{ id, name: `Secret ${status}` }]);
      }
    }
  });
});

describe('catalog: bad input reaches the caller with its code', () => {
  it('answers a search longer than 200 characters with SEARCH_TOO_LONG, not a masked error', async () => {
    const response = await t.gql(`query ($s: String) { products(search: $s) { totalCount } }`, {
      s: 'wool '.repeat(50),
    });
    expect(response.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'SEARCH_TOO_LONG',
      field: ['search'],
    });
    expect(response.errors?.[0]?.message).toMatch(/200/);
  });

  it('answers a NUL byte in a search, a SKU or a name with BAD_USER_INPUT', async () => {
    for (const [query, variables, viewer] of [
      [
        `query ($s: String) { products(search: $s) { totalCount } }`,
        { s: 'wo\u0000ol' },
        undefined,
      ],
      [`{ variant(sku: "A\\u0000") { id } }`, {}, undefined],
      [
        `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { userErrors { code } } }`,
        { input: { name: 'Nul\u0000', variants: [] } },
        staff,
      ],
    ] as const) {
      const response = await t.gql(query, variables, { viewer });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('bounds names and refuses control characters in them as userErrors', async () => {
    const created = await t.data(
      `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } userErrors { field code } } }`,
      { input: { name: 'x'.repeat(100_000) } },
      { viewer: staff },
    );
    expect(created.productCreate).toEqual({
      product: null,
      userErrors: [{ field: ['name'], code: 'INVALID_TEXT' }],
    });
  });
});
