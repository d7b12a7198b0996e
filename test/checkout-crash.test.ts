import { dataOf } from '../platform/testing/graphql-client';
import { startCrashPlatform, type CrashPlatform } from './support/orders-process';
import type { TestPlatform } from './support/platform';
import {
  ADDRESS,
  CHECKOUT,
  applyCodes,
  cartWith,
  couponUses,
  createCoupon,
  createProduct,
  createWarehouse,
  receiveStock,
} from './support/shop';

/**
 * Orders killed (SIGKILL, by its own CHECKOUT_FAULT hook) between the payment
 * authorization and the order write, with a coupon limited to one use per customer: a
 * retry adopts the dead attempt's hold, reservation and authorization; without a retry,
 * the recovery sweeper undoes them. Either way each key has one effect or none.
 */
jest.setTimeout(300_000);

let platform: CrashPlatform;
let variantId: string;
const shop = () => platform as unknown as TestPlatform;

beforeAll(async () => {
  platform = await startCrashPlatform('crash');
  await platform.startOrders();
  variantId = (await createProduct(shop(), 'Crash Kettle', [{ sku: 'KETTLE-1', price: 5000 }]))
    .variants[0]!.id;
  await receiveStock(shop(), 'KETTLE-1', await createWarehouse(shop(), 'CRASH-1'), 10);
  await createCoupon(shop(), 'ONCE10', { value: 1000, perCustomerLimit: 1 });
});

afterAll(async () => {
  await platform?.stop();
});

const sql = <T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> =>
  platform.subgraphs.inventory!.dataSource.query(text, params);

async function cartWithCoupon(): Promise<string> {
  const cartId = await cartWith(shop(), [{ variantId, quantity: 1 }]);
  await applyCodes(shop(), cartId, ['ONCE10']);
  return cartId;
}

function input(cartId: string, key: string, email: string) {
  return {
    cartId,
    idempotencyKey: key,
    email,
    shippingAddress: ADDRESS,
    payment: { token: 'tok_visa' },
  };
}

/** Checks out the way a client should: on CHECKOUT_IN_PROGRESS, again after the hint. */
async function checkoutUntilSettled(variables: { input: ReturnType<typeof input> }) {
  for (let i = 0; i < 40; i++) {
    const result = dataOf(
      await platform.query(
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id status } retryAfterMs userErrors { code message } } }`,
        variables,
      ),
    ).checkout;
    if (result.userErrors[0]?.code !== 'CHECKOUT_IN_PROGRESS') return result;
    expect(result.retryAfterMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, result.retryAfterMs));
  }
  throw new Error('checkout stayed in progress');
}

/** Starts orders with the crash fault, checks out, and waits for the process to die of it. */
async function crashDuringCheckout(key: string, email: string) {
  await platform.stopOrders();
  await platform.startOrders({ CHECKOUT_FAULT: 'after-authorization', CHECKOUT_LEASE_MS: '1000' });
  const variables = { input: input(await cartWithCoupon(), key, email) };
  const response = await platform.query(CHECKOUT, variables);
  expect(response.data?.checkout?.order ?? null).toBeNull();
  expect(await platform.ordersExited()).toBe('SIGKILL');
  return variables;
}

const orderIdOf = async (key: string) =>
  (
    await sql<{ order_id: string }>(
      `SELECT order_id FROM orders.checkout_attempt WHERE idempotency_key = $1`,
      [key],
    )
  )[0]!.order_id;

const paymentsOf = (orderId: string) =>
  sql<{ status: string; authorizations: number }>(
    `SELECT p.status, (SELECT count(*)::int FROM payments.payment_transaction t
                        WHERE t.payment_id = p.id AND t.kind = 'AUTHORIZATION') AS authorizations
       FROM payments.payment p WHERE p.order_id = $1`,
    [orderId],
  );

const holdsOf = (email: string) =>
  sql<{ status: string }>(
    `SELECT status FROM promotions.coupon_redemption WHERE customer_key = $1 ORDER BY created_at`,
    [email],
  );

const reservationsOf = (orderId: string) =>
  sql<{ status: string }>(`SELECT status FROM inventory.reservation WHERE reference LIKE $1`, [
    `order:${orderId}:%`,
  ]);

describe('a crash between the payment authorization and the order write', () => {
  it('a retry with the key adopts the dead attempt: one order, one authorization, one coupon use', async () => {
    const key = 'crash-retried-0001';
    const variables = await crashDuringCheckout(key, 'retry@example.com');
    const orderId = await orderIdOf(key);
    // What the dead process left: money held, a coupon hold, stock held, no order.
    expect(await paymentsOf(orderId)).toEqual([{ status: 'AUTHORIZED', authorizations: 1 }]);
    expect(await holdsOf('retry@example.com')).toEqual([{ status: 'RESERVED' }]);

    // Restarted without the fault, and no sweeper in the way: the retry must adopt.
    await platform.startOrders({
      CHECKOUT_LEASE_MS: '1000',
      CHECKOUT_RECOVERY_INTERVAL_MS: '600000',
    });
    const retried = await checkoutUntilSettled(variables);
    expect(retried.userErrors).toEqual([]);
    expect(retried.order).toMatchObject({ id: orderId, status: 'PENDING' });

    const [counted] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders.customer_order WHERE idempotency_key = $1`,
      [key],
    );
    expect(counted!.n).toBe(1);
    expect(await paymentsOf(orderId)).toEqual([{ status: 'AUTHORIZED', authorizations: 1 }]);
    expect(await holdsOf('retry@example.com')).toEqual([{ status: 'CONFIRMED' }]);
    expect(await reservationsOf(orderId)).toEqual([{ status: 'COMMITTED' }]);
    expect(await couponUses(shop(), 'ONCE10')).toBe(1);
  });

  it('without a retry, the recovery sweeper voids the authorization and releases the holds within its interval', async () => {
    const key = 'crash-abandoned-0001';
    const email = 'abandon@example.com';
    const variables = await crashDuringCheckout(key, email);
    const orderId = await orderIdOf(key);
    expect(await paymentsOf(orderId)).toEqual([{ status: 'AUTHORIZED', authorizations: 1 }]);

    await platform.startOrders({ CHECKOUT_LEASE_MS: '1000', CHECKOUT_RECOVERY_INTERVAL_MS: '500' });
    // The sweep runs every 500 ms once the 1 s lease is over; give it a few rounds.
    const deadline = Date.now() + 20_000;
    const statusOf = async () =>
      (
        await sql<{ status: string }>(
          `SELECT status FROM orders.checkout_attempt WHERE idempotency_key = $1`,
          [key],
        )
      )[0]!.status;
    while ((await statusOf()) === 'IN_PROGRESS' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await statusOf()).toBe('RETRYABLE');
    expect(await paymentsOf(orderId)).toEqual([{ status: 'VOIDED', authorizations: 1 }]);
    expect(await holdsOf(email)).toEqual([{ status: 'RELEASED' }]);
    expect(await reservationsOf(orderId)).toEqual([{ status: 'RELEASED' }]);
    expect(await couponUses(shop(), 'ONCE10')).toBe(1);

    // The key is not spent: a late retry checks out afresh, and is not refused by its own old hold.
    const late = await checkoutUntilSettled(variables);
    expect(late.userErrors).toEqual([]);
    expect((await paymentsOf(orderId)).map((p) => p.status).sort()).toEqual([
      'AUTHORIZED',
      'VOIDED',
    ]);
    expect(await couponUses(shop(), 'ONCE10')).toBe(2);
  });
});
