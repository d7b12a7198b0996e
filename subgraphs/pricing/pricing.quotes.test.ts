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
      shippingAmount: 495,
      shippingDiscountAmount: 100,
    });
    expect(result.userErrors).toEqual([]);
    // A: 2 × 1999 = 3998 − 300 = 3698 gross, tax 3698 × 19/119 = 590.44 → 590.
    // D: 1 cent, tax 0.16 → 0. Shipping 495 − 100 = 395, tax 395 × 19/119 = 63.07 → 63.
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
      shippingAmount: 795,
      shippingDiscountAmount: 200,
    });
    expect(result.userErrors).toEqual([]);
    // A: 3 × 2159 = 6477 − 500 = 5977 net, tax 5977 × 7.25 % = 433.33 → 433, line 6410.
    // D: 1, tax 0.07 → 0. Shipping 795 − 200 = 595, tax 43.14 → 43.
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

  it('charges the shipping amount it is given, whatever the subtotal, and taxes it', async () => {
    const eur = (lines: Record<string, unknown>[], shippingAmount?: number) =>
      quote({ currency: 'EUR', shippingCountry: 'NL', lines, shippingAmount });
    // 4990 + 10 × 1 = 5000: pricing has no free-over threshold of its own any more.
    const lines = [
      { variantId: B.id, quantity: 1 },
      { variantId: D.id, quantity: 10 },
    ];
    const shipped = await eur(lines, 495);
    // NL at 21 %: 4990 × 21/121 = 866.03 → 866; 10 × 21/121 = 1.74 → 2; 495 × 21/121 = 85.9 → 86.
    expect(shipped.quote).toMatchObject({
      subtotal: 5000,
      shippingAmount: 495,
      shippingTaxAmount: 86,
      taxRateBasisPoints: 2100,
      taxTotal: 954,
      total: 5495,
    });
    const unshipped = await eur(lines);
    expect(unshipped.quote).toMatchObject({ shippingAmount: 0, shippingTaxAmount: 0, total: 5000 });
    for (const q of [shipped.quote, unshipped.quote]) expectTotalsAddUp(q);
    // No rate table is read: a destination pricing has no shipping rate for quotes too.
    const usd = await quote({
      currency: 'USD',
      shippingCountry: 'JP',
      lines: [{ variantId: B.id, quantity: 2 }],
      shippingAmount: 1500,
    });
    expect(usd.userErrors).toEqual([]);
    expect(usd.quote).toMatchObject({ subtotal: 10778, shippingAmount: 1500, total: 12278 });
    expectTotalsAddUp(usd.quote);
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
      (
        await errorsOf({
          currency: 'EUR',
          shippingCountry: 'DE',
          lines: [line],
          shippingAmount: -1,
        })
      )[0],
    ).toMatchObject({ code: 'INVALID_AMOUNT', field: ['shippingAmount'] });
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
    const empty = await quote({
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [],
      shippingAmount: 495,
    });
    expect(empty.quote).toMatchObject({ lines: [], subtotal: 0, shippingAmount: 0, total: 0 });
  });

  it("prices a line at staff's unit price instead of the lists', discounted and taxed alike", async () => {
    const result = await quote({
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [
        { variantId: A.id, quantity: 2, unitPrice: 1500, discountAmount: 100 },
        { variantId: UNPRICED, quantity: 1, unitPrice: 0 },
      ],
    });
    expect(result.userErrors).toEqual([]);
    // A: 2 × 1500 = 3000 − 100 = 2900 gross, tax 2900 × 19/119 = 463.03 → 463.
    expect(result.quote.lines).toEqual([
      expect.objectContaining({
        unitPrice: 1500,
        lineSubtotal: 3000,
        taxAmount: 463,
        lineTotal: 2900,
      }),
      expect.objectContaining({ variantId: UNPRICED, unitPrice: 0, lineTotal: 0 }),
    ]);
    const refused = await quote({
      currency: 'EUR',
      shippingCountry: 'DE',
      lines: [{ variantId: A.id, quantity: 1, unitPrice: -1 }],
    });
    expect(refused.userErrors[0]).toMatchObject({
      code: 'INVALID_AMOUNT',
      field: ['lines', '0', 'unitPrice'],
    });
  });
});
