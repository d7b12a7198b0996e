import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { seedPricing } from './seed';
import {
  staff,
  pricing,
  gql,
  sql,
  inDays,
  A,
  B,
  UNPRICED,
  setPrice,
  variant,
  quote,
  usePricingSubgraph,
} from './test-kit';

usePricingSubgraph();

describe('pricing subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(pricing().url, '{ currencies { code } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('seeds lists, prices, tax rules and shipping rates in bulk, once', async () => {
    expect(await seedPricing(pricing().dataSource, [A])).toBe(false);
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
});
