import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ADDRESS,
  CHECKOUT,
  applyCodes,
  cartWith,
  couponUses,
  createCoupon,
  createProduct,
  createWarehouse,
  expectLedgerConsistent,
  receiveStock,
  stockOf,
} from './support/shop';
import type { CheckoutService } from '../subgraphs/orders/domain/checkout/checkout';

/**
 * Whatever stops a checkout, nothing stays behind: no reserved stock, no live
 * authorization, no counted coupon use.
 */
let platform: TestPlatform;
let variantId: string;

beforeAll(async () => {
  platform = await startTestPlatform('failures');
  variantId = (await createProduct(platform, 'Failing Lamp', [{ sku: 'LAMP-1', price: 6000 }]))
    .variants[0]!.id;
  await receiveStock(platform, 'LAMP-1', await createWarehouse(platform, 'FAIL-1'), 20);
  await createCoupon(platform, 'LAMP5', { value: 500, usageLimit: 100 });
});

afterAll(async () => {
  await platform?.stop();
});

const checkoutService = () =>
  (platform.subgraphs.orders!.services as { checkout: CheckoutService }).checkout;

async function attempt(key: string, overrides: Record<string, unknown> = {}) {
  const cartId = await cartWith(platform, [{ variantId, quantity: 2 }]);
  await applyCodes(platform, cartId, ['LAMP5']);
  const input = {
    cartId,
    idempotencyKey: key,
    email: 'lamp@example.com',
    shippingAddress: ADDRESS,
    payment: { token: 'tok_visa' },
    ...overrides,
  };
  return dataOf(await platform.query(CHECKOUT, { input })).checkout;
}

/** Live authorizations: money held on a card that no order will capture. */
async function liveAuthorizations(): Promise<number> {
  const [{ n }] = await platform.subgraphs.payments!.dataSource.query(
    `SELECT count(*)::int AS n FROM payments.payment WHERE status = 'AUTHORIZED'`,
  );
  return n;
}

async function expectNothingLeftBehind(): Promise<void> {
  expect(await stockOf(platform, 'LAMP-1')).toEqual({ onHand: 20, reserved: 0, available: 20 });
  expect(await liveAuthorizations()).toBe(0);
  expect(await couponUses(platform, 'LAMP5')).toBe(0);
  await expectLedgerConsistent(platform);
}

describe('a failed checkout leaves nothing behind', () => {
  it('a declined card', async () => {
    const result = await attempt('fail-declined-0001', {
      payment: { token: 'tok_chargeDeclined' },
    });
    expect(result.userErrors[0].code).toBe('PAYMENT_DECLINED');
    await expectNothingLeftBehind();
  });

  it('a fraud rejection, which never reaches the card network', async () => {
    // A disposable mailbox and billing abroad score, but not enough to refuse; declines
    // with the same card tip the score over the reject threshold.
    const risky = {
      email: 'buyer@mailinator.com',
      billingAddress: { ...ADDRESS, city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
    };
    const codes: string[] = [];
    for (let i = 0; i < 5 && codes.at(-1) !== 'FRAUD_REJECTED'; i++) {
      codes.push(
        (
          await attempt(`fail-fraud-decline-${i}`, {
            ...risky,
            payment: { token: 'tok_chargeDeclined' },
          })
        ).userErrors[0].code,
      );
    }
    expect(codes[0]).toBe('PAYMENT_DECLINED');
    expect(codes.at(-1)).toBe('FRAUD_REJECTED');
    // Now even a good card is refused for this buyer, before any card network call.
    const result = await attempt('fail-fraud-0001', risky);
    expect(result.userErrors[0].code).toBe('FRAUD_REJECTED');
    const [rejected] = await platform.subgraphs.payments!.dataSource.query(
      `SELECT status, failure_code, provider_reference FROM payments.payment WHERE idempotency_key LIKE 'checkout:fail-fraud-0001:%'`,
    );
    expect(rejected).toEqual({
      status: 'DECLINED',
      failure_code: 'fraud_rejected',
      provider_reference: null,
    });
    await expectNothingLeftBehind();
  });

  it('a failure injected right after the stock was reserved', async () => {
    checkoutService().faults.afterReservation = () => {
      throw new Error('injected: the process died after reserving');
    };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await attempt('fail-injected-0001');
      expect(result.userErrors[0].code).toBe('CHECKOUT_INTERRUPTED');
    } finally {
      delete checkoutService().faults.afterReservation;
      errors.mockRestore();
    }
    await expectNothingLeftBehind();
  });

  it('a failure injected right after the payment was authorized: the authorization is voided', async () => {
    checkoutService().faults.afterAuthorization = () => {
      throw new Error('injected: the process died after authorizing');
    };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await attempt('fail-injected-0002');
      expect(result.userErrors[0].code).toBe('CHECKOUT_INTERRUPTED');
    } finally {
      delete checkoutService().faults.afterAuthorization;
      errors.mockRestore();
    }
    await expectNothingLeftBehind();
    const voided = await platform.subgraphs.payments!.dataSource.query(
      `SELECT status FROM payments.payment WHERE status = 'VOIDED'`,
    );
    expect(voided).toHaveLength(1);
  });

  it('an interrupted checkout succeeds when retried with the same key', async () => {
    checkoutService().faults.afterReservation = () => {
      throw new Error('injected');
    };
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
    const input = {
      cartId,
      idempotencyKey: 'fail-retry-0001',
      email: 'lamp@example.com',
      shippingAddress: ADDRESS,
      payment: { token: 'tok_visa' },
    };
    try {
      expect(dataOf(await platform.query(CHECKOUT, { input })).checkout.userErrors[0].code).toBe(
        'CHECKOUT_INTERRUPTED',
      );
    } finally {
      delete checkoutService().faults.afterReservation;
      errors.mockRestore();
    }
    const retried = dataOf(await platform.query(CHECKOUT, { input })).checkout;
    expect(retried.userErrors).toEqual([]);
    expect(retried.order.status).toBe('PENDING');
    expect(await stockOf(platform, 'LAMP-1')).toEqual({ onHand: 20, reserved: 1, available: 19 });
    expect(await liveAuthorizations()).toBe(1);
  });

  it('answers a key reused with another input with IDEMPOTENCY_KEY_REUSED', async () => {
    const first = await attempt('fail-reused-0001', { payment: { token: 'tok_chargeDeclined' } });
    expect(first.userErrors[0].code).toBe('PAYMENT_DECLINED');
    const again = await attempt('fail-reused-0001');
    expect(again.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
