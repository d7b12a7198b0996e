import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ADDRESS,
  CHECKOUT,
  cartWith,
  createProduct,
  createWarehouse,
  receiveStock,
  stockOf,
} from './support/shop';

/**
 * Paying without a card: a bank transfer waits for the money (staff record it with a
 * capture), cash on delivery ships at once and is recorded when collected.
 */
let platform: TestPlatform;
let variantId: string;
const SKU = 'RUG-1';

beforeAll(async () => {
  platform = await startTestPlatform('offlinepay');
  variantId = (await createProduct(platform, 'Offline Rug', [{ sku: SKU, price: 9000 }]))
    .variants[0]!.id;
  await receiveStock(platform, SKU, await createWarehouse(platform, 'OFFLINE-1'), 10);
});

afterAll(async () => {
  await platform?.stop();
});

async function checkout(key: string, payment: Record<string, unknown>) {
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  return dataOf(
    await platform.query(CHECKOUT, {
      input: {
        cartId,
        idempotencyKey: key,
        email: 'pay@example.com',
        shippingAddress: ADDRESS,
        payment,
      },
    }),
  ).checkout;
}

const ORDER = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) {
      status
      statusHistory {
        status
      }
      payments {
        status
        method
        transferReference
        card {
          last4
        }
        capturedAmount {
          amount
        }
      }
    }
  }
`;
const orderNow = async (id: string) => dataOf(await platform.query(ORDER, { id })).order;

const capture = async (id: string) =>
  dataOf(
    await platform.query(
      `mutation ($id: ID!) { orderCapture(id: $id) { order { status } userErrors { code } } }`,
      { id },
    ),
  ).orderCapture;

it('holds a bank-transfer order until staff record the money, with a reference to match it', async () => {
  const before = await stockOf(platform, SKU);
  const placed = await checkout('offline-bank-0001', { method: 'BANK_TRANSFER' });
  expect(placed.userErrors).toEqual([]);
  const order = await orderNow(placed.order.id);
  expect(order.status).toBe('PENDING');
  expect(order.payments).toEqual([
    {
      status: 'AUTHORIZED',
      method: 'BANK_TRANSFER',
      transferReference: expect.stringMatching(/^BT-[0-9A-F]{8}$/),
      card: null,
      capturedAmount: { amount: 0 },
    },
  ]);
  expect((await stockOf(platform, SKU)).available).toBe(before.available - 1);

  expect(await capture(placed.order.id)).toEqual({
    order: { status: 'CONFIRMED' },
    userErrors: [],
  });
  const paid = await orderNow(placed.order.id);
  expect(paid.payments[0]).toMatchObject({
    status: 'CAPTURED',
    capturedAmount: { amount: placed.order.total.amount },
  });
  // The same reference after the money came: it is the one the buyer was given.
  expect(paid.payments[0].transferReference).toBe(order.payments[0].transferReference);
});

it('ships a cash-on-delivery order at once and records the cash when it is collected', async () => {
  const placed = await checkout('offline-cod-00001', { method: 'CASH_ON_DELIVERY' });
  expect(placed.userErrors).toEqual([]);
  expect(placed.order.status).toBe('CONFIRMED');
  const order = await orderNow(placed.order.id);
  expect(order.statusHistory.map((h: { status: string }) => h.status)).toEqual([
    'PENDING',
    'CONFIRMED',
  ]);
  expect(order.payments[0]).toMatchObject({
    status: 'AUTHORIZED',
    method: 'CASH_ON_DELIVERY',
    transferReference: null,
  });

  expect(await capture(placed.order.id)).toEqual({
    order: { status: 'CONFIRMED' },
    userErrors: [],
  });
  expect((await orderNow(placed.order.id)).payments[0]).toMatchObject({
    status: 'CAPTURED',
    capturedAmount: { amount: placed.order.total.amount },
  });
  // A second recording is the first one again, not twice the cash.
  expect((await capture(placed.order.id)).userErrors).toEqual([]);
  expect((await orderNow(placed.order.id)).payments[0].capturedAmount.amount).toBe(
    placed.order.total.amount,
  );
});

it('refuses a card payment without a token and an offline one with a token, placing nothing', async () => {
  const before = await stockOf(platform, SKU);
  const noToken = await checkout('offline-bad-00001', { method: 'CARD' });
  expect(noToken.order).toBeNull();
  expect(noToken.userErrors).toEqual([
    expect.objectContaining({ field: ['input', 'payment', 'token'] }),
  ]);
  const withToken = await checkout('offline-bad-00002', {
    method: 'BANK_TRANSFER',
    token: 'tok_visa',
  });
  expect(withToken.order).toBeNull();
  expect(withToken.userErrors).toEqual([
    expect.objectContaining({ field: ['input', 'payment', 'token'] }),
  ]);
  expect(await stockOf(platform, SKU)).toEqual(before);
});
