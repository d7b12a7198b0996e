import { dataOf } from '../../platform/testing/graphql-client';
import {
  staff,
  anonymous,
  gql,
  A,
  TAX_RULE_SET,
  SHIPPING_RATE_SET,
  quote,
  usePricingSubgraph,
} from './test-kit';

usePricingSubgraph();

describe('pricing subgraph', () => {
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

  it('sets (deprecated) shipping rates, replacing the rate of a country and currency', async () => {
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
    // Deprecated: a quote no longer reads the rate; it charges what it is given.
    const at = await quote({
      currency: 'EUR',
      shippingCountry: 'AT',
      lines: [{ variantId: A.id, quantity: 1 }],
    });
    expect(at.quote).toMatchObject({ shippingAmount: 0, taxRateBasisPoints: 0, total: 1999 });
  });
});
