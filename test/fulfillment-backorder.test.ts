import { dataOf } from '../platform/testing/graphql-client';
import {
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
  warehouseIn,
} from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, receiveStock } from './support/shop';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform('fulfillment-backorder');
});
afterAll(async () => {
  await platform?.stop();
});

describe('backorders', () => {
  it('accepts a backorderable line with stock 0, allocates it when stock arrives, ships it', async () => {
    const product = await createProduct(platform, 'Preorder Lamp', [
      { sku: 'BO-LAMP', price: 4900 },
    ]);
    const variantId = product.variants[0]!.id;
    const warehouse = await warehouseIn(platform, 'BO-BER', 'DE');
    const policy = await mutate(
      platform,
      `mutation ($input: BackorderPolicySetInput!) { backorderPolicySet(input: $input) { policy { sku expectedAt } userErrors { field code } } }`,
      { input: { sku: 'BO-LAMP', allowed: true, expectedAt: '2027-01-15' } },
    );
    expect(policy).toEqual({
      policy: { sku: 'BO-LAMP', expectedAt: '2027-01-15' },
      userErrors: [],
    });
    const shown = dataOf(
      await platform.query(
        `{ variant(sku: "BO-LAMP") { availableQuantity backorder { expectedAt } } }`,
      ),
    ).variant;
    expect(shown).toEqual({ availableQuantity: 0, backorder: { expectedAt: '2027-01-15' } });

    const orderId = await confirmedOrder(platform, [{ variantId, quantity: 2 }]);
    const waiting = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillmentOrder?.lines[0].backorderedQuantity === 2,
    );
    expect(waiting.fulfillmentOrder).toMatchObject({
      status: 'OPEN',
      lines: [{ sku: 'BO-LAMP', quantity: 2, assignedQuantity: 0, expectedAt: '2027-01-15' }],
    });
    expect(waiting.fulfillments).toEqual([]);

    await receiveStock(platform, 'BO-LAMP', warehouse, 5);
    const allocated = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 1,
    );
    expect(allocated.fulfillmentOrder.lines[0]).toMatchObject({
      assignedQuantity: 2,
      backorderedQuantity: 0,
      expectedAt: null,
    });
    const stock = dataOf(
      await platform.query(`{ variant(sku: "BO-LAMP") { inventoryItems { onHand reserved } } }`),
    ).variant.inventoryItems;
    expect(stock).toEqual([{ onHand: 5, reserved: 2 }]);

    const fulfillmentId = allocated.fulfillments[0].id;
    const list = await mutate(
      platform,
      `mutation ($input: PickListCreateInput!) { pickListCreate(input: $input) { pickList { id } userErrors { code } } }`,
      { input: { warehouseId: warehouse } },
    );
    expect(list.userErrors).toEqual([]);
    const confirmed = await mutate(
      platform,
      `mutation ($input: PickConfirmInput!) { pickConfirm(input: $input) { fulfillment { status } userErrors { code } } }`,
      { input: { fulfillmentId, lines: [{ sku: 'BO-LAMP', quantity: 2 }] } },
    );
    expect(confirmed.fulfillment.status).toBe('PICKED');
    await mutate(
      platform,
      `mutation ($id: ID!) { fulfillmentPack(fulfillmentId: $id) { userErrors { code } } }`,
      { id: fulfillmentId },
    );
    const shipped = await mutate(
      platform,
      `mutation ($input: FulfillmentShipInput!) { fulfillmentShip(input: $input) { fulfillment { status } userErrors { code } } }`,
      { input: { fulfillmentId } },
    );
    expect(shipped).toEqual({ fulfillment: { status: 'SHIPPED' }, userErrors: [] });
    await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.status === 'FULFILLED',
    );
  });

  it('a SKU without the policy is still refused beyond stock', async () => {
    const product = await createProduct(platform, 'Plain Lamp', [{ sku: 'BO-PLAIN', price: 4900 }]);
    const refused = await mutate(
      platform,
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } userErrors { code } } }`,
      { input: { lines: [{ variantId: product.variants[0]!.id, quantity: 1 }] } },
    );
    const checkout = await mutate(
      platform,
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }`,
      {
        input: {
          cartId: refused.cart.id,
          idempotencyKey: 'bo-plain-1',
          email: 'ada@example.com',
          shippingAddress: {
            name: 'Ada',
            line1: 'Unter den Linden 1',
            city: 'Berlin',
            postalCode: '10117',
            country: 'DE',
          },
          payment: { token: 'tok_visa' },
        },
      },
    );
    expect(checkout.order).toBeNull();
    expect(checkout.userErrors.map((e: { code: string }) => e.code)).toEqual([
      'INSUFFICIENT_STOCK',
    ]);
  });
});
