import { randomUUID } from 'node:crypto';
import { dataOf } from '../../platform/testing/graphql-client';
import { CheckoutDocument, type CommerceClient, MyLoyaltyDocument } from '../../sdk/node';
import type { Caller } from './accounts';
import { eventually } from './fulfillment';
import { ADDRESS } from './shop';

/** A customer's cart with `lines`, created with their own token. */
export async function cartOf(caller: Caller, lines: { variantId: string; quantity: number }[]) {
  const created = dataOf(
    await caller(
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }`,
      { input: { lines } },
    ),
  ).cartCreate;
  expect(created.userErrors).toEqual([]);
  return created.cart.id as string;
}

/** Checkout through the SDK, with loyalty's tenders when given. */
export async function checkoutWith(
  client: CommerceClient,
  cartId: string,
  loyalty?: { points?: number; giftCardCode?: string; giftCardAmount?: number },
  token = 'tok_visa',
) {
  const { checkout } = await client.request(CheckoutDocument, {
    input: {
      cartId,
      idempotencyKey: randomUUID(),
      email: 'loyal@example.com',
      shippingAddress: ADDRESS,
      payment: { token },
      ...(loyalty ? { loyalty } : {}),
    },
  });
  return checkout;
}

/** Staff capture: the order is CONFIRMED (orders announces it, loyalty remembers its amounts). */
export async function capture(staff: Caller, orderId: string) {
  const captured = dataOf(
    await staff(`mutation ($id: ID!) { orderCapture(id: $id) { userErrors { code } } }`, {
      id: orderId,
    }),
  ).orderCapture;
  expect(captured.userErrors).toEqual([]);
}

export async function loyaltyOf(client: CommerceClient) {
  return (await client.request(MyLoyaltyDocument, { first: 50 })).myLoyalty!;
}

/** Waits until the account's balance is `points` (events arrive after the request answers). */
export function balanceReaches(client: CommerceClient, points: number) {
  return eventually(
    () => loyaltyOf(client),
    (a) => a.pointsBalance === points,
    30_000,
  );
}
