import { DomainError } from '../../platform/errors';
import { effectivePrice, priceTiers, type PriceCandidate } from './price-rules';
import { calculateQuote } from './quote';
import { divideRoundHalfUp, scaleRoundHalfUp } from '../../platform/money';
import { multiplyExact, taxInGross, taxOf, taxOnNet } from './rounding';

/** round-half-up of a×r/d by another route: floor((2ar + d) / 2d), for non-negative values. */
function reference(amount: number, rate: number, inclusive: boolean): number {
  const d = inclusive ? 10000n + BigInt(rate) : 10000n;
  return Number((2n * BigInt(amount) * BigInt(rate) + d) / (2n * d));
}

describe('rounding', () => {
  it('divides rounding half up (half away from zero)', () => {
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(25n, 10n)).toBe(3n); // not banker's rounding
    expect(divideRoundHalfUp(-5n, 10n)).toBe(-1n);
    expect(divideRoundHalfUp(-4n, 10n)).toBe(0n);
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('rounds exclusive tax half up at exactly .5 of a minor unit', () => {
    expect(taxOnNet(50, 100)).toBe(1); // 0.5
    expect(taxOnNet(150, 100)).toBe(2); // 1.5
    expect(taxOnNet(250, 100)).toBe(3); // 2.5
    expect(taxOnNet(200, 725)).toBe(15); // 14.5
    expect(taxOnNet(149, 100)).toBe(1); // 1.49
    expect(taxOnNet(1000, 1900)).toBe(190);
  });

  it('extracts inclusive tax half up, and net + tax is always the gross', () => {
    expect(taxInGross(119, 1900)).toBe(19); // exactly 19
    expect(taxInGross(100, 1900)).toBe(16); // 15.97
    expect(taxInGross(1, 10000)).toBe(1); // 0.5 at 100 %
    expect(taxInGross(3, 2000)).toBe(1); // 3 × 2000 / 12000 = 0.5
    expect(taxInGross(9, 2000)).toBe(2); // 1.5
    expect(taxInGross(8, 2000)).toBe(1); // 1.33
    const gross = 4990;
    const tax = taxInGross(gross, 1900);
    expect(tax).toBe(797);
    expect(gross - tax + tax).toBe(gross);
    expect(taxOf(gross, 1900, true)).toBe(797);
    expect(taxOf(gross, 1900, false)).toBe(948); // 948.1
  });

  it('taxes nothing at a 0 rate and rounds 1-cent lines', () => {
    for (const amount of [0, 1, 2, 999, 10 ** 12]) {
      expect(taxOnNet(amount, 0)).toBe(0);
      expect(taxInGross(amount, 0)).toBe(0);
    }
    expect(taxOnNet(1, 1900)).toBe(0); // 0.19
    expect(taxOnNet(3, 1900)).toBe(1); // 0.57
    expect(taxInGross(1, 1900)).toBe(0); // 0.16
    expect(taxInGross(1, 2100)).toBe(0); // 0.17
    expect(taxOnNet(0, 1900)).toBe(0);
  });

  it('is exact for amounts up to 10^12 minor units', () => {
    expect(taxOnNet(10 ** 12, 1900)).toBe(190_000_000_000);
    expect(taxOnNet(999_999_999_999, 1900)).toBe(190_000_000_000); // 189 999 999 999.81
    expect(taxInGross(10 ** 12, 1900)).toBe(159_663_865_546); // 159 663 865 546.2
    expect(taxInGross(10 ** 12, 725)).toBe(67_599_067_599);
    expect(taxInGross(123_456_789_012, 2100)).toBe(21_426_384_870);
    expect(multiplyExact(999_999_999, 1000)).toBe(999_999_999_000);
    expect(() => multiplyExact(2 ** 31, 2 ** 31)).toThrow(RangeError);
  });

  it('agrees with an independent formula over many amounts and rates', () => {
    const mismatches: string[] = [];
    for (const rate of [0, 1, 400, 725, 1900, 2000, 2100, 9999, 10000]) {
      for (let amount = 0; amount <= 5000; amount += 1) {
        if (taxOnNet(amount, rate) !== reference(amount, rate, false))
          mismatches.push(`net ${amount} @${rate}`);
        if (taxInGross(amount, rate) !== reference(amount, rate, true))
          mismatches.push(`gross ${amount} @${rate}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses fractional amounts and rates out of range', () => {
    expect(() => taxOnNet(1.5, 1900)).toThrow(RangeError);
    expect(() => taxOnNet(100, -1)).toThrow(RangeError);
    expect(() => taxInGross(100, 10001)).toThrow(RangeError);
    expect(() => taxOnNet(100, 19.5)).toThrow(RangeError);
  });

  it('scales seed prices in integer arithmetic', () => {
    expect(scaleRoundHalfUp(1999, 108, 100)).toBe(2159); // 2158.92
    expect(scaleRoundHalfUp(1999, 86, 100)).toBe(1719); // 1719.14
    expect(scaleRoundHalfUp(1999, 90, 100)).toBe(1799); // 1799.1
    expect(scaleRoundHalfUp(5, 90, 100)).toBe(5); // 4.5
    expect(scaleRoundHalfUp(1005, 110, 100)).toBe(1106); // 1105.5
  });
});

describe('price rules', () => {
  const day = 24 * 3600 * 1000;
  const t0 = new Date('2030-01-01T00:00:00Z');
  const at = (days: number) => new Date(t0.getTime() + days * day);
  let seq = 0;
  const row = (overrides: Partial<PriceCandidate>): PriceCandidate => ({
    id: `p${++seq}`,
    seq,
    amount: 1000,
    minQuantity: 1,
    validFrom: t0,
    validTo: null,
    scheduled: false,
    currency: 'EUR',
    listCode: 'EUR-RETAIL',
    listPriority: 0,
    ...overrides,
  });
  const base = row({ amount: 1000 });
  const tier10 = row({ amount: 900, minQuantity: 10 });
  const sale = row({ amount: 700, validFrom: at(2), validTo: at(5), scheduled: true });
  const closed = row({ amount: 1100, validFrom: at(-10), validTo: t0 });
  const usd = row({ amount: 1080, currency: 'USD', listCode: 'USD-RETAIL' });
  const rows = [closed, base, tier10, sale, usd];

  it('picks the highest tier the quantity reaches', () => {
    expect(effectivePrice(rows, 'EUR', 1, at(1))).toBe(base);
    expect(effectivePrice(rows, 'EUR', 9, at(1))).toBe(base);
    expect(effectivePrice(rows, 'EUR', 10, at(1))).toBe(tier10);
    expect(effectivePrice(rows, 'USD', 10, at(1))).toBe(usd);
    expect(effectivePrice(rows, 'GBP', 1, at(1))).toBeNull();
  });

  it('lets a scheduled price win inside its window only; validTo is exclusive', () => {
    expect(effectivePrice(rows, 'EUR', 1, at(2))).toBe(sale);
    expect(effectivePrice(rows, 'EUR', 1, at(4.9))).toBe(sale);
    expect(effectivePrice(rows, 'EUR', 1, at(5))).toBe(base);
    expect(effectivePrice(rows, 'EUR', 10, at(3))).toBe(tier10); // the sale is a 1+ price
    expect(effectivePrice(rows, 'EUR', 1, at(-1))).toBe(closed);
    expect(effectivePrice(rows, 'EUR', 1, at(-11))).toBeNull();
  });

  it('prefers the higher-priority list, then the later of two sales', () => {
    const vip = row({ amount: 500, listCode: 'EUR-VIP', listPriority: 10 });
    expect(effectivePrice([...rows, vip], 'EUR', 10, at(1))).toBe(vip);
    const laterSale = row({ amount: 650, validFrom: at(3), validTo: at(4), scheduled: true });
    expect(effectivePrice([...rows, laterSale], 'EUR', 1, at(3.5))).toBe(laterSale);
  });

  it('lists the tiers in effect, without repeating a row', () => {
    expect(priceTiers(rows, 'EUR', at(1)).map((t) => [t.minQuantity, t.row.amount])).toEqual([
      [1, 1000],
      [10, 900],
    ]);
    expect(priceTiers(rows, 'EUR', at(3)).map((t) => [t.minQuantity, t.row.amount])).toEqual([
      [1, 700],
      [10, 900],
    ]);
    const vip = row({ amount: 500, listCode: 'EUR-VIP', listPriority: 10 });
    expect(
      priceTiers([...rows, vip], 'EUR', at(1)).map((t) => [t.minQuantity, t.row.amount]),
    ).toEqual([[1, 500]]);
  });
});

describe('quote arithmetic', () => {
  const line = (unitPrice: number, quantity: number, discountAmount = 0) => ({
    variantId: 'v',
    unitPrice,
    quantity,
    discountAmount,
  });

  it('caps discounts at the line and at the shipping, so totals still add up', () => {
    const quote = calculateQuote({
      currency: 'EUR',
      taxInclusive: false,
      taxRateBasisPoints: 1900,
      lines: [line(500, 1, 800), line(1000, 2, 0)],
      shipping: { amount: 495, freeOver: null },
      shippingDiscountAmount: 1000,
    });
    expect(quote.lines.map((l) => [l.discountAmount, l.taxAmount, l.lineTotal])).toEqual([
      [500, 0, 0],
      [0, 380, 2380],
    ]);
    expect(quote).toMatchObject({
      subtotal: 2500,
      discountTotal: 500,
      shippingAmount: 495,
      shippingDiscountAmount: 495,
    });
    expect(quote).toMatchObject({ shippingTaxAmount: 0, taxTotal: 380, total: 2380 });
  });

  it('ships an empty cart for nothing and refuses amounts beyond a GraphQL Int', () => {
    const empty = calculateQuote({
      currency: 'EUR',
      taxInclusive: true,
      taxRateBasisPoints: 1900,
      lines: [],
      shipping: { amount: 495, freeOver: 5000 },
      shippingDiscountAmount: 0,
    });
    expect(empty).toMatchObject({ subtotal: 0, shippingAmount: 0, taxTotal: 0, total: 0 });
    const huge = () =>
      calculateQuote({
        currency: 'EUR',
        taxInclusive: false,
        taxRateBasisPoints: 1900,
        lines: [line(2_000_000_000, 1)],
        shipping: null,
        shippingDiscountAmount: 0,
      });
    expect(huge).toThrow(DomainError);
    expect(huge).toThrow(/exceeds/);
  });
});
