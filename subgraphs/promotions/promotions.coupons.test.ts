import { dataOf } from '../../platform/testing/graphql-client';
import {
  staff,
  gql,
  sql,
  USER_ERRORS,
  promotionFor,
  line,
  quote,
  redeem,
  act,
  usedCount,
  couponFor,
  usePromotionsSubgraph,
} from './test-kit';

usePromotionsSubgraph();

describe('promotions subgraph', () => {
  it('counts single-use and multi-use coupons', async () => {
    const single = await couponFor({ usageLimit: 1 });
    const cartOf = (productId: string) => [line(productId, 1, 1000)];
    const first = await redeem({
      orderRef: `single-1-${single.code}`,
      lines: cartOf(single.productId),
      couponCodes: [single.code],
    });
    expect(first.userErrors).toEqual([]);
    expect(first.redemption).toEqual({
      orderRef: `single-1-${single.code}`,
      status: 'RESERVED',
      couponCodes: [single.code],
    });
    expect(first.quote.discountTotal).toBe(100);
    const second = await redeem({
      orderRef: `single-2-${single.code}`,
      lines: cartOf(single.productId),
      couponCodes: [single.code],
    });
    expect(second).toMatchObject({ redemption: null, quote: null });
    expect(second.userErrors).toEqual([
      { field: ['couponCodes', '0'], code: 'COUPON_EXHAUSTED', message: expect.any(String) },
    ]);
    expect(
      (await quote({ lines: cartOf(single.productId), couponCodes: [single.code] })).userErrors[0]
        .code,
    ).toBe('COUPON_EXHAUSTED');
    expect(await usedCount(single.code)).toBe(1);

    const multi = await couponFor({ usageLimit: 3 });
    const results = [];
    for (let i = 0; i < 4; i += 1) {
      results.push(
        await redeem({
          orderRef: `multi-${i}-${multi.code}`,
          lines: cartOf(multi.productId),
          couponCodes: [multi.code],
        }),
      );
    }
    expect(results.map((r) => r.userErrors[0]?.code ?? 'OK')).toEqual([
      'OK',
      'OK',
      'OK',
      'COUPON_EXHAUSTED',
    ]);
    expect(await usedCount(multi.code)).toBe(3);
    const staffView = dataOf(
      await gql(
        `query ($code: String!) { coupon(code: $code) { usedCount usageLimit } }`,
        { code: multi.code },
        staff,
      ),
    );
    expect(staffView.coupon).toEqual({ usedCount: 3, usageLimit: 3 });
  });

  it('enforces the per-customer limit, and gives the use back on release', async () => {
    const { code, productId } = await couponFor({ perCustomerLimit: 1 });
    const order = (ref: string, customerKey?: string) =>
      redeem({
        orderRef: `${ref}-${code}`,
        customerKey,
        lines: [line(productId, 1, 1000)],
        couponCodes: [code],
      });
    expect((await order('ada-1', 'Ada@Example.com')).userErrors).toEqual([]);
    expect((await order('ada-2', 'ada@example.com')).userErrors).toEqual([
      { field: ['couponCodes', '0'], code: 'COUPON_CUSTOMER_LIMIT', message: expect.any(String) },
    ]);
    expect(
      (
        await quote({
          customerKey: 'ada@example.com',
          lines: [line(productId, 1, 1000)],
          couponCodes: [code],
        })
      ).userErrors[0].code,
    ).toBe('COUPON_CUSTOMER_LIMIT');
    expect((await order('bob-1', 'bob@example.com')).userErrors).toEqual([]);
    // Without knowing the customer, a per-customer coupon cannot be redeemed.
    expect((await order('anon-1')).userErrors[0].code).toBe('COUPON_NOT_APPLICABLE');
    expect(await usedCount(code)).toBe(2);

    expect((await act('discountsRelease', `ada-1-${code}`)).redemption.status).toBe('RELEASED');
    expect((await order('ada-3', 'ada@example.com')).userErrors).toEqual([]);
    expect(await usedCount(code)).toBe(2);
  });

  it('never uses a coupon limited to 5 more than 5 times: 30 concurrent redemptions', async () => {
    const { code, productId } = await couponFor({ usageLimit: 5 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        redeem({
          orderRef: `rush-${i}-${code}`,
          customerKey: `buyer-${i}`,
          lines: [line(productId, 1, 1000)],
          couponCodes: [code],
        }),
      ),
    );
    const succeeded = results.filter((r) => r.userErrors.length === 0);
    const exhausted = results.filter((r) => r.userErrors[0]?.code === 'COUPON_EXHAUSTED');
    expect(succeeded).toHaveLength(5);
    expect(exhausted).toHaveLength(25);
    expect(
      succeeded.every((r) => r.quote.discountTotal === 100 && r.redemption.couponCodes[0] === code),
    ).toBe(true);
    expect(await usedCount(code)).toBe(5);
    const [{ n }] = await sql(
      `SELECT count(*)::int AS n FROM promotions.coupon_redemption r JOIN promotions.coupon c ON c.id = r.coupon_id WHERE c.code = $1`,
      [code],
    );
    expect(n).toBe(5);
  });

  it('holds the per-customer limit under concurrent checkouts of one customer', async () => {
    const { code, productId } = await couponFor({ perCustomerLimit: 2 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        redeem({
          orderRef: `same-${i}-${code}`,
          customerKey: 'eve@example.com',
          lines: [line(productId, 1, 1000)],
          couponCodes: [code],
        }),
      ),
    );
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(2);
    expect(results.filter((r) => r.userErrors[0]?.code === 'COUPON_CUSTOMER_LIMIT')).toHaveLength(
      8,
    );
    expect(await usedCount(code)).toBe(2);
  });

  it('redeems idempotently per orderRef, also when the retries race', async () => {
    const { code, productId } = await couponFor({ usageLimit: 10 });
    const input = {
      orderRef: `idem-${code}`,
      customerKey: 'c@example.com',
      lines: [line(productId, 2, 1234)],
      couponCodes: [code],
    };
    const [a, b] = await Promise.all([redeem(input), redeem(input)]);
    const c = await redeem(input);
    expect(a.userErrors).toEqual([]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.quote.discountTotal).toBe(247); // 10 % of 24.68, rounded half-up
    expect(await usedCount(code)).toBe(1);
    const reused = await redeem({ ...input, lines: [line(productId, 1, 1)] });
    expect(reused.userErrors[0]).toMatchObject({
      field: ['orderRef'],
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await usedCount(code)).toBe(1);
  });

  it('releases and confirms idempotently; a released use can be taken again', async () => {
    const { code, productId } = await couponFor({ usageLimit: 1 });
    const cart = { lines: [line(productId, 1, 5000)], couponCodes: [code] };
    expect((await redeem({ orderRef: `first-${code}`, ...cart })).userErrors).toEqual([]);
    expect((await redeem({ orderRef: `second-${code}`, ...cart })).userErrors[0].code).toBe(
      'COUPON_EXHAUSTED',
    );

    const released = await act('discountsRelease', `first-${code}`);
    expect(released).toEqual({
      redemption: {
        orderRef: `first-${code}`,
        status: 'RELEASED',
        couponCodes: [code],
        quote: { discountTotal: 500 },
      },
      userErrors: [],
    });
    expect(await usedCount(code)).toBe(0);
    expect((await act('discountsRelease', `first-${code}`)).redemption.status).toBe('RELEASED');
    expect(await usedCount(code)).toBe(0);
    expect((await act('discountsConfirm', `first-${code}`)).userErrors[0].code).toBe(
      'REDEMPTION_RELEASED',
    );
    expect((await redeem({ orderRef: `first-${code}`, ...cart })).userErrors[0].code).toBe(
      'REDEMPTION_RELEASED',
    );

    const third = await redeem({ orderRef: `third-${code}`, ...cart });
    expect(third.userErrors).toEqual([]);
    expect(await usedCount(code)).toBe(1);
    expect((await act('discountsConfirm', `third-${code}`)).redemption.status).toBe('CONFIRMED');
    expect((await act('discountsConfirm', `third-${code}`)).redemption.status).toBe('CONFIRMED');
    const [row] = await sql(
      `SELECT status FROM promotions.coupon_redemption WHERE order_ref = $1`,
      [`third-${code}`],
    );
    expect(row.status).toBe('CONFIRMED');
    // A cancelled order gives back a confirmed use too.
    expect((await act('discountsRelease', `third-${code}`)).redemption.status).toBe('RELEASED');
    expect(await usedCount(code)).toBe(0);
    expect((await act('discountsRelease', 'never-redeemed')).userErrors[0].code).toBe('NOT_FOUND');
  });

  it('records a redemption without coupons, so that a retry gets the same answer', async () => {
    const { productId } = await promotionFor({ kind: 'FIXED_LINE', value: 150, currency: 'EUR' });
    const input = { orderRef: `auto-${productId}`, lines: [line(productId, 3, 1000)] };
    const first = await redeem(input);
    expect(first.redemption).toEqual({
      orderRef: input.orderRef,
      status: 'RESERVED',
      couponCodes: [],
    });
    expect(first.quote.discountTotal).toBe(450);
    expect(await redeem(input)).toEqual(first);
  });

  it('generates 10,000 unique codes in one call', async () => {
    const { promotion } = await promotionFor({
      kind: 'PERCENTAGE_ORDER',
      value: 500,
      requiresCoupon: true,
    });
    const generate = async (input: Record<string, unknown>, first?: number) =>
      dataOf(
        await gql(
          `mutation ($input: CouponsGenerateInput!, $first: Int) { couponsGenerate(input: $input) { count codes(first: $first) ${USER_ERRORS} } }`,
          { input: { promotionId: promotion.id, ...input }, first },
          staff,
        ),
      ).couponsGenerate;
    const result = await generate({ count: 10_000, prefix: 'bulk-', length: 8 }, 10_000);
    expect(result.userErrors).toEqual([]);
    expect(result.count).toBe(10_000);
    expect(result.codes).toHaveLength(10_000);
    expect(new Set(result.codes).size).toBe(10_000);
    expect(result.codes.every((code: string) => /^BULK-[A-HJ-NP-Z2-9]{8}$/.test(code))).toBe(true);
    const [stored] = await sql(
      `SELECT count(*)::int AS n, count(DISTINCT code)::int AS distinct_codes, min(usage_limit) AS min_limit, max(usage_limit) AS max_limit
         FROM promotions.coupon WHERE promotion_id = $1`,
      [promotion.id],
    );
    expect(stored).toEqual({ n: 10_000, distinct_codes: 10_000, min_limit: 1, max_limit: 1 });
    const coupons = dataOf(
      await gql(
        `query ($id: ID!) { promotion(id: $id) { coupons(first: 3) { totalCount edges { node { code } } } } }`,
        { id: promotion.id },
        staff,
      ),
    ).promotion.coupons;
    expect(coupons.totalCount).toBe(10_000);

    const few = await generate({ count: 150, usageLimit: null });
    expect(few.count).toBe(150);
    expect(few.codes).toHaveLength(100); // codes(first: 100) by default
    expect((await generate({ count: 10_001 })).userErrors).toEqual([
      { field: ['count'], code: 'TOO_MANY_CODES', message: expect.any(String) },
    ]);
    expect((await generate({ count: 0 })).userErrors[0].code).toBe('INVALID_VALUE');
    expect((await generate({ count: 5, length: 3 })).userErrors[0]).toMatchObject({
      field: ['length'],
      code: 'INVALID_VALUE',
    });
    expect((await generate({ count: 5, prefix: 'no spaces' })).userErrors[0]).toMatchObject({
      field: ['prefix'],
      code: 'INVALID_VALUE',
    });
    // A generated code works like any other coupon, whatever its case.
    const code = (few.codes[0] as string).toLowerCase();
    const single = dataOf(
      await gql(
        `query ($code: String!) { coupon(code: $code) { code usageLimit } }`,
        { code },
        staff,
      ),
    ).coupon;
    expect(single).toEqual({ code: code.toUpperCase(), usageLimit: null });
  });
});
