/* eslint-disable @typescript-eslint/no-explicit-any -- like the tests, these helpers read loosely typed GraphQL and SQL answers */
import { randomUUID } from 'node:crypto';
import type { RunningSubgraph } from '../../platform/server';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { startFakeSubgraph, type FakeSubgraph } from '../../platform/testing/fake-subgraph';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import type { Viewer } from '../../platform/identity';
import { pricingSubgraph } from '.';
import { seedPricing } from './seed';
import type { PricingService } from './service';

/**
 * What the pricing subgraph tests share: the subgraph on a seeded database and a fake
 * catalog (one of each per test file), the viewers, the operations and their helpers.
 */
export const staff: Viewer = viewers.staff(['pricing:write'], 's');
export const clerk: Viewer = viewers.staff([], 'c');
export const orders: Viewer = viewers.service('orders');
export const anonymous: Viewer = viewers.anonymous;
export const customer: Viewer = viewers.customer('c1');

let current: TestSubgraph<{ pricing: PricingService }> | null = null;
let catalog: FakeSubgraph | null = null;
/** The fake catalog's variants: id → SKU (setPrice registers what it prices). */
export const catalogued = new Map<string, string>();

export function pricing(): RunningSubgraph<{ pricing: PricingService }> {
  if (!current) throw new Error('usePricingSubgraph() first');
  return current.subgraph;
}

export const gql = async (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  postGraphQL(pricing().url, query, variables, { viewer });
export const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  pricing().dataSource.query(text, params);

export const DAY = 24 * 3600 * 1000;
export const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

// Seeded variants: EUR (tax-inclusive) base prices; USD = round(× 1.08), GBP = round(× 0.86), 10+ at 10 % off.
export const A = { id: randomUUID(), sku: 'TEE-A', priceAmount: 1999 }; // EUR 1999/1799, USD 2159/1943, GBP 1719
export const B = { id: randomUUID(), sku: 'COAT-B', priceAmount: 4990 }; // EUR 4990/4491, USD 5389/4850
export const D = { id: randomUUID(), sku: 'PIN-D', priceAmount: 1 }; // 1 cent everywhere; 10+ round(0.9) = 1
export const UNPRICED = randomUUID();
export const bulk = Array.from({ length: 700 }, (_, i) => ({
  id: randomUUID(),
  sku: `BULK-${i}`,
  priceAmount: 1000 + i * 10,
}));

export const PRICE_RECORD = `id priceList amount { amount currency } minQuantity validFrom validTo scheduled createdAt`;
export const PRICE_SET = `mutation ($input: PriceSetInput!) {
  priceSet(input: $input) { price { ${PRICE_RECORD} } userErrors { field message code } }
}`;
export const TAX_RULE_SET = `mutation ($input: TaxRuleSetInput!) {
  taxRuleSet(input: $input) { taxRule { id country region rateBasisPoints name } userErrors { field message code } }
}`;
export const SHIPPING_RATE_SET = `mutation ($input: ShippingRateSetInput!) {
  shippingRateSet(input: $input) { shippingRate { country amount { amount currency } freeOver { amount currency } } userErrors { field message code } }
}`;
export const QUOTE = `mutation ($input: PriceQuoteInput!) {
  priceQuote(input: $input) {
    quote {
      currency taxInclusive taxRateBasisPoints
      lines { variantId quantity unitPrice lineSubtotal discountAmount taxAmount lineTotal }
      subtotal discountTotal shippingAmount shippingDiscountAmount shippingTaxAmount taxTotal total
    }
    userErrors { field message code }
  }
}`;
export const VARIANT = `query ($id: ID!, $currency: String!, $quantity: Int) {
  _entities(representations: [{ __typename: "ProductVariant", id: $id }]) {
    ... on ProductVariant {
      price(currency: $currency, quantity: $quantity) { amount currency }
      priceTiers(currency: $currency) { minQuantity price { amount } validTo }
      priceHistory(currency: $currency) { ${PRICE_RECORD} }
    }
  }
}`;

export async function setPrice(input: Record<string, unknown>, viewer = staff) {
  if (typeof input.variantId === 'string' && typeof input.sku === 'string')
    catalogued.set(input.variantId, input.sku);
  return dataOf(await gql(PRICE_SET, { input }, viewer)).priceSet;
}
export async function variant(id: string, currency = 'EUR', quantity = 1) {
  return dataOf(await gql(VARIANT, { id, currency, quantity }, staff))._entities[0];
}
export async function quote(input: Record<string, unknown>) {
  return dataOf(await gql(QUOTE, { input }, orders)).priceQuote;
}

/** Σ lineTotal + shipping − shipping discount (+ shipping tax when exclusive) is the total, exactly. */
export function expectTotalsAddUp(q: any) {
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

/** Starts the fake catalog and the seeded subgraph for this test file and stops them after. */
export function usePricingSubgraph(): void {
  beforeAll(async () => {
    for (const v of [A, B, D]) catalogued.set(v.id, v.sku);
    const fake = await startFakeSubgraph(({ variables }) => {
      const id = String(variables.id);
      const sku = catalogued.get(id);
      return { data: { variant: sku ? { id, sku } : null } };
    });
    catalog = fake;
    current = await startSubgraphForTest(pricingSubgraph, {
      database: 'pricing',
      subgraphUrls: { catalog: fake.url },
    });
    expect(await seedPricing(current.subgraph.dataSource, [A, B, D, ...bulk])).toBe(true);
  });
  afterAll(async () => {
    await current?.stop();
    current = null;
    await catalog?.stop();
    catalog = null;
  });
}
