import {
  type Cart,
  type CartLine,
  computeQuote,
  type DiscountRule,
  distribute,
  ineligibility,
  percentOf,
} from './discounts';

// Ids only need to be distinct strings here; the service passes lower-case UUIDs.
const PRODUCT_A = 'product-a';
const PRODUCT_B = 'product-b';
const SHOES = 'category-shoes';
const APPAREL = 'category-apparel'; // parent of SHOES
const OTHER = 'category-other';
const NIKE = 'brand-nike';

let nextId = 0;
function rule(kind: DiscountRule['kind'], extra: Partial<DiscountRule> = {}): DiscountRule {
  nextId += 1;
  return {
    promotionId: `promo-${String(nextId).padStart(3, '0')}`,
    name: `${kind} ${nextId}`,
    kind,
    value: null,
    currency: null,
    buyQuantity: null,
    getQuantity: null,
    exclusive: false,
    priority: 0,
    code: null,
    ...extra,
    conditions: {
      minSubtotals: [],
      productIds: [],
      categoryIds: [],
      brandIds: [],
      customerSegments: [],
      ...extra.conditions,
    },
  };
}

function line(
  variantId: string,
  quantity: number,
  unitPrice: number,
  extra: Partial<CartLine> = {},
): CartLine {
  return {
    variantId,
    productId: PRODUCT_A,
    categoryIds: [],
    brandId: null,
    quantity,
    unitPrice,
    ...extra,
  };
}

function cart(lines: CartLine[], extra: Partial<Cart> = {}): Cart {
  return { currency: 'EUR', customerSegments: [], shippingAmount: 0, lines, ...extra };
}

const amounts = (quote: ReturnType<typeof computeQuote>) =>
  quote.lines.map((l) => l.discountAmount);

describe('rounding and distribution', () => {
  it('rounds percentages half-up to the minor unit', () => {
    expect(percentOf(1005, 1000)).toBe(101); // 100.5
    expect(percentOf(1004, 1000)).toBe(100); // 100.4
    expect(percentOf(1015, 1000)).toBe(102); // 101.5
    expect(percentOf(3998, 1500)).toBe(600); // 599.7
    expect(percentOf(0, 1000)).toBe(0);
    expect(percentOf(12345, 10000)).toBe(12345);
  });

  it('splits an amount by largest remainder so that the parts sum exactly', () => {
    expect(distribute(100, [100, 100, 100])).toEqual([34, 33, 33]); // ties: earlier line
    expect(distribute(100, [333, 333, 334])).toEqual([33, 33, 34]); // 33.3, 33.3, 33.4
    expect(distribute(500, [3998, 1001])).toEqual([400, 100]); // 399.88, 100.12
    expect(distribute(0, [5, 5])).toEqual([0, 0]);
    expect(distribute(7, [0, 10])).toEqual([0, 7]);
    expect(distribute(10, [10, 0, 5])).toEqual([7, 0, 3]); // 6.67, 0, 3.33
    for (const [total, weights] of [
      [997, [13, 29, 31, 977]],
      [1, [1, 1, 1]],
      [12_345, [999, 1, 5000, 7777]],
    ] as [number, number[]][]) {
      const parts = distribute(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((part, i) => expect(part).toBeLessThanOrEqual(weights[i]!));
    }
  });
});

describe('each kind', () => {
  // 2 × 19.99 + 1 × 10.01 = 49.99
  const basket = () =>
    cart([line('va', 2, 1999, { brandId: NIKE }), line('vb', 1, 1001, { productId: PRODUCT_B })]);

  it('PERCENTAGE_ORDER: 10 % of 49.99 is 5.00 (4.999 rounded), spread over the lines', () => {
    const quote = computeQuote(basket(), [rule('PERCENTAGE_ORDER', { value: 1000 })]);
    expect(quote.orderDiscountAmount).toBe(500);
    expect(amounts(quote)).toEqual([400, 100]);
    expect(quote.discountTotal).toBe(500);
    expect(quote.applied).toEqual([expect.objectContaining({ amount: 500, code: null })]);
  });

  it('FIXED_ORDER: 10.00 EUR spread 8.00 / 2.00; capped at the subtotal; only in its currency', () => {
    const quote = computeQuote(basket(), [rule('FIXED_ORDER', { value: 1000, currency: 'EUR' })]);
    expect(amounts(quote)).toEqual([800, 200]); // 799.76, 200.24
    expect(quote.orderDiscountAmount).toBe(1000);

    const capped = computeQuote(basket(), [
      rule('FIXED_ORDER', { value: 10_000, currency: 'EUR' }),
    ]);
    expect(amounts(capped)).toEqual([3998, 1001]);
    expect(capped.discountTotal).toBe(4999);

    const dollars = rule('FIXED_ORDER', { value: 1000, currency: 'USD' });
    expect(computeQuote(basket(), [dollars]).discountTotal).toBe(0);
    expect(ineligibility(dollars, basket())).toMatch(/USD/);
    expect(
      computeQuote(cart([line('va', 1, 5000)], { currency: 'USD' }), [dollars]).discountTotal,
    ).toBe(1000);
  });

  it('PERCENTAGE_LINE: 15 % off the matching product only, rounded per line', () => {
    const quote = computeQuote(basket(), [
      rule('PERCENTAGE_LINE', { value: 1500, conditions: { productIds: [PRODUCT_A] } as any }),
    ]);
    expect(amounts(quote)).toEqual([600, 0]); // 599.7
    expect(quote.orderDiscountAmount).toBe(0);
    expect(quote.discountTotal).toBe(600);
  });

  it('FIXED_LINE: an amount per unit of the matching brand, never more than the line', () => {
    const perUnit = computeQuote(basket(), [
      rule('FIXED_LINE', { value: 300, currency: 'EUR', conditions: { brandIds: [NIKE] } as any }),
    ]);
    expect(amounts(perUnit)).toEqual([600, 0]);
    const tooMuch = computeQuote(basket(), [rule('FIXED_LINE', { value: 2500, currency: 'EUR' })]);
    expect(amounts(tooMuch)).toEqual([3998, 1001]);
    const wrongCurrency = rule('FIXED_LINE', { value: 300, currency: 'GBP' });
    expect(computeQuote(basket(), [wrongCurrency]).discountTotal).toBe(0);
  });

  it('BUY_X_GET_Y: buy 2 get 1, the cheapest matching units are free', () => {
    const shoes = rule('BUY_X_GET_Y', {
      buyQuantity: 2,
      getQuantity: 1,
      conditions: { categoryIds: [SHOES] } as any,
    });
    // 4 matching units → 1 free: the 5.00 one. The 20.00 line is another category.
    const four = cart([
      line('boots', 3, 1000, { categoryIds: [SHOES, APPAREL] }),
      line('sandals', 1, 500, { categoryIds: [SHOES, APPAREL] }),
      line('hat', 1, 200, { categoryIds: [OTHER] }),
    ]);
    expect(amounts(computeQuote(four, [shoes]))).toEqual([0, 500, 0]);
    // 6 matching units → 2 free: the 5.00 and one 10.00.
    const six = cart([
      line('boots', 5, 1000, { categoryIds: [SHOES] }),
      line('sandals', 1, 500, { categoryIds: [SHOES] }),
    ]);
    expect(amounts(computeQuote(six, [shoes]))).toEqual([1000, 500]);
    // 2 matching units: not enough for the deal.
    const two = cart([line('boots', 2, 1000, { categoryIds: [SHOES] })]);
    expect(computeQuote(two, [shoes]).discountTotal).toBe(0);
    expect(ineligibility(shoes, two)).toMatch(/Buy 3/);
  });

  it('BUY_X_GET_Y after a line discount: the free unit is free at what is left of its price', () => {
    const tenPercent = rule('PERCENTAGE_LINE', { value: 1000, priority: 10 });
    const buy1get1 = rule('BUY_X_GET_Y', { buyQuantity: 1, getQuantity: 1, priority: 5 });
    // 2 × 10.00: 10 % → 2.00 off, 18.00 left; one of two units free → 9.00 more.
    const quote = computeQuote(cart([line('v', 2, 1000)]), [buy1get1, tenPercent]);
    expect(amounts(quote)).toEqual([1100]);
  });

  it('FREE_SHIPPING waives the shipping amount once', () => {
    const quote = computeQuote(cart([line('v', 1, 1000)], { shippingAmount: 495 }), [
      rule('FREE_SHIPPING'),
      rule('FREE_SHIPPING'),
    ]);
    expect(quote.shippingDiscountAmount).toBe(495);
    expect(amounts(quote)).toEqual([0]);
    expect(quote.discountTotal).toBe(495);
    expect(quote.applied).toHaveLength(1);
  });
});

describe('conditions', () => {
  it('matches a line by any of its category ids (category and ancestors)', () => {
    const apparel = rule('PERCENTAGE_LINE', {
      value: 1000,
      conditions: { categoryIds: [APPAREL] } as any,
    });
    const quote = computeQuote(
      cart([
        line('boots', 1, 1000, { categoryIds: [SHOES, APPAREL] }),
        line('mug', 1, 1000, { categoryIds: [OTHER] }),
      ]),
      [apparel],
    );
    expect(amounts(quote)).toEqual([100, 0]);
  });

  it('needs every condition that is set: product AND brand', () => {
    const nikeA = rule('PERCENTAGE_LINE', {
      value: 1000,
      conditions: { productIds: [PRODUCT_A], brandIds: [NIKE] } as any,
    });
    const quote = computeQuote(
      cart([
        line('a-nike', 1, 1000, { brandId: NIKE }),
        line('a-plain', 1, 1000),
        line('b-nike', 1, 1000, { productId: PRODUCT_B, brandId: NIKE }),
      ]),
      [nikeA],
    );
    expect(amounts(quote)).toEqual([100, 0, 0]);
  });

  it('applies segment promotions only to customers in the segment', () => {
    const vip = rule('PERCENTAGE_ORDER', {
      value: 2000,
      conditions: { customerSegments: ['vip'] } as any,
    });
    expect(
      computeQuote(cart([line('v', 1, 1000)], { customerSegments: ['vip', 'staff'] }), [vip])
        .discountTotal,
    ).toBe(200);
    expect(computeQuote(cart([line('v', 1, 1000)]), [vip]).discountTotal).toBe(0);
  });

  it('checks the minimum subtotal of the matching lines in the cart currency', () => {
    const over50 = rule('FIXED_ORDER', {
      value: 500,
      currency: 'EUR',
      conditions: {
        minSubtotals: [
          { amount: 5000, currency: 'EUR' },
          { amount: 6000, currency: 'USD' },
        ],
      } as any,
    });
    expect(computeQuote(cart([line('v', 1, 4999)]), [over50]).discountTotal).toBe(0);
    expect(computeQuote(cart([line('v', 1, 5000)]), [over50]).discountTotal).toBe(500);
    // Only the matching lines count towards the minimum.
    const nikeOver50 = rule('PERCENTAGE_ORDER', {
      value: 1000,
      conditions: { brandIds: [NIKE], minSubtotals: [{ amount: 5000, currency: 'EUR' }] } as any,
    });
    expect(
      computeQuote(cart([line('nike', 1, 4000, { brandId: NIKE }), line('other', 1, 4000)]), [
        nikeOver50,
      ]).discountTotal,
    ).toBe(0);
    // A minimum only in USD: EUR carts do not qualify.
    const usdOnly = rule('PERCENTAGE_ORDER', {
      value: 1000,
      conditions: { minSubtotals: [{ amount: 100, currency: 'USD' }] } as any,
    });
    expect(computeQuote(cart([line('v', 1, 10_000)]), [usdOnly]).discountTotal).toBe(0);
  });
});

describe('stacking', () => {
  const tenThousand = () => cart([line('v', 1, 10_000)]);

  it('applies stackable promotions by priority, each on what the previous left', () => {
    const tenPercent = rule('PERCENTAGE_ORDER', { value: 1000, priority: 1 });
    const tenEuros = rule('FIXED_ORDER', { value: 1000, currency: 'EUR', priority: 2 });
    // 10.00 first, then 10 % of 90.00 = 9.00.
    const fixedFirst = computeQuote(tenThousand(), [tenPercent, tenEuros]);
    expect(fixedFirst.discountTotal).toBe(1900);
    expect(fixedFirst.applied.map((a) => a.amount)).toEqual([1000, 900]);
    // The other way round: 10 % of 100.00, then 10.00.
    const percentFirst = computeQuote(tenThousand(), [{ ...tenPercent, priority: 3 }, tenEuros]);
    expect(percentFirst.discountTotal).toBe(2000);
    expect(percentFirst.applied.map((a) => a.amount)).toEqual([1000, 1000]);
  });

  it('applies an order discount on what the line discounts left', () => {
    const twentyOnA = rule('PERCENTAGE_LINE', {
      value: 2000,
      priority: 2,
      conditions: { productIds: [PRODUCT_A] } as any,
    });
    const tenOrder = rule('PERCENTAGE_ORDER', { value: 1000, priority: 1 });
    const quote = computeQuote(
      cart([line('a', 1, 5000), line('b', 1, 5000, { productId: PRODUCT_B })]),
      [tenOrder, twentyOnA],
    );
    // A: 10.00 line discount, 40.00 left; order 10 % of 90.00 = 9.00 split 4.00 / 5.00.
    expect(amounts(quote)).toEqual([1400, 500]);
    expect(quote.orderDiscountAmount).toBe(900);
    expect(quote.discountTotal).toBe(1900);
  });

  it('compares the best exclusive promotion with the stack; the larger total wins', () => {
    const stack = [
      rule('FIXED_ORDER', { value: 1000, currency: 'EUR', priority: 2 }),
      rule('PERCENTAGE_ORDER', { value: 1000, priority: 1 }),
    ]; // 19.00
    const exclusive25 = rule('PERCENTAGE_ORDER', {
      value: 2500,
      exclusive: true,
      name: 'Quarter off',
    });
    const exclusive20 = rule('PERCENTAGE_ORDER', { value: 2000, exclusive: true });
    const exclusive15 = rule('PERCENTAGE_ORDER', { value: 1500, exclusive: true });

    const won = computeQuote(tenThousand(), [...stack, exclusive15, exclusive25, exclusive20]);
    expect(won.discountTotal).toBe(2500);
    expect(won.applied).toEqual([
      { promotionId: exclusive25.promotionId, name: 'Quarter off', code: null, amount: 2500 },
    ]);

    const lost = computeQuote(tenThousand(), [...stack, exclusive15]);
    expect(lost.discountTotal).toBe(1900);
    expect(lost.applied).toHaveLength(2);
  });

  it('never discounts a line or the order below zero', () => {
    const fixed = rule('FIXED_LINE', { value: 800, currency: 'EUR', priority: 2 });
    const half = rule('PERCENTAGE_LINE', { value: 5000, priority: 1 });
    expect(amounts(computeQuote(cart([line('v', 1, 1000)]), [fixed, half]))).toEqual([900]); // 8.00 + 50 % of 2.00

    const big = [
      rule('FIXED_ORDER', { value: 3000, currency: 'EUR', priority: 2 }),
      rule('FIXED_ORDER', { value: 3000, currency: 'EUR', priority: 1 }),
      rule('FIXED_LINE', { value: 5000, currency: 'EUR' }),
    ];
    const quote = computeQuote(cart([line('a', 1, 2000), line('b', 1, 3000)]), big);
    expect(amounts(quote)).toEqual([2000, 3000]);
    expect(quote.discountTotal).toBe(5000);
    expect(quote.applied.map((a) => a.amount)).toEqual([3000, 2000]); // the line discount found nothing left
  });

  it('distributes an order discount in proportion, summing exactly', () => {
    const quote = computeQuote(cart([line('a', 1, 333), line('b', 1, 333), line('c', 1, 334)]), [
      rule('FIXED_ORDER', { value: 100, currency: 'EUR' }),
    ]);
    expect(amounts(quote)).toEqual([33, 33, 34]);
    const odd = computeQuote(cart([line('a', 3, 117), line('b', 7, 1299), line('c', 1, 5)]), [
      rule('PERCENTAGE_ORDER', { value: 1234 }),
    ]);
    // 351 + 9093 + 5 = 9449; 12.34 % = 1166.0066 → 1166.
    expect(odd.orderDiscountAmount).toBe(1166);
    expect(amounts(odd).reduce((a, b) => a + b, 0)).toBe(1166);
    expect(amounts(odd)).toEqual([43, 1122, 1]); // 43.31, 1122.07, 0.62
  });
});
