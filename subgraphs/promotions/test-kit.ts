/* eslint-disable @typescript-eslint/no-explicit-any -- like the tests, these helpers read loosely typed GraphQL and SQL answers */
import { randomUUID } from 'node:crypto';
import type { RunningSubgraph } from '../../platform/server';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import type { Viewer } from '../../platform/identity';
import { promotionsSubgraph, type PromotionsServices } from '.';

/**
 * What the promotions subgraph tests share: the subgraph (one per test file), the viewers,
 * the operations, helpers that set up campaigns, promotions and coupons, and the check
 * after every test that used_count is the number of uses that hold.
 */
export const staff: Viewer = viewers.staff(['promotions:write'], 's');
export const reader: Viewer = viewers.staff(['promotions:read'], 'r');
export const clerk: Viewer = viewers.staff([], 'c');
export const orders: Viewer = viewers.service('orders');
export const anonymous: Viewer = viewers.anonymous;

let current: TestSubgraph<PromotionsServices> | null = null;

export function promotions(): RunningSubgraph<PromotionsServices> {
  if (!current) throw new Error('usePromotionsSubgraph() first');
  return current.subgraph;
}

export const gql = async (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  postGraphQL(promotions().url, query, variables, { viewer });
export const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  promotions().dataSource.query(text, params);

export const HOUR = 3600_000;
export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export const USER_ERRORS = `userErrors { field message code }`;
export const PROMOTION = `id name kind value currency buyQuantity getQuantity exclusive priority requiresCoupon active
  conditions { minSubtotals { amount currency } productIds categoryIds brandIds customerSegments } campaign { id name }`;
export const QUOTE_FIELDS = `quote { currency lines { variantId discountAmount } orderDiscountAmount shippingDiscountAmount discountTotal
  applied { promotionId name code amount } } ${USER_ERRORS}`;
export const QUOTE = `query ($input: DiscountInput!) { discountQuote(input: $input) { ${QUOTE_FIELDS} } }`;
export const REDEEM = `mutation ($input: DiscountRedeemInput!) {
  discountsRedeem(input: $input) { redemption { orderRef status couponCodes } ${QUOTE_FIELDS} } }`;
export const transition = (name: string) => `mutation ($orderRef: String!) {
  ${name}(orderRef: $orderRef) { redemption { orderRef status couponCodes quote { discountTotal } } ${USER_ERRORS} } }`;

export async function createCampaign(input: Record<string, unknown>) {
  return dataOf(
    await gql(
      `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id name startsAt endsAt active } ${USER_ERRORS} } }`,
      { input },
      staff,
    ),
  ).campaignCreate;
}

export async function createPromotion(input: Record<string, unknown>) {
  return dataOf(
    await gql(
      `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { ${PROMOTION} } ${USER_ERRORS} } }`,
      { input },
      staff,
    ),
  ).promotionCreate;
}

export async function createCoupon(input: Record<string, unknown>, viewer = staff) {
  return dataOf(
    await gql(
      `mutation ($input: CouponCreateInput!) { couponCreate(input: $input) { coupon { id code usageLimit perCustomerLimit usedCount promotion { id } } ${USER_ERRORS} } }`,
      { input },
      viewer,
    ),
  ).couponCreate;
}

/** A running campaign with one promotion limited to a product of its own, so tests never see each other's promotions. */
export async function promotionFor(
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

export function line(
  productId: string,
  quantity: number,
  unitPrice: number,
  extra: Record<string, unknown> = {},
) {
  return { variantId: randomUUID(), productId, categoryIds: [], quantity, unitPrice, ...extra };
}

export async function quote(input: Record<string, unknown>) {
  return dataOf(await gql(QUOTE, { input: { currency: 'EUR', ...input } }, orders)).discountQuote;
}

export async function redeem(input: Record<string, unknown>) {
  return dataOf(await gql(REDEEM, { input: { currency: 'EUR', ...input } }, orders))
    .discountsRedeem;
}

export async function act(name: 'discountsRelease' | 'discountsConfirm', orderRef: string) {
  return dataOf(await gql(transition(name), { orderRef }, orders))[name];
}

export async function usedCount(code: string): Promise<number> {
  const [row] = await sql(`SELECT used_count FROM promotions.coupon WHERE code = $1`, [
    code.toUpperCase(),
  ]);
  return row.used_count;
}

/** A coupon-only promotion (10 % off its product) with one coupon. */
export async function couponFor(
  coupon: Record<string, unknown>,
  promotion: Record<string, unknown> = {},
) {
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

/** Starts the subgraph for this test file and stops it after; checks used_count after every test. */
export function usePromotionsSubgraph(): void {
  beforeAll(async () => {
    current = await startSubgraphForTest(promotionsSubgraph, { database: 'promotions' });
  });
  afterAll(async () => {
    await current?.stop();
    current = null;
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
}
