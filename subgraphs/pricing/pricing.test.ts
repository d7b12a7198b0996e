import { randomUUID } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { printSchema } from 'graphql';
import gqlTag from 'graphql-tag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSubgraph, type RunningSubgraph } from '../../platform/server';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { startFakeSubgraph, type FakeSubgraph } from '../../platform/testing/fake-subgraph';
import type { Viewer } from '../../platform/identity';
import { pricingSubgraph } from '.';
import { seedPricing } from './seed';
import type { PricingService } from './service';

const staff: Viewer = { kind: 'staff', staffId: 's', permissions: ['pricing:write'] };
const clerk: Viewer = { kind: 'staff', staffId: 'c', permissions: [] };
const orders: Viewer = { kind: 'service', service: 'orders' };
const anonymous: Viewer = { kind: 'anonymous' };
const customer: Viewer = { kind: 'customer', customerId: 'c1' };

let db: TestDatabase;
let pricing: RunningSubgraph<{ pricing: PricingService }>;
let catalog: FakeSubgraph;
/** The fake catalog's variants: id → SKU (setPrice registers what it prices). */
const catalogued = new Map<string, string>();

const gql = async (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  postGraphQL(pricing.url, query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  pricing.dataSource.query(text, params);

const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

// Seeded variants: EUR (tax-inclusive) base prices; USD = round(× 1.08), GBP = round(× 0.86), 10+ at 10 % off.
const A = { id: randomUUID(), sku: 'TEE-A', priceAmount: 1999 }; // EUR 1999/1799, USD 2159/1943, GBP 1719
const B = { id: randomUUID(), sku: 'COAT-B', priceAmount: 4990 }; // EUR 4990/4491, USD 5389/4850
const D = { id: randomUUID(), sku: 'PIN-D', priceAmount: 1 }; // 1 cent everywhere; 10+ round(0.9) = 1
const UNPRICED = randomUUID();
const bulk = Array.from({ length: 700 }, (_, i) => ({
  id: randomUUID(),
  sku: `BULK-${i}`,
  priceAmount: 1000 + i * 10,
}));

const PRICE_RECORD = `id priceList amount { amount currency } minQuantity validFrom validTo scheduled createdAt`;
const PRICE_SET = `mutation ($input: PriceSetInput!) {
  priceSet(input: $input) { price { ${PRICE_RECORD} } userErrors { field message code } }
}`;
const TAX_RULE_SET = `mutation ($input: TaxRuleSetInput!) {
  taxRuleSet(input: $input) { taxRule { id country region rateBasisPoints name } userErrors { field message code } }
}`;
const SHIPPING_RATE_SET = `mutation ($input: ShippingRateSetInput!) {
  shippingRateSet(input: $input) { shippingRate { country amount { amount currency } freeOver { amount currency } } userErrors { field message code } }
}`;
const QUOTE = `mutation ($input: PriceQuoteInput!) {
  priceQuote(input: $input) {
    quote {
      currency taxInclusive taxRateBasisPoints
      lines { variantId quantity unitPrice lineSubtotal discountAmount taxAmount lineTotal }
      subtotal discountTotal shippingAmount shippingDiscountAmount shippingTaxAmount taxTotal total
    }
    userErrors { field message code }
  }
}`;
const VARIANT = `query ($id: ID!, $currency: String!, $quantity: Int) {
  _entities(representations: [{ __typename: "ProductVariant", id: $id }]) {
    ... on ProductVariant {
      price(currency: $currency, quantity: $quantity) { amount currency }
      priceTiers(currency: $currency) { minQuantity price { amount } validTo }
      priceHistory(currency: $currency) { ${PRICE_RECORD} }
    }
  }
}`;

async function setPrice(input: Record<string, unknown>, viewer = staff) {
  if (typeof input.variantId === 'string' && typeof input.sku === 'string')
    catalogued.set(input.variantId, input.sku);
  return dataOf(await gql(PRICE_SET, { input }, viewer)).priceSet;
}
async function variant(id: string, currency = 'EUR', quantity = 1) {
  return dataOf(await gql(VARIANT, { id, currency, quantity }, staff))._entities[0];
}
async function quote(input: Record<string, unknown>) {
  return dataOf(await gql(QUOTE, { input }, orders)).priceQuote;
}

/** Σ lineTotal + shipping − shipping discount (+ shipping tax when exclusive) is the total, exactly. */
function expectTotalsAddUp(q: any) {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  expect(q.subtotal).toBe(sum(q.lines.map((l: any) => l.lineSubtotal)));
  expect(q.discountTotal).toBe(sum(q.lines.map((l: any) => l.discountAmount)));
  expect(q.taxTotal).toBe(sum(q.lines.map((l: any) => l.taxAmount)) + q.shippingTaxAmount);
  const shipping =
    q.shippingAmount - q.shippingDiscountAmount + (q.taxInclusive ? 0 : q.shippingTaxAmount);
  expect(sum(q.lines.map((l: any) => l.lineTotal)) + shipping).toBe(q.total);
  const tax = q.taxInclusive ? 0 : q.taxTotal;
  expect(q.subtotal - q.discountTotal + q.shippingAmount - q.shippingDiscountAmount + tax).toBe(
    q.total,
  );
}

beforeAll(async () => {
  for (const v of [A, B, D]) catalogued.set(v.id, v.sku);
  catalog = await startFakeSubgraph(({ variables }) => {
    const id = String(variables.id);
    const sku = catalogued.get(id);
    return { data: { variant: sku ? { id, sku } : null } };
  });
  db = await createTestDatabase('pricing');
  pricing = await startSubgraph(pricingSubgraph, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
    subgraphUrls: { catalog: catalog.url },
  });
  expect(await seedPricing(pricing.dataSource, [A, B, D, ...bulk])).toBe(true);
});

afterAll(async () => {
  await pricing?.stop();
  await db?.drop();
  await catalog?.stop();
});

describe('pricing subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(pricing.url, '{ currencies { code } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('seeds lists, prices, tax rules and shipping rates in bulk, once', async () => {
    expect(await seedPricing(pricing.dataSource, [A])).toBe(false);
    const [{ n }] = await sql(`SELECT count(*)::int AS n FROM pricing.price`);
    expect(n).toBe(703 * 3 * 2);
    const data = dataOf(
      await gql(
        `{ currencies { code name minorUnits } priceLists { code currency taxInclusive priority }
           taxRules(country: "us") { country region rateBasisPoints }
           shippingRates { country amount { amount currency } freeOver { amount } } }`,
        {},
        staff,
      ),
    );
    expect(data.currencies).toEqual([
      { code: 'EUR', name: 'Euro', minorUnits: 2 },
      { code: 'GBP', name: 'Pound Sterling', minorUnits: 2 },
      { code: 'USD', name: 'US Dollar', minorUnits: 2 },
    ]);
    expect(data.priceLists).toEqual([
      { code: 'EUR-RETAIL', currency: 'EUR', taxInclusive: true, priority: 0 },
      { code: 'GBP-RETAIL', currency: 'GBP', taxInclusive: true, priority: 0 },
      { code: 'USD-RETAIL', currency: 'USD', taxInclusive: false, priority: 0 },
    ]);
    expect(data.taxRules).toEqual([
      { country: 'US', region: null, rateBasisPoints: 0 },
      { country: 'US', region: 'US-CA', rateBasisPoints: 725 },
      { country: 'US', region: 'US-NY', rateBasisPoints: 400 },
    ]);
    expect(data.shippingRates).toEqual([
      { country: 'DE', amount: { amount: 495, currency: 'EUR' }, freeOver: { amount: 5000 } },
      { country: 'FR', amount: { amount: 495, currency: 'EUR' }, freeOver: { amount: 5000 } },
      { country: 'GB', amount: { amount: 495, currency: 'GBP' }, freeOver: null },
      { country: 'NL', amount: { amount: 495, currency: 'EUR' }, freeOver: { amount: 5000 } },
      { country: 'US', amount: { amount: 795, currency: 'USD' }, freeOver: { amount: 10000 } },
    ]);
  });

  it('prices a variant in several currencies, with null where it has no price', async () => {
    expect((await variant(A.id, 'EUR')).price).toEqual({ amount: 1999, currency: 'EUR' });
    expect((await variant(A.id, 'usd')).price).toEqual({ amount: 2159, currency: 'USD' });
    expect((await variant(A.id, 'GBP')).price).toEqual({ amount: 1719, currency: 'GBP' });
    expect((await variant(A.id, 'JPY')).price).toBeNull();
    const none = await variant(UNPRICED, 'EUR');
    expect(none).toEqual({ price: null, priceTiers: [], priceHistory: [] });
  });

  it('selects the tier by quantity', async () => {
    expect(
      (
        await setPrice({
          variantId: A.id,
          sku: A.sku,
          currency: 'EUR',
          amount: 1600,
          minQuantity: 50,
        })
      ).userErrors,
    ).toEqual([]);
    const prices = await Promise.all(
      [1, 9, 10, 49, 50, 1000].map(async (q) => (await variant(A.id, 'EUR', q)).price.amount),
    );
    expect(prices).toEqual([1999, 1999, 1799, 1799, 1600, 1600]);
    expect((await variant(A.id, 'EUR')).priceTiers).toEqual([
      { minQuantity: 1, price: { amount: 1999 }, validTo: null },
      { minQuantity: 10, price: { amount: 1799 }, validTo: null },
      { minQuantity: 50, price: { amount: 1600 }, validTo: null },
    ]);
    expect((await variant(A.id, 'USD', 10)).price.amount).toBe(1943);
  });

  it('never updates a price in place: a new price closes the current row and the rows are the history', async () => {
    const E = randomUUID();
    const first = await setPrice({ variantId: E, sku: 'HAT-E', currency: 'EUR', amount: 1000 });
    expect(first.userErrors).toEqual([]);
    expect(first.price).toMatchObject({
      priceList: 'EUR-RETAIL',
      amount: { amount: 1000, currency: 'EUR' },
      minQuantity: 1,
      validTo: null,
      scheduled: false,
    });
    const second = await setPrice({ variantId: E, sku: 'HAT-E', currency: 'EUR', amount: 1200 });
    expect((await variant(E)).price.amount).toBe(1200);
    // The same price again is a no-op: a retry writes nothing.
    const again = await setPrice({ variantId: E, sku: 'HAT-E', currency: 'EUR', amount: 1200 });
    expect(again.price.id).toBe(second.price.id);

    const history = (await variant(E)).priceHistory;
    expect(history.map((p: any) => [p.amount.amount, p.validTo === null])).toEqual([
      [1200, true],
      [1000, false],
    ]);
    expect(history[1].id).toBe(first.price.id);
    expect(history[1].validTo).toBe(history[0].validFrom); // closed exactly when the new one started
    const rows = await sql(
      `SELECT amount::int, valid_to IS NULL AS open FROM pricing.price WHERE variant_id = $1 ORDER BY seq`,
      [E],
    );
    expect(rows).toEqual([
      { amount: 1000, open: false },
      { amount: 1200, open: true },
    ]);
    expect((await variant(E, 'USD')).price).toBeNull();

    // A future price keeps the current one until it starts.
    const future = await setPrice({
      variantId: E,
      sku: 'HAT-E',
      currency: 'EUR',
      amount: 1500,
      validFrom: inDays(3),
    });
    expect(future.userErrors).toEqual([]);
    expect((await variant(E)).price.amount).toBe(1200);
    const later = await quote({
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [{ variantId: E, quantity: 1 }],
      at: inDays(4),
    });
    expect(later.quote.lines[0].unitPrice).toBe(1500);
    expect((await variant(E)).priceHistory.map((p: any) => p.amount.amount)).toEqual([
      1500, 1200, 1000,
    ]);
  });

  it('serializes concurrent price changes of a tier: one open price, a closed chain of the others', async () => {
    const F = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        setPrice({ variantId: F, sku: 'RACE-F', currency: 'USD', amount: 100 + i }),
      ),
    );
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const rows = await sql(
      `SELECT amount::int, valid_from, valid_to FROM pricing.price WHERE variant_id = $1 ORDER BY seq`,
      [F],
    );
    expect(rows).toHaveLength(10);
    expect(rows.filter((r) => r.valid_to === null)).toHaveLength(1);
    for (let i = 0; i < rows.length - 1; i += 1)
      expect(rows[i].valid_to).toEqual(rows[i + 1].valid_from);
    expect((await variant(F, 'USD')).price.amount).toBe(rows.at(-1).amount);
  });

  it('applies a scheduled sale inside its window only, without closing the regular price', async () => {
    const sale = await setPrice({
      variantId: B.id,
      sku: B.sku,
      currency: 'EUR',
      amount: 3990,
      validFrom: inDays(1),
      validTo: inDays(8),
    });
    expect(sale.userErrors).toEqual([]);
    expect(sale.price).toMatchObject({ scheduled: true, amount: { amount: 3990 } });
    const unitAt = async (at: string | undefined, quantity = 1) =>
      (
        await quote({
          currency: 'EUR',
          shippingCountry: 'DE',
          lines: [{ variantId: B.id, quantity }],
          at,
        })
      ).quote.lines[0].unitPrice;
    expect(await unitAt(undefined)).toBe(4990);
    expect(await unitAt(inDays(2))).toBe(3990);
    expect(await unitAt(inDays(7.9))).toBe(3990);
    expect(await unitAt(inDays(9))).toBe(4990);
    expect(await unitAt(inDays(2), 10)).toBe(4491); // the sale is a 1+ price; the 10+ tier keeps its own
    expect((await variant(B.id)).price.amount).toBe(4990);
    const history = (await variant(B.id)).priceHistory;
    expect(
      history.map((p: any) => [p.amount.amount, p.minQuantity, p.scheduled, p.validTo === null]),
    ).toEqual([
      [3990, 1, true, false],
      [4491, 10, false, true],
      [4990, 1, false, true],
    ]);
  });

  it('quotes an inclusive EUR cart exactly, with discounts, shipping and a 1-cent line', async () => {
    const result = await quote({
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [
        { variantId: A.id, quantity: 2, discountAmount: 300 },
        { variantId: D.id, quantity: 1 },
      ],
      shippingDiscountAmount: 100,
    });
    expect(result.userErrors).toEqual([]);
    // A: 2 × 1999 = 3998 − 300 = 3698 gross, tax 3698 × 19/119 = 590.44 → 590.
    // D: 1 cent, tax 0.16 → 0. Shipping 495 (3699 < 5000) − 100 = 395, tax 395 × 19/119 = 63.07 → 63.
    expect(result.quote).toEqual({
      currency: 'EUR',
      taxInclusive: true,
      taxRateBasisPoints: 1900,
      lines: [
        {
          variantId: A.id,
          quantity: 2,
          unitPrice: 1999,
          lineSubtotal: 3998,
          discountAmount: 300,
          taxAmount: 590,
          lineTotal: 3698,
        },
        {
          variantId: D.id,
          quantity: 1,
          unitPrice: 1,
          lineSubtotal: 1,
          discountAmount: 0,
          taxAmount: 0,
          lineTotal: 1,
        },
      ],
      subtotal: 3999,
      discountTotal: 300,
      shippingAmount: 495,
      shippingDiscountAmount: 100,
      shippingTaxAmount: 63,
      taxTotal: 653,
      total: 4094,
    });
    expectTotalsAddUp(result.quote);
  });

  it('quotes an exclusive USD cart exactly, with discounts, shipping and region tax', async () => {
    const result = await quote({
      currency: 'USD',
      shippingCountry: 'US',
      shippingRegion: 'US-CA',
      lines: [
        { variantId: A.id, quantity: 3, discountAmount: 500 },
        { variantId: D.id, quantity: 1 },
      ],
      shippingDiscountAmount: 200,
    });
    expect(result.userErrors).toEqual([]);
    // A: 3 × 2159 = 6477 − 500 = 5977 net, tax 5977 × 7.25 % = 433.33 → 433, line 6410.
    // D: 1, tax 0.07 → 0. Shipping 795 (5978 < 10000) − 200 = 595, tax 43.14 → 43.
    expect(result.quote).toEqual({
      currency: 'USD',
      taxInclusive: false,
      taxRateBasisPoints: 725,
      lines: [
        {
          variantId: A.id,
          quantity: 3,
          unitPrice: 2159,
          lineSubtotal: 6477,
          discountAmount: 500,
          taxAmount: 433,
          lineTotal: 6410,
        },
        {
          variantId: D.id,
          quantity: 1,
          unitPrice: 1,
          lineSubtotal: 1,
          discountAmount: 0,
          taxAmount: 0,
          lineTotal: 1,
        },
      ],
      subtotal: 6478,
      discountTotal: 500,
      shippingAmount: 795,
      shippingDiscountAmount: 200,
      shippingTaxAmount: 43,
      taxTotal: 476,
      total: 7049,
    });
    expectTotalsAddUp(result.quote);
  });

  it('ships for free from the freeOver threshold on, measured after discounts', async () => {
    const eur = (lines: Record<string, unknown>[]) =>
      quote({ currency: 'EUR', shippingCountry: 'NL', lines });
    // 4990 + 10 × 1 = 5000: exactly the threshold.
    const at = await eur([
      { variantId: B.id, quantity: 1 },
      { variantId: D.id, quantity: 10 },
    ]);
    expect(at.quote).toMatchObject({
      subtotal: 5000,
      shippingAmount: 0,
      shippingTaxAmount: 0,
      total: 5000,
    });
    const below = await eur([
      { variantId: B.id, quantity: 1 },
      { variantId: D.id, quantity: 9 },
    ]);
    expect(below.quote).toMatchObject({ subtotal: 4999, shippingAmount: 495, total: 5494 });
    const discounted = await eur([
      { variantId: B.id, quantity: 1, discountAmount: 1 },
      { variantId: D.id, quantity: 10 },
    ]);
    expect(discounted.quote).toMatchObject({
      subtotal: 5000,
      discountTotal: 1,
      shippingAmount: 495,
    });
    // NL at 21 %: 4990 × 21/121 = 866.03 → 866; 10 × 21/121 = 1.74 → 2.
    expect(at.quote.taxRateBasisPoints).toBe(2100);
    expect(at.quote.taxTotal).toBe(868);
    for (const q of [at.quote, below.quote, discounted.quote]) expectTotalsAddUp(q);
    const usd = await quote({
      currency: 'USD',
      shippingCountry: 'US',
      lines: [{ variantId: B.id, quantity: 2 }],
    });
    expect(usd.quote).toMatchObject({
      subtotal: 10778,
      shippingAmount: 0,
      taxRateBasisPoints: 0,
      taxTotal: 0,
      total: 10778,
    });
    const gbp = await quote({
      currency: 'GBP',
      shippingCountry: 'GB',
      lines: [{ variantId: B.id, quantity: 20 }],
    });
    expect(gbp.quote.shippingAmount).toBe(495); // no freeOver: never free
    expectTotalsAddUp(gbp.quote);
  });

  it('uses the region rule over the country rule, and 0 % without a rule', async () => {
    const rateFor = async (shippingCountry: string, shippingRegion?: string) => {
      const result = await quote({
        currency: 'USD',
        shippingCountry,
        shippingRegion,
        lines: [{ variantId: A.id, quantity: 1 }],
      });
      expect(result.userErrors).toEqual([]);
      return [result.quote.taxRateBasisPoints, result.quote.lines[0].taxAmount];
    };
    expect(await rateFor('US', 'US-CA')).toEqual([725, 157]); // 2159 × 7.25 % = 156.53
    expect(await rateFor('us', 'ca')).toEqual([725, 157]);
    expect(await rateFor('US', 'US-NY')).toEqual([400, 86]); // 86.36
    expect(await rateFor('US', 'US-TX')).toEqual([0, 0]);
    expect(await rateFor('US')).toEqual([0, 0]);

    const ruled = dataOf(
      await gql(
        TAX_RULE_SET,
        { input: { country: 'US', region: 'TX', rateBasisPoints: 625, name: 'Texas sales tax' } },
        staff,
      ),
    );
    expect(ruled.taxRuleSet).toEqual({
      taxRule: {
        id: expect.any(String),
        country: 'US',
        region: 'US-TX',
        rateBasisPoints: 625,
        name: 'Texas sales tax',
      },
      userErrors: [],
    });
    expect(await rateFor('US', 'US-TX')).toEqual([625, 135]); // 134.94
    // Setting the country rule again replaces it; region rules still win.
    const replaced = dataOf(
      await gql(
        TAX_RULE_SET,
        { input: { country: 'US', rateBasisPoints: 100, name: 'Federal' } },
        staff,
      ),
    );
    expect(replaced.taxRuleSet.userErrors).toEqual([]);
    expect(await rateFor('US', 'US-WA')).toEqual([100, 22]); // 21.59
    expect(await rateFor('US', 'US-CA')).toEqual([725, 157]);
    const us = dataOf(
      await gql(`{ taxRules(country: "US") { region rateBasisPoints } }`, {}, anonymous),
    ).taxRules;
    expect(us.map((r: any) => r.region)).toEqual([null, 'US-CA', 'US-NY', 'US-TX']);
    expect(us[0].rateBasisPoints).toBe(100);
    await gql(
      TAX_RULE_SET,
      { input: { country: 'US', rateBasisPoints: 0, name: 'No federal sales tax' } },
      staff,
    );
  });

  it('sets shipping rates, replacing the rate of a country and currency', async () => {
    const set = async (input: Record<string, unknown>) =>
      dataOf(await gql(SHIPPING_RATE_SET, { input }, staff)).shippingRateSet;
    expect(await set({ country: 'at', currency: 'eur', amount: 695, freeOver: 7500 })).toEqual({
      shippingRate: {
        country: 'AT',
        amount: { amount: 695, currency: 'EUR' },
        freeOver: { amount: 7500, currency: 'EUR' },
      },
      userErrors: [],
    });
    expect(
      (await set({ country: 'AT', currency: 'EUR', amount: 595 })).shippingRate.freeOver,
    ).toBeNull();
    const at = await quote({
      currency: 'EUR',
      shippingCountry: 'AT',
      lines: [{ variantId: A.id, quantity: 1 }],
    });
    expect(at.quote).toMatchObject({
      shippingAmount: 595,
      taxRateBasisPoints: 0,
      total: 1999 + 595,
    });
  });

  it('answers bad staff input with userErrors and writes nothing', async () => {
    const before = (await sql(`SELECT count(*)::int AS n FROM pricing.price`))[0].n;
    const base = { variantId: A.id, sku: A.sku, currency: 'EUR', amount: 100 };
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ ...base, amount: -1 }, 'INVALID_AMOUNT', ['amount']],
      [{ ...base, currency: 'JPY' }, 'UNKNOWN_CURRENCY', ['currency']],
      [{ ...base, currency: 'EURO' }, 'UNKNOWN_CURRENCY', ['currency']],
      [{ ...base, minQuantity: 0 }, 'INVALID_QUANTITY', ['minQuantity']],
      [{ ...base, validFrom: inDays(2), validTo: inDays(1) }, 'INVALID_WINDOW', ['validTo']],
      [{ ...base, validFrom: inDays(2), validTo: inDays(2) }, 'INVALID_WINDOW', ['validTo']],
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

  it('lets a higher-priority list win for the variants it prices', async () => {
    const created = dataOf(
      await gql(
        `mutation { priceListCreate(input: { code: "gbp-vip", currency: "GBP", taxInclusive: true, priority: 10 }) { priceList { code currency taxInclusive priority } userErrors { code } } }`,
        {},
        staff,
      ),
    ).priceListCreate;
    expect(created).toEqual({
      priceList: { code: 'GBP-VIP', currency: 'GBP', taxInclusive: true, priority: 10 },
      userErrors: [],
    });
    const C = randomUUID();
    await setPrice({
      variantId: C,
      sku: 'VIP-C',
      currency: 'GBP',
      amount: 900,
      priceList: 'GBP-RETAIL',
    });
    expect((await variant(C, 'GBP')).price.amount).toBe(900);
    const vip = await setPrice({ variantId: C, sku: 'VIP-C', currency: 'GBP', amount: 800 }); // default: the top list
    expect(vip.price.priceList).toBe('GBP-VIP');
    expect((await variant(C, 'GBP', 10)).price.amount).toBe(800);
    expect((await variant(A.id, 'GBP')).price.amount).toBe(1719); // not in the VIP list: the retail price
  });

  it('answers bad quotes with userErrors', async () => {
    const errorsOf = async (input: Record<string, unknown>) => (await quote(input)).userErrors;
    const line = { variantId: A.id, quantity: 1 };
    expect(
      await errorsOf({
        currency: 'EUR',
        shippingCountry: 'DE',
        lines: [line, { variantId: UNPRICED, quantity: 1 }],
      }),
    ).toEqual([
      {
        code: 'VARIANT_NOT_PRICED',
        field: ['lines', '1'],
        message: expect.stringContaining(UNPRICED),
      },
    ]);
    expect(await errorsOf({ currency: 'JPY', shippingCountry: 'DE', lines: [line] })).toEqual([
      { code: 'UNKNOWN_CURRENCY', field: ['currency'], message: expect.any(String) },
    ]);
    expect(
      await errorsOf({
        currency: 'EUR',
        shippingCountry: 'DE',
        lines: [{ variantId: A.id, quantity: 0 }],
      }),
    ).toEqual([
      { code: 'INVALID_QUANTITY', field: ['lines', '0', 'quantity'], message: expect.any(String) },
    ]);
    expect(
      (
        await errorsOf({
          currency: 'EUR',
          shippingCountry: 'DE',
          lines: [{ ...line, discountAmount: -1 }],
        })
      )[0].code,
    ).toBe('INVALID_AMOUNT');
    expect(
      (
        await errorsOf({
          currency: 'EUR',
          shippingCountry: 'DE',
          lines: [line],
          shippingDiscountAmount: -1,
        })
      )[0].code,
    ).toBe('INVALID_AMOUNT');
    expect(
      (await errorsOf({ currency: 'EUR', shippingCountry: 'Germany', lines: [line] }))[0].code,
    ).toBe('INVALID_COUNTRY');
    expect(
      (await errorsOf({ currency: 'EUR', shippingCountry: 'US', lines: [line] }))[0],
    ).toMatchObject({ code: 'SHIPPING_UNAVAILABLE', field: ['shippingCountry'] });
    expect(
      (
        await errorsOf({ currency: 'EUR', shippingCountry: 'DE', lines: [line], at: 'next week' })
      )[0].code,
    ).toBe('INVALID_DATE');
    expect(
      (
        await errorsOf({
          currency: 'EUR',
          shippingCountry: 'DE',
          lines: [{ ...line, quantity: 2_000_000 }],
        })
      )[0].code,
    ).toBe('AMOUNT_TOO_LARGE');
    const empty = await quote({ currency: 'EUR', shippingCountry: 'DE', lines: [] });
    expect(empty.quote).toMatchObject({ lines: [], subtotal: 0, shippingAmount: 0, total: 0 });
  });

  it('keeps priceQuote to services and staff mutations to pricing:write', async () => {
    const input = {
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [{ variantId: A.id, quantity: 1 }],
    };
    for (const viewer of [anonymous, customer, staff, clerk]) {
      const response = await gql(QUOTE, { input }, viewer);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
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
      const before = pricing.statements.count;
      const result = dataOf(
        await gql(
          `query ($representations: [_Any!]!) { _entities(representations: $representations) {
             ... on Product { priceRange { min { amount } max { amount } } }
             ... on ProductVariant { price { amount } bulk: price(quantity: 10) { amount } priceTiers { minQuantity } } } }`,
          { representations },
          anonymous,
        ),
      );
      const spent = pricing.statements.count - before;
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
