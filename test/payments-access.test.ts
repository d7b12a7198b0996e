import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { viewers } from '../platform/testing/harness';
import { bootstrapAdmin, callerOf, codeOf, staffToken as staffTokenOf } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, createProduct, createWarehouse, receiveStock } from './support/shop';

/**
 * Order.payments, with authorization enforced: payments asks orders (the owner of Order)
 * whether the caller may read the order, so card details reach only those orders lets in,
 * guests holding the order's access token included. Order.payments is nullable: with
 * payments down an order still comes back.
 */
const ADMIN = { email: 'payments-root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let staffToken: string;
let guest: { orderId: string; accessToken: string };

const as = (token: string | null) => callerOf(() => platform.router.url, token);

const PAYMENTS_OF = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Order { id payments { status amount { amount } card { last4 } } }
  }
}`;

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('payments_access', { authorization: 'enforced' });
  staffToken = await staffTokenOf(as(null), ADMIN.email, ADMIN.password);
  const admin = { ...platform, query: as(staffToken) } as TestPlatform;
  const variantId = (await createProduct(admin, 'Card Wallet', [{ sku: 'WAL-1', price: 2500 }]))
    .variants[0]!.id;
  await receiveStock(admin, 'WAL-1', await createWarehouse(admin, 'PAY-1'), 10);

  const cart = dataOf(
    await as(null)(
      `mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }] }) { cart { id } } }`,
      { v: variantId },
    ),
  ).cartCreate.cart;
  const checkout = dataOf(
    await as(null)(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } orderAccessToken userErrors { code } } }`,
      {
        input: {
          cartId: cart.id,
          idempotencyKey: randomUUID(),
          email: 'guest@example.com',
          shippingAddress: ADDRESS,
          payment: { token: 'tok_visa' },
        },
      },
    ),
  ).checkout;
  expect(checkout.userErrors).toEqual([]);
  guest = { orderId: checkout.order.id, accessToken: checkout.orderAccessToken };
});

afterAll(async () => {
  clearAdmin();
  await platform?.stop();
});

describe('Order.payments asks orders who may read the order', () => {
  const ORDER = `query ($id: ID!, $t: String) {
    order(id: $id, accessToken: $t) { id payments { status amount { amount } card { last4 } } }
  }`;
  // The order's total: the wallet and shipping to Germany.
  const payment = { status: 'AUTHORIZED', amount: { amount: 2995 }, card: { last4: '4242' } };

  it('shows a guest holding the access token the payments of that order, through the router', async () => {
    const answer = dataOf(await as(null)(ORDER, { id: guest.orderId, t: guest.accessToken }));
    expect(answer.order).toEqual({ id: guest.orderId, payments: [payment] });
  });

  it('shows staff with orders:manage the payments, through the router', async () => {
    const answer = dataOf(await as(staffToken)(ORDER, { id: guest.orderId }));
    expect(answer.order.payments).toEqual([payment]);
  });

  it('answers an anonymous or foreign signed _entities call without the payments', async () => {
    const representations = [{ __typename: 'Order', id: guest.orderId }];
    for (const viewer of [viewers.anonymous, viewers.customer(randomUUID())]) {
      const answer = await postGraphQL(
        platform.subgraphUrls.payments!,
        PAYMENTS_OF,
        { representations },
        { viewer },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data!._entities).toEqual([null]);
    }
  });

  it('refuses a forged access grant, and accepts the real one', async () => {
    const call = (accessGrant: string) =>
      postGraphQL(
        platform.subgraphUrls.payments!,
        PAYMENTS_OF,
        { representations: [{ __typename: 'Order', id: guest.orderId, accessGrant }] },
        { viewer: viewers.anonymous },
      );
    expect(dataOf(await call('forged-grant'))._entities).toEqual([null]);
    expect(dataOf(await call(guest.accessToken))._entities[0].payments).toEqual([payment]);
  });

  it('keeps the order when payments is down: payments null with an error', async () => {
    await platform.subgraphs.payments!.stop();
    const answer = await as(null)(
      `query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id payments { status } } }`,
      { id: guest.orderId, t: guest.accessToken },
    );
    expect(answer.data!.order).toEqual({ id: guest.orderId, payments: null });
    expect(codeOf(answer)).toBe('UPSTREAM_UNAVAILABLE');
  });
});
