import { randomUUID } from 'node:crypto';
import { startSubgraph, type RunningSubgraph } from '../../platform/server';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { promotionsSubgraph, type PromotionsServices } from '.';

const staff: Viewer = { kind: 'staff', staffId: 's', permissions: ['promotions:write'] };
const reader: Viewer = { kind: 'staff', staffId: 'r', permissions: ['promotions:read'] };
const clerk: Viewer = { kind: 'staff', staffId: 'c', permissions: [] };
const orders: Viewer = { kind: 'service', service: 'orders' };
const anonymous: Viewer = { kind: 'anonymous' };

let db: TestDatabase;
let promotions: RunningSubgraph<PromotionsServices>;

const gql = async (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  postGraphQL(promotions.url, query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  promotions.dataSource.query(text, params);

const HOUR = 3600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const USER_ERRORS = `userErrors { field message code }`;
const PROMOTION = `id name kind value currency buyQuantity getQuantity exclusive priority requiresCoupon active
  conditions { minSubtotals { amount currency } productIds categoryIds brandIds customerSegments } campaign { id name }`;
const QUOTE_FIELDS = `quote { currency lines { variantId discountAmount } orderDiscountAmount shippingDiscountAmount discountTotal
  applied { promotionId name code amount } } ${USER_ERRORS}`;
const QUOTE = `query ($input: DiscountInput!) { discountQuote(input: $input) { ${QUOTE_FIELDS} } }`;
const REDEEM = `mutation ($input: DiscountRedeemInput!) {
  discountsRedeem(input: $input) { redemption { orderRef status couponCodes } ${QUOTE_FIELDS} } }`;
const transition = (name: string) => `mutation ($orderRef: String!) {
  ${name}(orderRef: $orderRef) { redemption { orderRef status couponCodes quote { discountTotal } } ${USER_ERRORS} } }`;

async function createCampaign(input: Record<string, unknown>) {
  return dataOf(
    await gql(
      `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id name startsAt endsAt active } ${USER_ERRORS} } }`,
      { input },
      staff,
    ),
  ).campaignCreate;
}

async function createPromotion(input: Record<string, unknown>) {
  return dataOf(
    await gql(
      `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { ${PROMOTION} } ${USER_ERRORS} } }`,
      { input },
      staff,
    ),
  ).promotionCreate;
}

async function createCoupon(input: Record<string, unknown>, viewer = staff) {
  return dataOf(
    await gql(
      `mutation ($input: CouponCreateInput!) { couponCreate(input: $input) { coupon { id code usageLimit perCustomerLimit usedCount promotion { id } } ${USER_ERRORS} } }`,
      { input },
      viewer,
    ),
  ).couponCreate;
}

/** A running campaign with one promotion limited to a product of its own, so tests never see each other's promotions. */
async function promotionFor(
  promotion: Record<string, unknown>,
  window: { startsAt?: string; endsAt?: string | null; active?: boolean } = {},
) {
  const productId = randomUUID();
  const campaign = await createCampaign({
    name: `Campaign ${productId.slice(0, 8)}`,
    startsAt: window.startsAt ?? iso(-HOUR),
    endsAt: window.endsAt === undefined ? iso(24 * HOUR) : window.endsAt,
    active: window.active ?? true,
  });
  expect(campaign.userErrors).toEqual([]);
  const { conditions, ...rest } = promotion as { conditions?: Record<string, unknown> };
  const created = await createPromotion({
    campaignId: campaign.campaign.id,
    name: `Promotion ${productId.slice(0, 8)}`,
    ...rest,
    conditions: { productIds: [productId], ...conditions },
  });
  expect(created.userErrors).toEqual([]);
  return { campaignId: campaign.campaign.id as string, promotion: created.promotion, productId };
}

function line(
  productId: string,
  quantity: number,
  unitPrice: number,
  extra: Record<string, unknown> = {},
) {
  return { variantId: randomUUID(), productId, categoryIds: [], quantity, unitPrice, ...extra };
}

async function quote(input: Record<string, unknown>) {
  return dataOf(await gql(QUOTE, { input: { currency: 'EUR', ...input } }, orders)).discountQuote;
}

async function redeem(input: Record<string, unknown>) {
  return dataOf(await gql(REDEEM, { input: { currency: 'EUR', ...input } }, orders))
    .discountsRedeem;
}

async function act(name: 'discountsRelease' | 'discountsConfirm', orderRef: string) {
  return dataOf(await gql(transition(name), { orderRef }, orders))[name];
}

async function usedCount(code: string): Promise<number> {
  const [row] = await sql(`SELECT used_count FROM promotions.coupon WHERE code = $1`, [
    code.toUpperCase(),
  ]);
  return row.used_count;
}

/** A coupon-only promotion (10 % off its product) with one coupon. */
async function couponFor(coupon: Record<string, unknown>, promotion: Record<string, unknown> = {}) {
  const setup = await promotionFor({
    kind: 'PERCENTAGE_ORDER',
    value: 1000,
    requiresCoupon: true,
    ...promotion,
  });
  const code = `C${randomUUID().replace(/-/g, '').slice(0, 12)}`.toUpperCase();
  const created = await createCoupon({ promotionId: setup.promotion.id, code, ...coupon });
  expect(created.userErrors).toEqual([]);
  return { ...setup, code, coupon: created.coupon };
}

beforeAll(async () => {
  db = await createTestDatabase('promotions');
  promotions = await startSubgraph(promotionsSubgraph, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
  });
});

afterAll(async () => {
  await promotions?.stop();
  await db?.drop();
});

// used_count is the number of uses that hold, after every test.
afterEach(async () => {
  const drift = await sql(`
    SELECT c.code, c.used_count, count(r.id)::int AS held
      FROM promotions.coupon c
      LEFT JOIN promotions.coupon_redemption r ON r.coupon_id = c.id AND r.status <> 'RELEASED'
     GROUP BY c.id HAVING c.used_count <> count(r.id)`);
  expect(drift).toEqual([]);
});

describe('promotions subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(promotions.url, '{ activePromotions { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates campaigns, promotions with conditions and coupons, and reads them back', async () => {
    const campaign = await createCampaign({
      name: 'Black Friday',
      startsAt: '2030-11-28T00:00:00Z',
      endsAt: '2030-12-01T00:00:00Z',
    });
    expect(campaign).toEqual({
      campaign: {
        id: expect.any(String),
        name: 'Black Friday',
        startsAt: '2030-11-28T00:00:00.000Z',
        endsAt: '2030-12-01T00:00:00.000Z',
        active: true,
      },
      userErrors: [],
    });
    const categoryId = randomUUID();
    const brandId = randomUUID();
    const created = await createPromotion({
      campaignId: campaign.campaign.id,
      name: '5 EUR off shoes over 50 EUR',
      kind: 'FIXED_ORDER',
      value: 500,
      currency: 'eur',
      conditions: {
        minSubtotals: [{ amount: 5000, currency: 'EUR' }],
        categoryIds: [categoryId.toUpperCase()],
        brandIds: [brandId],
        customerSegments: [' VIP '],
      },
      priority: 3,
      requiresCoupon: true,
    });
    expect(created.userErrors).toEqual([]);
    expect(created.promotion).toEqual({
      id: expect.any(String),
      name: '5 EUR off shoes over 50 EUR',
      kind: 'FIXED_ORDER',
      value: 500,
      currency: 'EUR',
      buyQuantity: null,
      getQuantity: null,
      exclusive: false,
      priority: 3,
      requiresCoupon: true,
      active: true,
      conditions: {
        minSubtotals: [{ amount: 5000, currency: 'EUR' }],
        productIds: [],
        categoryIds: [categoryId],
        brandIds: [brandId],
        customerSegments: ['vip'],
      },
      campaign: { id: campaign.campaign.id, name: 'Black Friday' },
    });
    const coupon = await createCoupon({
      promotionId: created.promotion.id,
      code: ' shoes-5 ',
      usageLimit: 100,
    });
    expect(coupon).toEqual({
      coupon: {
        id: expect.any(String),
        code: 'SHOES-5',
        usageLimit: 100,
        perCustomerLimit: null,
        usedCount: 0,
        promotion: { id: created.promotion.id },
      },
      userErrors: [],
    });

    const read = dataOf(
      await gql(
        `query ($id: ID!) { campaign(id: $id) { name promotions { name coupons { totalCount edges { node { code } } } } }
           coupon(code: "Shoes-5") { code usedCount promotion { name campaign { name } } } }`,
        { id: campaign.campaign.id },
        reader,
      ),
    );
    expect(read).toEqual({
      campaign: {
        name: 'Black Friday',
        promotions: [
          {
            name: '5 EUR off shoes over 50 EUR',
            coupons: { totalCount: 1, edges: [{ node: { code: 'SHOES-5' } }] },
          },
        ],
      },
      coupon: {
        code: 'SHOES-5',
        usedCount: 0,
        promotion: { name: '5 EUR off shoes over 50 EUR', campaign: { name: 'Black Friday' } },
      },
    });
    const page = dataOf(
      await gql(
        `{ campaigns(first: 1) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
        {},
        staff,
      ),
    ).campaigns;
    expect(page.edges[0].node.name).toBe('Black Friday'); // starts latest
    expect(page.pageInfo.hasNextPage).toBe(page.totalCount > 1);
  });

  it('refuses invalid campaigns, promotions and coupons with userErrors', async () => {
    expect(
      (await createCampaign({ name: 'Backwards', startsAt: iso(HOUR), endsAt: iso(-HOUR) }))
        .userErrors,
    ).toEqual([{ field: ['endsAt'], code: 'INVALID_WINDOW', message: expect.any(String) }]);
    expect((await createCampaign({ name: 'Bad', startsAt: 'tomorrow' })).userErrors[0].code).toBe(
      'INVALID_VALUE',
    );
    const { campaignId, promotion } = await promotionFor({
      kind: 'PERCENTAGE_LINE',
      value: 1000,
      requiresCoupon: true,
    });
    const attempt = async (input: Record<string, unknown>) =>
      (await createPromotion({ campaignId, name: 'x', ...input })).userErrors.map(
        (e: any) => `${e.field.join('.')} ${e.code}`,
      );
    expect(await attempt({ kind: 'PERCENTAGE_ORDER', value: 0 })).toEqual(['value INVALID_VALUE']);
    expect(await attempt({ kind: 'PERCENTAGE_ORDER', value: 10_001 })).toEqual([
      'value INVALID_VALUE',
    ]);
    expect(await attempt({ kind: 'FIXED_LINE', value: 100 })).toEqual([
      'currency INVALID_CURRENCY',
    ]);
    expect(await attempt({ kind: 'BUY_X_GET_Y', buyQuantity: 2 })).toEqual([
      'getQuantity INVALID_VALUE',
    ]);
    expect(await attempt({ kind: 'FREE_SHIPPING', value: 100 })).toEqual(['value INVALID_VALUE']);
    expect(
      await attempt({
        kind: 'FREE_SHIPPING',
        conditions: { minSubtotals: [{ amount: 1, currency: 'EU' }] },
      }),
    ).toEqual(['conditions.minSubtotals INVALID_CURRENCY']);
    expect(
      (await createPromotion({ campaignId: randomUUID(), name: 'x', kind: 'FREE_SHIPPING' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['campaignId'],
      code: 'NOT_FOUND',
    });

    expect((await createCoupon({ promotionId: promotion.id, code: 'TAKEN-1' })).userErrors).toEqual(
      [],
    );
    expect((await createCoupon({ promotionId: promotion.id, code: 'taken-1' })).userErrors).toEqual(
      [{ field: ['code'], code: 'CODE_TAKEN', message: expect.any(String) }],
    );
    expect(
      (await createCoupon({ promotionId: promotion.id, code: 'no spaces' })).userErrors[0].code,
    ).toBe('INVALID_CODE');
    expect(
      (await createCoupon({ promotionId: promotion.id, code: 'ZERO-USE', usageLimit: 0 }))
        .userErrors[0],
    ).toMatchObject({
      field: ['usageLimit'],
      code: 'INVALID_VALUE',
    });
    const automatic = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 500 });
    expect(
      (await createCoupon({ promotionId: automatic.promotion.id, code: 'AUTO-1' })).userErrors[0]
        .code,
    ).toBe('PROMOTION_AUTOMATIC');
  });

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

  it('lists running automatic promotions publicly', async () => {
    const shown = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 700, priority: 1_000_000 });
    const hidden = await promotionFor({
      kind: 'PERCENTAGE_ORDER',
      value: 700,
      priority: 1_000_000,
      requiresCoupon: true,
    });
    const over = await promotionFor(
      { kind: 'PERCENTAGE_ORDER', value: 700, priority: 1_000_000 },
      { startsAt: iso(-2 * HOUR), endsAt: iso(-HOUR) },
    );
    const active = dataOf(
      await gql(
        `{ activePromotions(first: 100) { id kind value campaign { name } } }`,
        {},
        anonymous,
      ),
    ).activePromotions;
    const ids = active.map((p: any) => p.id);
    expect(ids).toContain(shown.promotion.id);
    expect(ids).not.toContain(hidden.promotion.id);
    expect(ids).not.toContain(over.promotion.id);
    expect(active.find((p: any) => p.id === shown.promotion.id).campaign.name).toMatch(/^Campaign/);
  });

  it('refuses staff operations without permission and internal ones to non-services', async () => {
    const { promotion } = await promotionFor({ kind: 'FREE_SHIPPING', requiresCoupon: true });
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [
        `mutation { campaignCreate(input: { name: "x", startsAt: "2030-01-01T00:00:00Z" }) { userErrors { code } } }`,
        {},
        clerk,
      ],
      [
        `mutation { campaignCreate(input: { name: "x", startsAt: "2030-01-01T00:00:00Z" }) { userErrors { code } } }`,
        {},
        reader,
      ],
      [
        `mutation ($id: ID!) { couponCreate(input: { promotionId: $id, code: "NOPE-1" }) { userErrors { code } } }`,
        { id: promotion.id },
        anonymous,
      ],
      [
        `mutation ($id: ID!) { couponsGenerate(input: { promotionId: $id, count: 1 }) { count } }`,
        { id: promotion.id },
        clerk,
      ],
      [
        `mutation ($id: ID!) { promotionDeactivate(id: $id) { userErrors { code } } }`,
        { id: promotion.id },
        clerk,
      ],
      [`{ coupon(code: "ANY") { code } }`, {}, anonymous],
      [`{ coupon(code: "ANY") { code } }`, {}, clerk],
      [`{ campaigns { totalCount } }`, {}, anonymous],
      [QUOTE, { input: { currency: 'EUR', lines: [] } }, staff],
      [QUOTE, { input: { currency: 'EUR', lines: [] } }, anonymous],
      [REDEEM, { input: { orderRef: 'x', currency: 'EUR', lines: [] } }, staff],
      [
        transition('discountsRelease'),
        { orderRef: 'x' },
        { kind: 'customer', customerId: randomUUID() },
      ],
      [transition('discountsConfirm'), { orderRef: 'x' }, staff],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await sql(`SELECT 1 FROM promotions.coupon WHERE code = 'NOPE-1'`)).toEqual([]);
    // promotions:read may read.
    expect(dataOf(await gql(`{ coupon(code: "ANY") { code } }`, {}, reader)).coupon).toBeNull();
  });

  it('answers malformed ids and cursors with BAD_USER_INPUT, never a 500', async () => {
    const { promotion } = await promotionFor({ kind: 'FREE_SHIPPING', requiresCoupon: true });
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [`{ promotion(id: "not-a-uuid") { id } }`, {}, staff],
      [`{ campaign(id: "42") { id } }`, {}, staff],
      [`{ campaigns(after: "garbage") { totalCount } }`, {}, staff],
      [`{ campaigns(first: 101) { totalCount } }`, {}, staff],
      [`{ activePromotions(first: 1000) { id } }`, {}, anonymous],
      [
        `mutation { promotionCreate(input: { campaignId: "nope", name: "x", kind: FREE_SHIPPING }) { userErrors { code } } }`,
        {},
        staff,
      ],
      [
        `mutation ($c: ID!) { promotionCreate(input: { campaignId: $c, name: "x", kind: FREE_SHIPPING, conditions: { productIds: ["x"] } }) { userErrors { code } } }`,
        { c: randomUUID() },
        staff,
      ],
      [
        `mutation { couponCreate(input: { promotionId: "x", code: "ABC" }) { userErrors { code } } }`,
        {},
        staff,
      ],
      [`mutation { promotionDeactivate(id: "x") { userErrors { code } } }`, {}, staff],
      [
        `mutation ($id: ID!) { couponsGenerate(input: { promotionId: $id, count: 1 }) { codes(first: -1) } }`,
        { id: promotion.id },
        staff,
      ],
      [QUOTE, { input: { currency: 'EUR', lines: [line('bad-product', 1, 100)] } }, orders],
      [QUOTE, { input: { currency: 'EUR', at: 'someday', lines: [] } }, orders],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.status).not.toBe(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
    }
    const entities = dataOf(
      await gql(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Promotion { id name } ... on Campaign { id } } }`,
        {
          r: [
            { __typename: 'Promotion', id: 'x' },
            { __typename: 'Campaign', id: 'y' },
            { __typename: 'Promotion', id: promotion.id },
          ],
        },
        anonymous,
      ),
    );
    expect(entities._entities).toEqual([null, null, { id: promotion.id, name: promotion.name }]);
  });

  it('loads campaigns with their promotions and coupons with their promotion in constant statements', async () => {
    const promotionIds: string[] = [];
    for (let i = 0; i < 6; i += 1) promotionIds.push((await couponFor({})).promotion.id);
    const cost = async (count: number) => {
      const before = promotions.statements.count;
      const page = dataOf(
        await gql(
          `query ($first: Int) { campaigns(first: $first) { edges { node { name promotions { name campaign { name } } } } } }`,
          { first: count },
          staff,
        ),
      ).campaigns;
      expect(page.edges).toHaveLength(count);
      expect(
        page.edges.every((e: any) =>
          e.node.promotions.every((p: any) => p.campaign.name === e.node.name),
        ),
      ).toBe(true);
      return promotions.statements.count - before;
    };
    expect(await cost(2)).toBe(await cost(6));
    const refs = async (count: number) => {
      const before = promotions.statements.count;
      const result = dataOf(
        await gql(
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Promotion { name campaign { name } } } }`,
          { r: promotionIds.slice(0, count).map((id) => ({ __typename: 'Promotion', id })) },
          anonymous,
        ),
      );
      expect(result._entities.map((p: any) => p.campaign.name)).toEqual(
        Array(count).fill(expect.stringMatching(/^Campaign/)),
      );
      return promotions.statements.count - before;
    };
    expect(await refs(2)).toBe(await refs(6));
  });
});
