import { randomUUID } from 'node:crypto';
import { dataOf } from '../../platform/testing/graphql-client';
import {
  staff,
  gql,
  HOUR,
  iso,
  USER_ERRORS,
  createCampaign,
  createPromotion,
  createCoupon,
  promotionFor,
  line,
  quote,
  couponFor,
  usePromotionsSubgraph,
} from './test-kit';

usePromotionsSubgraph();

describe('promotions subgraph', () => {
  it('quotes automatic promotions only inside a running campaign window', async () => {
    const running = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 1000 });
    const future = await promotionFor(
      { kind: 'PERCENTAGE_ORDER', value: 1000 },
      { startsAt: iso(HOUR), endsAt: iso(2 * HOUR) },
    );
    const ended = await promotionFor(
      { kind: 'PERCENTAGE_ORDER', value: 1000 },
      { startsAt: iso(-2 * HOUR), endsAt: iso(-HOUR) },
    );
    const paused = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 1000 }, { active: false });

    const totalFor = async (productId: string, at?: string) =>
      (await quote({ lines: [line(productId, 1, 2000)], ...(at ? { at } : {}) })).quote
        .discountTotal;
    expect(await totalFor(running.productId)).toBe(200);
    expect(await totalFor(future.productId)).toBe(0);
    expect(await totalFor(ended.productId)).toBe(0);
    expect(await totalFor(paused.productId)).toBe(0);
    // `at` moves the clock: the future campaign runs in 90 minutes, the ended one ran 90 minutes ago.
    expect(await totalFor(future.productId, iso(1.5 * HOUR))).toBe(200);
    expect(await totalFor(ended.productId, iso(-1.5 * HOUR))).toBe(200);
    expect(await totalFor(running.productId, iso(48 * HOUR))).toBe(0);

    const deactivated = dataOf(
      await gql(
        `mutation ($id: ID!) { promotionDeactivate(id: $id) { promotion { active } ${USER_ERRORS} } }`,
        { id: running.promotion.id },
        staff,
      ),
    ).promotionDeactivate;
    expect(deactivated).toEqual({ promotion: { active: false }, userErrors: [] });
    expect(await totalFor(running.productId)).toBe(0);
  });

  it('quotes line and order discounts with the order part spread over the lines', async () => {
    const productId = randomUUID();
    const brandId = randomUUID();
    const campaign = (await createCampaign({ name: 'Spread', startsAt: iso(-HOUR) })).campaign;
    const make = (input: Record<string, unknown>) =>
      createPromotion({ campaignId: campaign.id, name: String(input.kind), ...input });
    // 20 % off the brand's lines first, then 5.00 off the order (per product id), free shipping with a code.
    await make({
      kind: 'PERCENTAGE_LINE',
      value: 2000,
      priority: 10,
      conditions: { productIds: [productId], brandIds: [brandId] },
    });
    await make({
      kind: 'FIXED_ORDER',
      value: 500,
      currency: 'EUR',
      priority: 1,
      conditions: { productIds: [productId] },
    });
    const shipping = (
      await make({
        kind: 'FREE_SHIPPING',
        requiresCoupon: true,
        conditions: { productIds: [productId] },
      })
    ).promotion;
    expect(
      (await createCoupon({ promotionId: shipping.id, code: 'SHIPFREE-SPREAD' })).userErrors,
    ).toEqual([]);

    const lines = [line(productId, 2, 1500, { brandId }), line(productId, 1, 1000)];
    const result = await quote({ lines, couponCodes: ['shipfree-spread'], shippingAmount: 490 });
    expect(result.userErrors).toEqual([]);
    // Line 1: 30.00 − 6.00 = 24.00 left; line 2: 10.00. 5.00 spread 24:10 → 3.53 / 1.47 (3.529…, 1.470…).
    expect(result.quote).toEqual({
      currency: 'EUR',
      lines: [
        { variantId: lines[0]!.variantId, discountAmount: 600 + 353 },
        { variantId: lines[1]!.variantId, discountAmount: 147 },
      ],
      orderDiscountAmount: 500,
      shippingDiscountAmount: 490,
      discountTotal: 1590,
      applied: [
        { promotionId: expect.any(String), name: 'PERCENTAGE_LINE', code: null, amount: 600 },
        { promotionId: expect.any(String), name: 'FIXED_ORDER', code: null, amount: 500 },
        { promotionId: shipping.id, name: 'FREE_SHIPPING', code: 'SHIPFREE-SPREAD', amount: 490 },
      ],
    });
    // Another currency: the fixed EUR amount does not apply, the percentage does.
    const dollars = await quote({ currency: 'USD', lines });
    expect(dollars.quote.discountTotal).toBe(600);
  });

  it('answers unknown, expired and inapplicable coupons with userErrors beside the quote', async () => {
    const { code, productId, promotion } = await couponFor(
      {},
      { conditions: { minSubtotals: [{ amount: 5000, currency: 'EUR' }] } },
    );
    const small = await quote({
      lines: [line(productId, 1, 4000)],
      couponCodes: ['NOPE-NOPE', code],
    });
    expect(small.quote.discountTotal).toBe(0);
    expect(small.userErrors.map((e: any) => [e.field, e.code])).toEqual([
      [['couponCodes', '0'], 'COUPON_NOT_FOUND'],
      [['couponCodes', '1'], 'COUPON_NOT_APPLICABLE'],
    ]);
    const big = await quote({
      lines: [line(productId, 1, 6000)],
      couponCodes: [code.toLowerCase()],
    });
    expect(big.userErrors).toEqual([]);
    expect(big.quote.applied).toEqual([
      { promotionId: promotion.id, name: promotion.name, code, amount: 600 },
    ]);
    // Another product: not applicable; a code-only promotion never applies without its code.
    expect(
      (await quote({ lines: [line(randomUUID(), 1, 6000)], couponCodes: [code] })).userErrors[0]
        .code,
    ).toBe('COUPON_NOT_APPLICABLE');
    expect((await quote({ lines: [line(productId, 1, 6000)] })).quote.discountTotal).toBe(0);

    await gql(
      `mutation ($id: ID!) { promotionDeactivate(id: $id) { promotion { id } } }`,
      { id: promotion.id },
      staff,
    );
    expect(
      (await quote({ lines: [line(productId, 1, 6000)], couponCodes: [code] })).userErrors[0],
    ).toMatchObject({
      field: ['couponCodes', '0'],
      code: 'COUPON_EXPIRED',
    });
    const ended = await couponFor({}, {});
    const later = await quote({
      lines: [line(ended.productId, 1, 100)],
      couponCodes: [ended.code],
      at: iso(72 * HOUR),
    });
    expect(later.userErrors[0].code).toBe('COUPON_EXPIRED');
  });
});
