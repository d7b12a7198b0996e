import { randomUUID } from 'node:crypto';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { promotionsSubgraph, type PromotionsServices } from '.';

/**
 * Coupon holds whose checkout crashed: redeeming again with the same reference returns the
 * hold; a stale hold (older than PROMOTION_HOLD_TTL_MS) no longer counts toward the buyer's
 * per-customer limit, and the reconciler releases it, giving the use back.
 */
let t: TestSubgraph<PromotionsServices>;
const staff = viewers.staff(['promotions:write']);
const orders = viewers.service('orders');
const TTL_MS = 60_000;

beforeAll(async () => {
  t = await startSubgraphForTest(promotionsSubgraph, {
    database: 'promotions_holds',
    env: { PROMOTION_HOLD_TTL_MS: String(TTL_MS) },
  });
});

afterAll(async () => {
  await t?.stop();
});

const REDEEM = `mutation ($input: DiscountRedeemInput!) {
  discountsRedeem(input: $input) { redemption { orderRef status couponCodes } userErrors { code field } } }`;

async function coupon(): Promise<{ code: string; productId: string }> {
  const productId = randomUUID();
  const campaign = await t.data(
    `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id } } }`,
    { input: { name: 'Holds', startsAt: new Date(Date.now() - 3600_000).toISOString() } },
    { viewer: staff },
  );
  const promotion = await t.data(
    `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } } }`,
    {
      input: {
        campaignId: campaign.campaignCreate.campaign.id,
        name: 'Ten off',
        kind: 'PERCENTAGE_ORDER',
        value: 1000,
        requiresCoupon: true,
        conditions: { productIds: [productId] },
      },
    },
    { viewer: staff },
  );
  const code = `H${randomUUID().replace(/-/g, '').slice(0, 10)}`.toUpperCase();
  const created = await t.data(
    `mutation ($input: CouponCreateInput!) { couponCreate(input: $input) { userErrors { code } } }`,
    { input: { promotionId: promotion.promotionCreate.promotion.id, code, perCustomerLimit: 1 } },
    { viewer: staff },
  );
  expect(created.couponCreate.userErrors).toEqual([]);
  return { code, productId };
}

const redeem = (orderRef: string, code: string, productId: string) =>
  t.data(
    REDEEM,
    {
      input: {
        orderRef,
        currency: 'EUR',
        customerKey: 'ada@example.com',
        couponCodes: [code],
        lines: [{ variantId: productId, productId, categoryIds: [], quantity: 1, unitPrice: 1000 }],
      },
    },
    { viewer: orders },
  );

const usedCount = async (code: string) =>
  (
    await t.subgraph.dataSource.query(`SELECT used_count FROM promotions.coupon WHERE code = $1`, [
      code,
    ])
  )[0].used_count as number;

it('returns the existing hold for the same reference, and lets a retry past a stale hold', async () => {
  const { code, productId } = await coupon();
  const first = await redeem('order-1:1', code, productId);
  expect(first.discountsRedeem.redemption.status).toBe('RESERVED');
  expect((await redeem('order-1:1', code, productId)).discountsRedeem).toEqual(
    first.discountsRedeem,
  );
  expect(await usedCount(code)).toBe(1);

  // A fresh hold still counts: another attempt of the same buyer is refused.
  const fresh = await redeem('order-1:2', code, productId);
  expect(fresh.discountsRedeem.userErrors.map((e: { code: string }) => e.code)).toEqual([
    'COUPON_CUSTOMER_LIMIT',
  ]);

  // The checkout crashed: the hold ages past the TTL, and the retry (a new reference) goes through.
  await t.subgraph.dataSource.query(
    `UPDATE promotions.order_redemption SET updated_at = now() - interval '2 minutes' WHERE order_ref = 'order-1:1'`,
  );
  await t.subgraph.dataSource.query(
    `UPDATE promotions.coupon_redemption SET updated_at = now() - interval '2 minutes' WHERE order_ref = 'order-1:1'`,
  );
  const retry = await redeem('order-1:3', code, productId);
  expect(retry.discountsRedeem.userErrors).toEqual([]);
  expect(retry.discountsRedeem.redemption.status).toBe('RESERVED');

  // The reconciler releases only the stale hold, giving its use back.
  expect(await t.services.promotions.releaseStaleHolds()).toEqual(['order-1:1']);
  expect(await usedCount(code)).toBe(1);
  const statuses = await t.subgraph.dataSource.query(
    `SELECT order_ref, status FROM promotions.order_redemption WHERE order_ref LIKE 'order-1:%' ORDER BY order_ref`,
  );
  expect(statuses).toEqual([
    { order_ref: 'order-1:1', status: 'RELEASED' },
    { order_ref: 'order-1:3', status: 'RESERVED' },
  ]);
  expect(await t.services.promotions.releaseStaleHolds()).toEqual([]);
});
