import { A, B, D, UNPRICED, quote, expectTotalsAddUp, usePricingSubgraph } from './test-kit';

usePricingSubgraph();

describe('pricing subgraph', () => {
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
});
