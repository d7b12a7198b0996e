import { dataOf } from '../platform/testing/graphql-client';
import { IDENTITY_HEADER } from '../platform/identity';
import { watchOutgoingRequests } from './support/outgoing-requests';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
  setPrice,
} from './support/shop';

/**
 * Checkout takes the unit prices cartCreate was given instead of asking pricing again, and
 * only when its final quote proves them current (subgraphs/orders/README.md, "Asked once"):
 * a price changed between cart and checkout is charged at the new price (or refused with
 * the buyer's expectedTotal), and a cart whose lines changed is priced afresh.
 */
let platform: TestPlatform;
let lamp: { id: string; sku: string };
let shade: { id: string; sku: string };
/** Calls a subgraph made to pricing as itself (service-client), not the router's. */
const pricingCalls: string[] = [];
let stopWatching: () => void = () => {};

beforeAll(async () => {
  platform = await startTestPlatform('quote-reuse');
  const product = await createProduct(platform, 'Reuse Lamp', [
    { sku: 'REUSE-LAMP', price: 4000 },
    { sku: 'REUSE-SHADE', price: 1500 },
  ]);
  [lamp, shade] = product.variants as [typeof lamp, typeof shade];
  const warehouse = await createWarehouse(platform, 'REUSE-1');
  await receiveStock(platform, lamp.sku, warehouse, 100);
  await receiveStock(platform, shade.sku, warehouse, 100);
  const pricingUrl = platform.subgraphUrls.pricing;
  stopWatching = watchOutgoingRequests((request) => {
    if (request.url !== pricingUrl) return;
    const identity = request.headers[IDENTITY_HEADER];
    const signed = identity && JSON.parse(Buffer.from(identity, 'base64url').toString('utf8'));
    if (signed?.viewer?.kind === 'service') pricingCalls.push(request.url);
  });
});

afterAll(async () => {
  stopWatching();
  await platform?.stop();
});

async function checkout(cartId: string, key: string, expectedTotal?: object) {
  pricingCalls.length = 0;
  return dataOf(
    await platform.query(
      `mutation ($input: CheckoutInput!) { checkout(input: $input) {
        order { id total { amount currency } subtotal { amount } lines { sku quantity unitPrice { amount } } }
        userErrors { field code message }
      } }`,
      { input: { ...checkoutInput(cartId, key), expectedTotal } },
    ),
  ).checkout;
}

async function costOf(cartId: string): Promise<number> {
  return dataOf(
    await platform.query(
      `query ($id: ID!) { cart(id: $id) { cost(countryCode: "DE") { total { amount } } } }`,
      { id: cartId },
    ),
  ).cart.cost.total.amount;
}

describe('checkout reusing the prices cartCreate was given', () => {
  it('asks pricing once (the final quote) when nothing changed', async () => {
    const cartId = await cartWith(platform, [
      { variantId: lamp.id, quantity: 1 },
      { variantId: shade.id, quantity: 2 },
    ]);
    const shown = await costOf(cartId);
    const placed = await checkout(cartId, 'reuse-unchanged-1');
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.total.amount).toBe(shown);
    expect(placed.order.subtotal.amount).toBe(4000 + 2 * 1500);
    expect(pricingCalls).toHaveLength(1);
  });

  it('charges a price changed since cartCreate at the new price, asking pricing again', async () => {
    await setPrice(platform, lamp.id, lamp.sku, 'EUR', 4000);
    const cartId = await cartWith(platform, [{ variantId: lamp.id, quantity: 1 }]);
    await setPrice(platform, lamp.id, lamp.sku, 'EUR', 4400);
    const now = await costOf(cartId);
    const placed = await checkout(cartId, 'reuse-price-changed-1');
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.lines).toEqual([
      { sku: lamp.sku, quantity: 1, unitPrice: { amount: 4400 } },
    ]);
    expect(placed.order.subtotal.amount).toBe(4400);
    expect(placed.order.total.amount).toBe(now);
    // The kept look was disproved by the final quote: priced afresh (look and final).
    expect(pricingCalls.length).toBeGreaterThanOrEqual(3);
    await setPrice(platform, lamp.id, lamp.sku, 'EUR', 4000);
  });

  it('refuses with PRICE_CHANGED when the buyer was shown the old total', async () => {
    const cartId = await cartWith(platform, [{ variantId: shade.id, quantity: 1 }]);
    const shown = await costOf(cartId);
    await setPrice(platform, shade.id, shade.sku, 'EUR', 1800);
    const refused = await checkout(cartId, 'reuse-expected-1', { amount: shown, currency: 'EUR' });
    expect(refused.order).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code: 'PRICE_CHANGED', field: ['expectedTotal'] }),
    ]);
    await setPrice(platform, shade.id, shade.sku, 'EUR', 1500);
  });

  it('prices a cart whose lines changed afresh, at their new quantity', async () => {
    const cart = dataOf(
      await platform.query(
        `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id lines { id } } userErrors { code } } }`,
        { input: { lines: [{ variantId: shade.id, quantity: 1 }] } },
      ),
    ).cartCreate.cart;
    const updated = dataOf(
      await platform.query(
        `mutation ($cartId: ID!, $lines: [CartLineUpdateInput!]!) { cartLinesUpdate(cartId: $cartId, lines: $lines) { userErrors { code } } }`,
        { cartId: cart.id, lines: [{ id: cart.lines[0].id, quantity: 3 }] },
      ),
    ).cartLinesUpdate;
    expect(updated.userErrors).toEqual([]);
    const placed = await checkout(cart.id, 'reuse-lines-changed-1');
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.lines).toEqual([
      { sku: shade.sku, quantity: 3, unitPrice: { amount: 1500 } },
    ]);
    expect(placed.order.subtotal.amount).toBe(4500);
    expect(pricingCalls).toHaveLength(2);
  });
});
