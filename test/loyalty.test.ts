import { dataOf } from '../platform/testing/graphql-client';
import type { LoyaltyService } from '../subgraphs/loyalty/service';
import {
  createCommerceClient,
  GiftCardBalanceDocument,
  GiftCardIssueDocument,
  LoyaltyReferralApplyDocument,
  type CommerceClient,
} from '../sdk/node';
import {
  bootstrapAdmin,
  type Caller,
  callerOf,
  customerToken,
  registerVerified,
  staffToken,
} from './support/accounts';
import { type ChangeShop, deliverConfirmed, orderView, stockChangeShop } from './support/changes';
import { balanceReaches, capture, cartOf, checkoutWith, loyaltyOf } from './support/loyalty';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { eventually } from './support/fulfillment';
import { receiveStock } from './support/shop';

/**
 * Loyalty through the router with tokens deciding: points earned on delivery (from orders'
 * and fulfillment's events), redeemed at checkout through the saga, given back on refund;
 * a tier upgrade; a referral rewarded once; lots expiring on their date with the clock
 * moved; concurrent redemptions that never overdraw; a gift card paying half a checkout.
 */
jest.setTimeout(240_000);

const ADMIN = { email: 'loyalty-root@shop.test', password: 'correct horse battery staple' };
const PASSWORD = 'a long enough passphrase 1';
const SETTINGS = { LOYALTY_POINTS_PER_UNIT: '10', LOYALTY_SILVER_SPEND: '3000' };
let platform: TestPlatform;
let clearAdmin: () => void;
let shop: ChangeShop;
let admin: Caller;
let asAda: Caller;
let asBob: Caller;
let ada: CommerceClient;
let bob: CommerceClient;
let anonymous: CommerceClient;
let staff: CommerceClient;
let loyalty: LoyaltyService;

const points = (total: number, multiplier = 1) => Math.floor((total * 10 * multiplier) / 100);

/** A customer's order of `variantId`, captured and delivered by the warehouse and the carrier. */
async function delivered(caller: Caller, client: CommerceClient, variantId: string) {
  const placed = await checkoutWith(client, await cartOf(caller, [{ variantId, quantity: 1 }]));
  expect(placed.userErrors).toEqual([]);
  await capture(admin, placed.order!.id);
  await deliverConfirmed({ ...platform, query: admin } as TestPlatform, placed.order!.id);
  return placed.order!;
}

beforeAll(async () => {
  Object.assign(process.env, SETTINGS);
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('loyalty', { authorization: 'enforced', background: true });
  loyalty = (platform.subgraphs.loyalty!.services as { loyalty: LoyaltyService }).loyalty;
  const url = platform.router.url;
  const nobody = callerOf(() => url, null);
  const staffBearer = await staffToken(nobody, ADMIN.email, ADMIN.password);
  admin = callerOf(() => url, staffBearer);
  shop = await stockChangeShop({ ...platform, query: admin } as TestPlatform, 'LOY');
  await receiveStock({ ...platform, query: admin } as TestPlatform, 'LOY-MUG', shop.warehouse, 60);
  await registerVerified(nobody, 'ada-loyalty@example.com', PASSWORD);
  await registerVerified(nobody, 'bob-loyalty@example.com', PASSWORD);
  const adaToken = await customerToken(nobody, 'ada-loyalty@example.com', PASSWORD);
  const bobToken = await customerToken(nobody, 'bob-loyalty@example.com', PASSWORD);
  asAda = callerOf(() => url, adaToken);
  asBob = callerOf(() => url, bobToken);
  ada = createCommerceClient({ url, getToken: () => adaToken });
  bob = createCommerceClient({ url, getToken: () => bobToken });
  staff = createCommerceClient({ url, getToken: () => staffBearer });
  anonymous = createCommerceClient({ url });
});

afterAll(async () => {
  clearAdmin?.();
  for (const key of Object.keys(SETTINGS)) delete process.env[key];
  await Promise.all([ada, bob, staff, anonymous].map((c) => c?.close()));
  await platform?.stop();
});

describe('loyalty through the router', () => {
  let earned = 0;

  it('points earned on delivery, redeemed at a later checkout, given back when that order is refunded', async () => {
    const before = await loyaltyOf(ada);
    expect(before).toMatchObject({ pointsBalance: 0, tier: { name: 'BRONZE' } });

    const first = await delivered(asAda, ada, shop.small);
    earned = points(first.total.amount);
    expect(earned).toBeGreaterThan(100);
    const account = await balanceReaches(ada, earned);
    expect(account.ledger.map((e) => [e.kind, e.points])).toEqual([['EARN', earned]]);
    expect(account.tier.name).toBe('BRONZE');

    // More than held: refused, pointing at the input; nothing moves.
    const greedy = await checkoutWith(
      ada,
      await cartOf(asAda, [{ variantId: shop.mug, quantity: 1 }]),
      {
        points: earned + 1,
      },
    );
    expect(greedy.userErrors).toEqual([
      expect.objectContaining({
        code: 'INSUFFICIENT_POINTS',
        field: ['input', 'loyalty', 'points'],
      }),
    ]);

    // A declined card: the hold is released, the points are back in their lot.
    const declined = await checkoutWith(
      ada,
      await cartOf(asAda, [{ variantId: shop.mug, quantity: 1 }]),
      { points: 100 },
      'tok_chargeDeclined',
    );
    expect(declined.order).toBeNull();
    expect(declined.userErrors.length).toBe(1);
    expect((await loyaltyOf(ada)).pointsBalance).toBe(earned);

    const redeemed = await checkoutWith(
      ada,
      await cartOf(asAda, [{ variantId: shop.mug, quantity: 1 }]),
      { points: 100 },
    );
    expect(redeemed.userErrors).toEqual([]);
    const order = redeemed.order!;
    expect(order.tenders).toEqual([
      { kind: 'POINTS', amount: { amount: 100, currency: 'EUR' }, points: 100, last4: null },
      {
        kind: 'CARD',
        amount: { amount: order.total.amount - 100, currency: 'EUR' },
        points: null,
        last4: null,
      },
    ]);
    expect((await loyaltyOf(ada)).pointsBalance).toBe(earned - 100);
    // Payments authorized only what the card pays.
    const view = await orderView({ ...platform, query: admin } as TestPlatform, order.id);
    expect(view.payments[0].amount.amount).toBe(order.total.amount - 100);

    await capture(admin, order.id);
    const refunded = dataOf(
      await admin(`mutation ($id: ID!) { orderRefund(id: $id) { userErrors { code } } }`, {
        id: order.id,
      }),
    ).orderRefund;
    expect(refunded.userErrors).toEqual([]);
    const back = await balanceReaches(ada, earned);
    expect(back.ledger.map((e) => e.kind)).toEqual([
      'REFUND_RESTORE',
      'REDEEM',
      'RELEASE',
      'REDEEM',
      'EARN',
    ]);
  });

  it('a tier upgrade: the rolling spend passes SILVER and the next delivery earns ×1.25', async () => {
    const spendBefore = (await loyaltyOf(ada)).rollingSpend;
    expect(spendBefore).toBeLessThan(3000);
    const second = await delivered(asAda, ada, shop.medium);
    const bonus = points(second.total.amount, 1.25);
    const account = await balanceReaches(ada, earned + bonus);
    expect(account.tier).toEqual({ name: 'SILVER', minSpend: 3000, multiplier: 1.25 });
    expect(account.rollingSpend).toBe(spendBefore + second.total.amount);
    expect(account.nextTier?.name).toBe('GOLD');
    earned += bonus;
  });

  it('a referral is rewarded once, on both sides, after the referee first delivery; self-referral refused', async () => {
    const code = (await loyaltyOf(ada)).referralCode;
    const own = await ada.request(LoyaltyReferralApplyDocument, { code });
    expect(own.loyaltyReferralApply.userErrors.map((e) => e.code)).toEqual(['SELF_REFERRAL']);
    const named = await bob.request(LoyaltyReferralApplyDocument, { code });
    expect(named.loyaltyReferralApply.userErrors).toEqual([]);
    const again = await bob.request(LoyaltyReferralApplyDocument, { code });
    expect(again.loyaltyReferralApply.userErrors.map((e) => e.code)).toEqual(['ALREADY_REFERRED']);

    const first = await delivered(asBob, bob, shop.small);
    await balanceReaches(bob, points(first.total.amount) + 500);
    const adaAfter = await balanceReaches(ada, earned + 500);
    expect(adaAfter.ledger.filter((e) => e.kind === 'REFERRAL').map((e) => e.points)).toEqual([
      500,
    ]);

    // Bob's second delivery earns, and rewards no referral again.
    const second = await delivered(asBob, bob, shop.small);
    const bobAfter = await balanceReaches(
      bob,
      // Two deliveries passed SILVER's spend: the second earns ×1.25.
      points(first.total.amount) + 500 + points(second.total.amount, 1.25),
    );
    expect(bobAfter.ledger.filter((e) => e.kind === 'REFERRAL')).toHaveLength(1);
    expect((await loyaltyOf(ada)).ledger.filter((e) => e.kind === 'REFERRAL')).toHaveLength(1);
    earned += 500;
  });

  it('expired points leave the balance on the expiry date (clock injected), oldest lot first', async () => {
    const account = await loyaltyOf(ada);
    // The oldest lot (the first delivery) gave the redemptions their points, first in first out.
    const expiry = account.nextExpiry!;
    expect(expiry.points).toBe(account.ledger.at(-1)!.points - 100);
    const due = new Date(expiry.expiresAt);
    try {
      loyalty.clock = { now: () => new Date(due.getTime() - 60_000) };
      expect(await loyalty.expire()).toBe(0);
      expect((await loyaltyOf(ada)).pointsBalance).toBe(earned);

      loyalty.clock = { now: () => due };
      expect(await loyalty.expire()).toBe(expiry.points);
      const after = await loyaltyOf(ada);
      expect(after.pointsBalance).toBe(earned - expiry.points);
      expect(after.ledger[0]).toMatchObject({ kind: 'EXPIRE', points: -expiry.points });
      // Run again on the same date: nothing more leaves.
      expect(await loyalty.expire()).toBe(0);
    } finally {
      loyalty.clock = { now: () => new Date() };
    }
  });

  it('50 concurrent redemptions of the same balance never overdraw it', async () => {
    const balance = (await loyaltyOf(bob)).pointsBalance;
    const carts = await Promise.all(
      Array.from({ length: 50 }, () => cartOf(asBob, [{ variantId: shop.mug, quantity: 1 }])),
    );
    const results = await Promise.all(
      carts.map((cart) => checkoutWith(bob, cart, { points: 100 })),
    );
    const placed = results.filter((r) => r.order);
    const refused = results.filter((r) => !r.order);
    expect(placed).toHaveLength(Math.floor(balance / 100));
    for (const r of refused)
      expect(r.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_POINTS']);
    const after = await loyaltyOf(bob);
    expect(after.pointsBalance).toBe(balance - 100 * placed.length);
    expect(after.pointsBalance).toBeGreaterThanOrEqual(0);
    // The ledger adds up to the balance, and the lots hold exactly the balance.
    const [sums] = (await platform.subgraphs.loyalty!.dataSource.query(
      `SELECT (SELECT sum(points) FROM loyalty.ledger WHERE customer_id = a.customer_id)::int AS ledger,
              (SELECT sum(remaining) FROM loyalty.points_lot WHERE customer_id = a.customer_id)::int AS lots
       FROM loyalty.account a WHERE a.customer_id = $1`,
      [after.customerId],
    )) as { ledger: number; lots: number }[];
    expect(sums).toEqual({ ledger: after.pointsBalance, lots: after.pointsBalance });
  });

  it('Customer.loyalty is for the customer themself and loyalty:manage staff', async () => {
    const own = dataOf(await asAda(`{ me { id loyalty { pointsBalance referralCode } } }`)).me;
    const mine = await loyaltyOf(ada);
    expect(own.loyalty).toEqual({
      pointsBalance: mine.pointsBalance,
      referralCode: mine.referralCode,
    });
    const read = `query ($id: ID!) { customer(id: $id) { loyalty { pointsBalance } } }`;
    const byStaff = dataOf(await admin(read, { id: own.id })).customer;
    expect(byStaff.loyalty).toEqual({ pointsBalance: mine.pointsBalance });
    expect(dataOf(await asAda(`{ myLoyalty { customerId } }`)).myLoyalty.customerId).toBe(own.id);
    const anonymousRead = await callerOf(
      () => platform.router.url,
      null,
    )(`{ myLoyalty { pointsBalance } }`);
    expect(anonymousRead.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a gift card pays half a checkout, the card pays the rest', async () => {
    const cartId = await cartOf(
      callerOf(() => platform.router.url, null),
      [{ variantId: shop.large, quantity: 1 }],
    );
    const cost = dataOf(
      await platform.query(`query ($id: ID!) { cart(id: $id) { cost { total { amount } } } }`, {
        id: cartId,
      }),
    ).cart.cost.total.amount as number;
    const half = Math.floor(cost / 2);

    const refused = await ada
      .request(GiftCardIssueDocument, {
        input: { amount: half, currency: 'EUR' },
      })
      .catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    const zero = await staff.request(GiftCardIssueDocument, {
      input: { amount: 0, currency: 'EUR' },
    });
    expect(zero.giftCardIssue.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_AMOUNT', field: ['input', 'amount'] }),
    ]);
    const { giftCardIssue } = await staff.request(GiftCardIssueDocument, {
      input: { amount: half, currency: 'EUR', expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    expect(giftCardIssue.userErrors).toEqual([]);
    const code = giftCardIssue.code!;
    expect(
      (await anonymous.request(GiftCardBalanceDocument, { code })).giftCardBalance,
    ).toMatchObject({
      balance: { amount: half, currency: 'EUR' },
      expired: false,
      last4: code.replace(/-/g, '').slice(-4),
    });
    expect(
      (await anonymous.request(GiftCardBalanceDocument, { code: 'AAAA-BBBB-CCCC-DDDD' }))
        .giftCardBalance,
    ).toBeNull();

    const paid = await checkoutWith(anonymous, cartId, { giftCardCode: code.toLowerCase() });
    expect(paid.userErrors).toEqual([]);
    const order = paid.order!;
    expect(order.total.amount).toBe(cost);
    expect(order.tenders.map((t) => [t.kind, t.amount.amount])).toEqual([
      ['GIFT_CARD', half],
      ['CARD', cost - half],
    ]);
    const view = await orderView({ ...platform, query: admin } as TestPlatform, order.id);
    expect(view.payments[0].amount.amount).toBe(cost - half);
    expect(
      (await anonymous.request(GiftCardBalanceDocument, { code })).giftCardBalance!.balance.amount,
    ).toBe(0);

    // A full refund of the order gives the gift card its share back, once.
    await capture(admin, order.id);
    const refunded = dataOf(
      await admin(`mutation ($id: ID!) { orderRefund(id: $id) { userErrors { code } } }`, {
        id: order.id,
      }),
    ).orderRefund;
    expect(refunded.userErrors).toEqual([]);
    const restored = await eventually(
      async () => (await anonymous.request(GiftCardBalanceDocument, { code })).giftCardBalance!,
      (card) => card.balance.amount !== 0,
    );
    expect(restored.balance.amount).toBe(half);
  });
});
