import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ADDRESS,
  cartWith,
  createProduct,
  createWarehouse,
  receiveStock,
  stockOf,
} from './support/shop';

/**
 * A card whose bank asks for 3-D Secure: checkout answers PAYMENT_ACTION_REQUIRED with
 * the challenge page and holds nothing; the buyer answers it at the (sandbox) bank; the
 * same checkout again places the order. A failed or expired challenge declines.
 */
let platform: TestPlatform;
let variantId: string;
const SKU = 'VASE-1';

beforeAll(async () => {
  platform = await startTestPlatform('threeds');
  variantId = (await createProduct(platform, 'Secure Vase', [{ sku: SKU, price: 3000 }]))
    .variants[0]!.id;
  await receiveStock(platform, SKU, await createWarehouse(platform, 'SECURE-1'), 10);
});

afterAll(async () => {
  await platform?.stop();
});

const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutInput!) {
    checkout(input: $input) {
      order {
        id
        status
        payments {
          status
          card {
            last4
          }
        }
      }
      paymentAction {
        url
        expiresAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

const checkout = async (cartId: string, key: string) =>
  dataOf(
    await platform.query(CHECKOUT, {
      input: {
        cartId,
        idempotencyKey: key,
        email: 'secure@example.com',
        shippingAddress: ADDRESS,
        payment: { token: 'tok_threeDSecureRequired' },
      },
    }),
  ).checkout;

/** The bank's page as the buyer's browser reaches it (the sandbox's, on payments). */
function bankPage(actionUrl: string): string {
  return new URL(new URL(actionUrl).pathname, platform.subgraphUrls.payments).toString();
}

async function answer(actionUrl: string, code: string) {
  const response = await fetch(bankPage(actionUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: (await response.json()) as { outcome: string } };
}

async function challenged(key: string) {
  const before = await stockOf(platform, SKU);
  const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
  const first = await checkout(cartId, key);
  expect(first.order).toBeNull();
  expect(first.userErrors).toEqual([
    expect.objectContaining({ code: 'PAYMENT_ACTION_REQUIRED', field: ['payment'] }),
  ]);
  expect(first.paymentAction.url).toMatch(/\/sandbox\/3ds\/acs_sandbox_[0-9a-f]{24}$/);
  expect(Date.parse(first.paymentAction.expiresAt)).toBeGreaterThan(Date.now());
  // Nothing is held while the buyer is at the bank.
  expect(await stockOf(platform, SKU)).toEqual(before);
  return { cartId, action: first.paymentAction as { url: string }, before };
}

it('places the order once the buyer passed the challenge, with the same key', async () => {
  const { cartId, action, before } = await challenged('threeds-pass-0001');
  const page = await fetch(bankPage(action.url));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('One-time code');
  expect(await answer(action.url, '123456')).toEqual({
    status: 200,
    body: expect.objectContaining({ outcome: 'PASSED' }),
  });
  // Answered once: a second answer changes nothing.
  expect((await answer(action.url, '000000')).body.outcome).toBe('ANSWERED');

  const placed = await checkout(cartId, 'threeds-pass-0001');
  expect(placed.userErrors).toEqual([]);
  expect(placed.order).toMatchObject({
    status: 'PENDING',
    payments: [{ status: 'AUTHORIZED', card: { last4: '3220' } }],
  });
  expect((await stockOf(platform, SKU)).available).toBe(before.available - 1);
});

it('declines after a failed challenge, and places nothing', async () => {
  const { cartId, action, before } = await challenged('threeds-fail-0001');
  expect((await answer(action.url, '999999')).body.outcome).toBe('FAILED');
  const retried = await checkout(cartId, 'threeds-fail-0001');
  expect(retried.order).toBeNull();
  expect(retried.userErrors).toEqual([
    expect.objectContaining({
      code: 'PAYMENT_DECLINED',
      message: expect.stringMatching(/3-D Secure/),
    }),
  ]);
  expect(await stockOf(platform, SKU)).toEqual(before);
});

it('declines an expired challenge with its reason, and places nothing', async () => {
  const { cartId, action, before } = await challenged('threeds-late-0001');
  // The bank's clock runs past the challenge's expiry (its state is the sandbox's own).
  await platform.subgraphs.payments!.dataSource.query(
    `UPDATE card_sandbox.challenge SET expires_at = now() - interval '1 second'`,
  );
  expect(await answer(action.url, '123456')).toEqual({
    status: 410,
    body: expect.objectContaining({ outcome: 'EXPIRED' }),
  });
  const retried = await checkout(cartId, 'threeds-late-0001');
  expect(retried.order).toBeNull();
  expect(retried.userErrors).toEqual([
    expect.objectContaining({
      code: 'PAYMENT_DECLINED',
      message: expect.stringMatching(/expired/),
    }),
  ]);
  expect(await stockOf(platform, SKU)).toEqual(before);
});
