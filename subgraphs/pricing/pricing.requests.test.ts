import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { printSchema } from 'graphql';
import gqlTag from 'graphql-tag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Viewer } from '../../platform/identity';
import { dataOf } from '../../platform/testing/graphql-client';
import { pricingSubgraph } from '.';
import {
  staff,
  clerk,
  orders,
  anonymous,
  customer,
  pricing,
  gql,
  sql,
  inDays,
  A,
  D,
  UNPRICED,
  bulk,
  PRICE_SET,
  TAX_RULE_SET,
  SHIPPING_RATE_SET,
  QUOTE,
  VARIANT,
  setPrice,
  variant,
  usePricingSubgraph,
} from './test-kit';

usePricingSubgraph();

describe('pricing subgraph', () => {
  it('answers bad staff input with userErrors and writes nothing', async () => {
    const before = (await sql(`SELECT count(*)::int AS n FROM pricing.price`))[0].n;
    const base = { variantId: A.id, sku: A.sku, currency: 'EUR', amount: 100 };
    // One instant for an empty window: two inDays(2) calls can fall a millisecond apart.
    const twoDays = inDays(2);
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ ...base, amount: -1 }, 'INVALID_AMOUNT', ['amount']],
      [{ ...base, currency: 'JPY' }, 'UNKNOWN_CURRENCY', ['currency']],
      [{ ...base, currency: 'EURO' }, 'UNKNOWN_CURRENCY', ['currency']],
      [{ ...base, minQuantity: 0 }, 'INVALID_QUANTITY', ['minQuantity']],
      [{ ...base, validFrom: inDays(2), validTo: inDays(1) }, 'INVALID_WINDOW', ['validTo']],
      [{ ...base, validFrom: twoDays, validTo: twoDays }, 'INVALID_WINDOW', ['validTo']],
      [{ ...base, validTo: inDays(-1) }, 'INVALID_WINDOW', ['validTo']],
      [{ ...base, validFrom: inDays(-1) }, 'INVALID_WINDOW', ['validFrom']],
      [{ ...base, validFrom: 'tomorrow' }, 'INVALID_DATE', ['validFrom']],
      [{ ...base, sku: '' }, 'INVALID_SKU', ['sku']],
      [{ ...base, priceList: 'USD-RETAIL' }, 'CURRENCY_MISMATCH', ['currency']],
      [{ ...base, priceList: 'NOPE' }, 'NOT_FOUND', ['priceList']],
    ];
    for (const [input, code, field] of cases) {
      const result = await setPrice(input);
      expect(result.price).toBeNull();
      expect(result.userErrors).toEqual([{ code, field, message: expect.any(String) }]);
    }
    expect((await sql(`SELECT count(*)::int AS n FROM pricing.price`))[0].n).toBe(before);

    const tax = async (input: Record<string, unknown>) =>
      dataOf(await gql(TAX_RULE_SET, { input }, staff)).taxRuleSet.userErrors;
    expect(await tax({ country: 'Germany', rateBasisPoints: 1900, name: 'x' })).toEqual([
      { code: 'INVALID_COUNTRY', field: ['country'], message: expect.any(String) },
    ]);
    expect((await tax({ country: 'DE', rateBasisPoints: 10001, name: 'x' }))[0].code).toBe(
      'INVALID_RATE',
    );
    expect((await tax({ country: 'DE', rateBasisPoints: -1, name: 'x' }))[0].code).toBe(
      'INVALID_RATE',
    );
    expect(
      (await tax({ country: 'DE', region: 'FR-75', rateBasisPoints: 700, name: 'x' }))[0].code,
    ).toBe('INVALID_REGION');
    expect((await tax({ country: 'DE', rateBasisPoints: 700, name: ' ' }))[0].code).toBe(
      'INVALID_NAME',
    );
    const ship = async (input: Record<string, unknown>) =>
      dataOf(await gql(SHIPPING_RATE_SET, { input }, staff)).shippingRateSet.userErrors;
    expect((await ship({ country: 'DE', currency: 'XYZ', amount: 1 }))[0].code).toBe(
      'UNKNOWN_CURRENCY',
    );
    expect((await ship({ country: 'DEU', currency: 'EUR', amount: 1 }))[0].code).toBe(
      'INVALID_COUNTRY',
    );
    expect((await ship({ country: 'DE', currency: 'EUR', amount: -5 }))[0].code).toBe(
      'INVALID_AMOUNT',
    );
    expect(
      (await ship({ country: 'DE', currency: 'EUR', amount: 5, freeOver: -1 }))[0],
    ).toMatchObject({ code: 'INVALID_AMOUNT', field: ['freeOver'] });
    const [{ n }] = await sql(
      `SELECT count(*)::int AS n FROM pricing.tax_rule WHERE country = 'DE'`,
    );
    expect(n).toBe(1);

    const list = async (input: Record<string, unknown>) =>
      dataOf(
        await gql(
          `mutation ($input: PriceListCreateInput!) { priceListCreate(input: $input) { priceList { code } userErrors { code field } } }`,
          { input },
          staff,
        ),
      ).priceListCreate;
    expect(
      (await list({ code: 'EUR-RETAIL', currency: 'EUR', taxInclusive: true })).userErrors,
    ).toEqual([{ code: 'CODE_TAKEN', field: ['code'] }]);
    expect(
      (await list({ code: 'EUR-B2B', currency: 'EUR', taxInclusive: false })).userErrors,
    ).toEqual([{ code: 'TAX_MODE_MISMATCH', field: ['taxInclusive'] }]);
    expect((await list({ code: 'CHF', currency: 'CHF', taxInclusive: true })).userErrors).toEqual([
      { code: 'UNKNOWN_CURRENCY', field: ['currency'] },
    ]);
  });

  it('keeps priceQuote to services and staff mutations to pricing:write', async () => {
    const input = {
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [{ variantId: A.id, quantity: 1 }],
    };
    for (const viewer of [anonymous, customer, staff, clerk]) {
      const response = await gql(QUOTE, { input }, viewer);
      expect(response.errors?.[0]?.extensions?.code).toBe(
        viewer === anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      );
      expect(response.data?.priceQuote ?? null).toBeNull();
    }
    const before = (await sql(`SELECT count(*)::int AS n FROM pricing.price`))[0].n;
    for (const viewer of [anonymous, customer, clerk]) {
      const code = viewer === anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      const price = await gql(
        PRICE_SET,
        { input: { variantId: A.id, sku: A.sku, currency: 'EUR', amount: 1 } },
        viewer,
      );
      expect(price.errors?.[0]?.extensions?.code).toBe(code);
      const tax = await gql(
        TAX_RULE_SET,
        { input: { country: 'DE', rateBasisPoints: 0, name: 'x' } },
        viewer,
      );
      expect(tax.errors?.[0]?.extensions?.code).toBe(code);
      const ship = await gql(
        SHIPPING_RATE_SET,
        { input: { country: 'DE', currency: 'EUR', amount: 0 } },
        viewer,
      );
      expect(ship.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect((await sql(`SELECT count(*)::int AS n FROM pricing.price`))[0].n).toBe(before);
    expect((await variant(A.id)).price.amount).toBe(1999);
  });

  it('resolves ProductVariant prices and Product price ranges from the variants the router passes', async () => {
    const productId = randomUUID();
    const result = dataOf(
      await gql(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on ProductVariant { id price { amount currency } usd: price(currency: "USD", quantity: 10) { amount } }
           ... on Product { id priceRange { min { amount currency } max { amount currency } } usd: priceRange(currency: "USD") { min { amount } max { amount } } } } }`,
        {
          representations: [
            { __typename: 'ProductVariant', id: D.id },
            { __typename: 'ProductVariant', id: UNPRICED.toUpperCase() },
            { __typename: 'ProductVariant', id: 'not-a-uuid' },
            {
              __typename: 'Product',
              id: productId,
              variants: [{ id: A.id }, { id: D.id }, { id: UNPRICED }],
            },
            { __typename: 'Product', id: randomUUID(), variants: [{ id: UNPRICED }] },
            { __typename: 'Product', id: randomUUID(), variants: [] },
            { __typename: 'Product', id: 'not-a-uuid', variants: [{ id: A.id }] },
          ],
        },
        anonymous,
      ),
    );
    expect(result._entities).toEqual([
      { id: D.id, price: { amount: 1, currency: 'EUR' }, usd: { amount: 1 } },
      { id: UNPRICED, price: null, usd: null },
      null,
      {
        id: productId,
        priceRange: { min: { amount: 1, currency: 'EUR' }, max: { amount: 1999, currency: 'EUR' } },
        usd: { min: { amount: 1 }, max: { amount: 2159 } },
      },
      { id: expect.any(String), priceRange: null, usd: null },
      { id: expect.any(String), priceRange: null, usd: null },
      null,
    ]);
  });

  it('prices a page of products and variants with a constant number of statements', async () => {
    const cost = async (count: number) => {
      const page = bulk.slice(0, count * 2);
      const representations = [
        ...Array.from({ length: count }, (_, i) => ({
          __typename: 'Product',
          id: randomUUID(),
          variants: [{ id: page[2 * i]!.id }, { id: page[2 * i + 1]!.id }],
        })),
        ...page.map((v) => ({ __typename: 'ProductVariant', id: v.id })),
      ];
      const before = pricing().statements.count;
      const result = dataOf(
        await gql(
          `query ($representations: [_Any!]!) { _entities(representations: $representations) {
             ... on Product { priceRange { min { amount } max { amount } } }
             ... on ProductVariant { price { amount } bulk: price(quantity: 10) { amount } priceTiers { minQuantity } } } }`,
          { representations },
          anonymous,
        ),
      );
      const spent = pricing().statements.count - before;
      expect(result._entities).toHaveLength(count * 3);
      expect(result._entities[0]).toEqual({
        priceRange: { min: { amount: 1000 }, max: { amount: 1010 } },
      });
      expect(result._entities[count + 1]).toEqual({
        price: { amount: 1010 },
        bulk: { amount: 909 },
        priceTiers: [{ minQuantity: 1 }, { minQuantity: 10 }],
      });
      return spent;
    };
    const five = await cost(5);
    const forty = await cost(40);
    expect(five).toBe(forty);
    expect(forty).toBeLessThanOrEqual(2);
  });

  it('answers malformed ids and arguments with BAD_USER_INPUT, never a 500', async () => {
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [PRICE_SET, { input: { variantId: 'nope', sku: 'X', currency: 'EUR', amount: 1 } }, staff],
      [
        QUOTE,
        {
          input: {
            currency: 'EUR',
            shippingCountry: 'DE',
            lines: [{ variantId: '42', quantity: 1 }],
          },
        },
        orders,
      ],
      [VARIANT, { id: A.id, currency: 'EUR', quantity: 0 }, staff],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.status).not.toBe(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
    }
  });

  it('composes with catalog (its price field removed), keeping priceQuote internal', () => {
    const catalogSdl =
      readFileSync(join(__dirname, '../../platform/preamble.graphql'), 'utf8') +
      readFileSync(join(__dirname, '../catalog/schema.graphql'), 'utf8');
    // Catalog's argument-less `price: Money!` gives way to pricing's; strip it (a no-op once catalog has).
    const withoutPrice = catalogSdl.replace(
      /\n\s*"List price of the variant\."\s*\n\s*price: Money!/,
      '',
    );
    expect(withoutPrice).not.toMatch(/^\s*price: Money!/m);
    const result = composeServices([
      { name: 'catalog', typeDefs: gqlTag(withoutPrice), url: 'http://localhost:4001/graphql' },
      { name: 'pricing', typeDefs: pricingSubgraph.typeDefs, url: 'http://localhost:4005/graphql' },
    ]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const api = printSchema(result.schema!.toAPISchema().toGraphQLJSSchema());
    expect(api).toContain('price(currency: String! = "EUR", quantity: Int = 1): Money');
    expect(api).toContain('priceRange(currency: String! = "EUR"): PriceRange');
    expect(api).toContain('priceSet(input: PriceSetInput!): PricePayload!');
    expect(api).not.toMatch(/priceQuote|PriceQuote/);
  });
});
