import { dataOf } from '../platform/testing/graphql-client';
import { callerOf, customerToken, registerVerified, type Caller } from './support/accounts';
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
 * A customer saves a card once and pays with it again: the processor's vault token is kept
 * by payments (brand, last4, expiry shown), never a card number, and only its owner can
 * list, use or remove it.
 */
let platform: TestPlatform;
let variantId: string;
let ada: Caller;
let bob: Caller;
const SKU = 'MUG-1';

beforeAll(async () => {
  platform = await startTestPlatform('savedmethods', { background: true });
  variantId = (await createProduct(platform, 'Saved Mug', [{ sku: SKU, price: 1500 }])).variants[0]!
    .id;
  await receiveStock(platform, SKU, await createWarehouse(platform, 'SAVED-1'), 20);
  const anonymous = callerOf(() => platform.router.url, null);
  for (const [name, email] of [
    ['ada', 'ada.saved@example.com'],
    ['bob', 'bob.saved@example.com'],
  ] as const) {
    await registerVerified(anonymous, email, 'a long passphrase to save');
    const caller = callerOf(
      () => platform.router.url,
      await customerToken(anonymous, email, 'a long passphrase to save'),
    );
    if (name === 'ada') ada = caller;
    else bob = caller;
  }
});

afterAll(async () => {
  await platform?.stop();
});

const SAVE = `mutation ($token: String!) {
  paymentMethodSave(token: $token) {
    paymentMethod { id brand last4 expMonth expYear }
    userErrors { code field }
  }
}`;
const REMOVE = `mutation ($id: ID!) {
  paymentMethodRemove(id: $id) { paymentMethod { id } userErrors { code field } }
}`;
const MINE = `{ me { paymentMethods { id last4 } } }`;

async function checkoutAs(caller: Caller, key: string, savedMethodId: string) {
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  return dataOf(
    await caller(CHECKOUT, {
      input: {
        cartId,
        idempotencyKey: key,
        email: 'ada.saved@example.com',
        shippingAddress: ADDRESS,
        payment: { savedMethodId },
      },
    }),
  ).checkout;
}

const cardOf = async (orderId: string) =>
  dataOf(
    await ada(
      `query ($id: ID!) { order(id: $id) { payments { status method card { brand last4 } } } }`,
      {
        id: orderId,
      },
    ),
  ).order.payments;

it('saves a card once, lists it to its owner only, and pays two checkouts with it', async () => {
  const saved = dataOf(await ada(SAVE, { token: 'tok_visa' })).paymentMethodSave;
  expect(saved).toEqual({
    paymentMethod: {
      id: expect.any(String),
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2034,
    },
    userErrors: [],
  });
  const id = saved.paymentMethod.id;
  // The same token again is the same method.
  expect(dataOf(await ada(SAVE, { token: 'tok_visa' })).paymentMethodSave.paymentMethod.id).toBe(
    id,
  );
  expect(dataOf(await ada(MINE)).me.paymentMethods).toEqual([{ id, last4: '4242' }]);
  expect(dataOf(await bob(MINE)).me.paymentMethods).toEqual([]);

  for (const key of ['saved-first-0001', 'saved-second-001']) {
    const placed = await checkoutAs(ada, key, id);
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.status).toBe('PENDING');
    expect(await cardOf(placed.order.id)).toEqual([
      { status: 'AUTHORIZED', method: 'CARD', card: { brand: 'visa', last4: '4242' } },
    ]);
  }
});

it("refuses another customer's, a guest's, a removed and a declining saved card, placing nothing", async () => {
  const id = dataOf(await ada(SAVE, { token: 'tok_mastercard' })).paymentMethodSave.paymentMethod
    .id;
  const before = await stockOf(platform, SKU);

  const asBob = await checkoutAs(bob, 'saved-bob-000001', id);
  expect(asBob).toMatchObject({
    order: null,
    userErrors: [{ code: 'PAYMENT_METHOD_NOT_FOUND', field: ['payment'] }],
  });
  const asGuest = await checkoutAs(
    callerOf(() => platform.router.url, null),
    'saved-guest-0001',
    id,
  );
  expect(asGuest.userErrors[0].code).toBe('PAYMENT_METHOD_NOT_FOUND');
  // Bob cannot remove it either: to him it does not exist.
  expect(dataOf(await bob(REMOVE, { id })).paymentMethodRemove).toEqual({
    paymentMethod: null,
    userErrors: [{ code: 'PAYMENT_METHOD_NOT_FOUND', field: ['id'] }],
  });

  expect(dataOf(await ada(REMOVE, { id })).paymentMethodRemove.userErrors).toEqual([]);
  expect(dataOf(await ada(MINE)).me.paymentMethods.map((m: { id: string }) => m.id)).not.toContain(
    id,
  );
  const removed = await checkoutAs(ada, 'saved-removed-01', id);
  expect(removed.userErrors[0].code).toBe('PAYMENT_METHOD_NOT_FOUND');

  const declining = dataOf(await ada(SAVE, { token: 'tok_chargeDeclined' })).paymentMethodSave;
  expect(declining.paymentMethod.last4).toBe('0002');
  const declined = await checkoutAs(ada, 'saved-declined-1', declining.paymentMethod.id);
  expect(declined.userErrors[0].code).toBe('PAYMENT_DECLINED');

  expect(await stockOf(platform, SKU)).toEqual(before);
});

it('saves nothing for a bad token, and nothing for someone who is not a signed-in customer', async () => {
  expect(dataOf(await ada(SAVE, { token: 'tok_bogus' })).paymentMethodSave).toEqual({
    paymentMethod: null,
    userErrors: [{ code: 'PAYMENT_METHOD_NOT_SAVED', field: ['token'] }],
  });
  const anonymous = await callerOf(() => platform.router.url, null)(SAVE, { token: 'tok_visa' });
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
