import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
  stockOf,
} from './support/shop';

/** After checkout: capture all or part, refund in parts, cancel; money never goes over. */
let platform: TestPlatform;
let variantId: string;

beforeAll(async () => {
  platform = await startTestPlatform('ordermoney');
  variantId = (await createProduct(platform, 'Money Chair', [{ sku: 'CHAIR-1', price: 12000 }]))
    .variants[0]!.id;
  await receiveStock(platform, 'CHAIR-1', await createWarehouse(platform, 'MONEY-1'), 10);
});

afterAll(async () => {
  await platform?.stop();
});

async function place(key: string): Promise<{ id: string; total: number }> {
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  const order = dataOf(await platform.query(CHECKOUT, { input: checkoutInput(cartId, key) }))
    .checkout.order;
  return { id: order.id, total: order.total.amount };
}

const ORDER_PAYMENT = `order { status payments { status capturedAmount { amount } refundedAmount { amount } } }`;

async function run(
  mutation: string,
  variables: Record<string, unknown>,
  args = '$id: ID!',
  call = 'id: $id',
) {
  return dataOf(
    await platform.query(
      `mutation (${args}) { ${mutation}(${call}) { ${ORDER_PAYMENT} userErrors { code } } }`,
      variables,
    ),
  )[mutation];
}

describe('capture, refunds and cancellation', () => {
  it('captures part, refunds in parts, and two racing refunds never exceed the capture', async () => {
    const order = await place('money-partial-0001');
    expect(order.total).toBe(12000);
    const captured = await run(
      'orderCapture',
      { id: order.id, amount: 10000 },
      '$id: ID!, $amount: Int',
      'id: $id, amount: $amount',
    );
    expect(captured.order).toEqual({
      status: 'CONFIRMED',
      payments: [
        { status: 'CAPTURED', capturedAmount: { amount: 10000 }, refundedAmount: { amount: 0 } },
      ],
    });

    const refund = (amount: number) =>
      run(
        'orderRefund',
        { id: order.id, amount },
        '$id: ID!, $amount: Int',
        'id: $id, amount: $amount',
      );
    expect((await refund(2000)).order.payments[0]).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedAmount: { amount: 2000 },
    });
    expect((await refund(3000)).order).toMatchObject({
      status: 'CONFIRMED',
      payments: [{ refundedAmount: { amount: 5000 } }],
    });

    // 5000 left; two refunds of 4000 race: one wins, the other would go over.
    const [a, b] = await Promise.all([refund(4000), refund(4000)]);
    const codes = [a, b].map((r) => r.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'REFUND_EXCEEDS_CAPTURED']);
    const last = await refund(1000);
    expect(last.order).toEqual({
      status: 'REFUNDED',
      payments: [
        {
          status: 'REFUNDED',
          capturedAmount: { amount: 10000 },
          refundedAmount: { amount: 10000 },
        },
      ],
    });
    expect((await refund(1)).userErrors[0].code).toBe('INVALID_ORDER_STATUS');
  });

  it('a retried refund with the same idempotency key refunds once', async () => {
    const order = await place('money-retry-0001');
    await run('orderCapture', { id: order.id });
    const refund = () =>
      run(
        'orderRefund',
        { id: order.id, key: 'refund-once-key' },
        '$id: ID!, $key: String',
        'id: $id, amount: 500, idempotencyKey: $key',
      );
    await refund();
    const again = await refund();
    expect(again.order.payments[0].refundedAmount.amount).toBe(500);
  });

  it('cancelling a captured order refunds it and puts the stock back', async () => {
    const before = await stockOf(platform, 'CHAIR-1');
    const order = await place('money-cancel-0001');
    await run('orderCapture', { id: order.id });
    expect((await stockOf(platform, 'CHAIR-1')).available).toBe(before.available - 1);
    const cancelled = await run('orderCancel', { id: order.id });
    expect(cancelled.order).toEqual({
      status: 'CANCELLED',
      payments: [
        {
          status: 'REFUNDED',
          capturedAmount: { amount: 12000 },
          refundedAmount: { amount: 12000 },
        },
      ],
    });
    expect(await stockOf(platform, 'CHAIR-1')).toEqual(before);
  });

  it('refuses a capture larger than the order', async () => {
    const order = await place('money-over-0001');
    const result = await run(
      'orderCapture',
      { id: order.id, amount: 12001 },
      '$id: ID!, $amount: Int',
      'id: $id, amount: $amount',
    );
    expect(result.userErrors[0].code).toBe('INVALID_AMOUNT');
  });
});
