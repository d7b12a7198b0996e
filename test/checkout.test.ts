import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
} from './support/shop';

let platform: TestPlatform;
let variantId: string;
let otherVariantId: string;

const STOCK = `query ($sku: String!) {
  variant(sku: $sku) { availableQuantity inventoryItems { onHand reserved available } }
}`;

async function stockOf(sku: string) {
  return dataOf(await platform.query(STOCK, { sku })).variant;
}

async function ledger(
  sku: string,
): Promise<{ kind: string; on_hand_delta: number; reserved_delta: number }[]> {
  return platform.subgraphs.inventory!.dataSource.query(
    `SELECT kind, on_hand_delta, reserved_delta FROM inventory.stock_movement WHERE sku = $1 ORDER BY seq`,
    [sku],
  );
}

beforeAll(async () => {
  platform = await startTestPlatform('checkout');
  const product = await createProduct(platform, 'Canvas Tote', [
    { sku: 'TOTE-NAT', price: 2500 },
    { sku: 'TOTE-BLK', price: 2700 },
  ]);
  [variantId, otherVariantId] = product.variants.map((v) => v.id) as [string, string];
  const berlin = await createWarehouse(platform, 'BER-1');
  const paris = await createWarehouse(platform, 'PAR-1');
  await receiveStock(platform, 'TOTE-NAT', berlin, 3);
  await receiveStock(platform, 'TOTE-NAT', paris, 2);
  await receiveStock(platform, 'TOTE-BLK', berlin, 10);
});

afterAll(async () => {
  await platform?.stop();
});

describe('cart → checkout → order through the router', () => {
  it('places an order: stock reserved, payment authorized, cart closed', async () => {
    const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
    const added = dataOf(
      await platform.query(
        `mutation ($cartId: ID!, $lines: [CartLineInput!]!) {
          cartLinesAdd(cartId: $cartId, lines: $lines) {
            cart { totalQuantity cost { subtotal { amount currency } } lines { id sku quantity variant { product { name } } } }
            userErrors { code }
          }
        }`,
        {
          cartId,
          lines: [
            { variantId, quantity: 3 },
            { variantId: otherVariantId, quantity: 1 },
          ],
        },
      ),
    ).cartLinesAdd;
    expect(added.userErrors).toEqual([]);
    expect(added.cart.totalQuantity).toBe(5);
    expect(added.cart.cost.subtotal).toEqual({ amount: 4 * 2500 + 2700, currency: 'EUR' });
    expect(added.cart.lines[0].variant.product.name).toBe('Canvas Tote');

    const blackLine = added.cart.lines.find((l: { sku: string }) => l.sku === 'TOTE-BLK');
    const removed = dataOf(
      await platform.query(
        `mutation ($cartId: ID!, $ids: [ID!]!) { cartLinesRemove(cartId: $cartId, lineIds: $ids) { cart { totalQuantity } userErrors { code } } }`,
        { cartId, ids: [blackLine.id] },
      ),
    ).cartLinesRemove;
    expect(removed.cart.totalQuantity).toBe(4);

    const result = dataOf(
      await platform.query(CHECKOUT, { input: checkoutInput(cartId, 'checkout-happy-0001') }),
    ).checkout;
    expect(result.userErrors).toEqual([]);
    expect(result.order.status).toBe('PENDING');
    expect(result.order.total).toEqual({ amount: 10000, currency: 'EUR' });

    // Four units reserved across both warehouses; nothing has left the shelf yet.
    const stock = await stockOf('TOTE-NAT');
    expect(stock.availableQuantity).toBe(1);
    expect(
      stock.inventoryItems.reduce((n: number, i: { reserved: number }) => n + i.reserved, 0),
    ).toBe(4);
    expect(
      (await ledger('TOTE-NAT'))
        .filter((m) => m.kind === 'RESERVATION')
        .reduce((n, m) => n + m.reserved_delta, 0),
    ).toBe(4);

    const order = dataOf(
      await platform.query(
        `query ($id: ID!) { order(id: $id) {
          status email lines { sku quantity unitPrice { amount } variant { sku product { name } } }
          payments { status amount { amount currency } card { last4 } }
        } }`,
        { id: result.order.id },
      ),
    ).order;
    expect(order.lines).toEqual([
      {
        sku: 'TOTE-NAT',
        quantity: 4,
        unitPrice: { amount: 2500 },
        variant: { sku: 'TOTE-NAT', product: { name: 'Canvas Tote' } },
      },
    ]);
    expect(order.payments).toEqual([
      { status: 'AUTHORIZED', amount: { amount: 10000, currency: 'EUR' }, card: { last4: '4242' } },
    ]);

    const again = dataOf(
      await platform.query(`query ($id: ID!) { cart(id: $id) { checkedOut } }`, { id: cartId }),
    ).cart;
    expect(again.checkedOut).toBe(true);
  });

  it('returns the first order for a retried idempotency key, with no second effect', async () => {
    const cartId = await cartWith(platform, [{ variantId: otherVariantId, quantity: 1 }]);
    const input = checkoutInput(cartId, 'checkout-retry-0001');
    const first = dataOf(await platform.query(CHECKOUT, { input })).checkout;
    const second = dataOf(await platform.query(CHECKOUT, { input })).checkout;
    expect(second.order.id).toBe(first.order.id);
    expect((await stockOf('TOTE-BLK')).availableQuantity).toBe(9);
    const payments = await platform.subgraphs.payments!.dataSource.query(
      `SELECT count(*)::int AS n FROM payments.payment WHERE order_id = $1`,
      [first.order.id],
    );
    expect(payments[0].n).toBe(1);
  });

  it('gives the stock back when the card is declined or the provider fails', async () => {
    for (const [token, code] of [
      ['tok_chargeDeclined', 'PAYMENT_DECLINED'],
      ['tok_processingError', 'PAYMENT_FAILED'],
    ] as const) {
      const before = (await stockOf('TOTE-BLK')).availableQuantity;
      const cartId = await cartWith(platform, [{ variantId: otherVariantId, quantity: 2 }]);
      const result = dataOf(
        await platform.query(CHECKOUT, {
          input: checkoutInput(cartId, `checkout-${token}`, token),
        }),
      ).checkout;
      expect(result.order).toBeNull();
      expect(result.userErrors[0].code).toBe(code);
      expect((await stockOf('TOTE-BLK')).availableQuantity).toBe(before);
      const cart = dataOf(
        await platform.query(`query ($id: ID!) { cart(id: $id) { checkedOut } }`, { id: cartId }),
      ).cart;
      expect(cart.checkedOut).toBe(false);
    }
  });

  it('refuses more than is in stock with INSUFFICIENT_STOCK and reserves nothing', async () => {
    const before = await ledger('TOTE-BLK');
    const cartId = await cartWith(platform, [{ variantId: otherVariantId, quantity: 50 }]);
    const result = dataOf(
      await platform.query(CHECKOUT, { input: checkoutInput(cartId, 'checkout-too-many') }),
    ).checkout;
    expect(result.userErrors[0].code).toBe('INSUFFICIENT_STOCK');
    expect(await ledger('TOTE-BLK')).toEqual(before);
  });

  it('runs the lifecycle: capture confirms, fulfil ships the stock, delivery ends it', async () => {
    const cartId = await cartWith(platform, [{ variantId: otherVariantId, quantity: 2 }]);
    const placed = dataOf(
      await platform.query(CHECKOUT, { input: checkoutInput(cartId, 'checkout-lifecycle') }),
    ).checkout.order;
    const onHandBefore = (await stockOf('TOTE-BLK')).inventoryItems[0].onHand;
    const step = async (mutation: string) =>
      dataOf(
        await platform.query(
          `mutation ($id: ID!) { ${mutation}(id: $id) { order { status } userErrors { code } } }`,
          { id: placed.id },
        ),
      )[mutation];

    expect((await step('orderMarkDelivered')).userErrors[0].code).toBe('INVALID_ORDER_STATUS');
    expect((await step('orderCapture')).order.status).toBe('CONFIRMED');
    expect((await step('orderFulfill')).order.status).toBe('FULFILLED');
    expect((await step('orderMarkDelivered')).order.status).toBe('DELIVERED');

    const stock = await stockOf('TOTE-BLK');
    expect(stock.inventoryItems[0].onHand).toBe(onHandBefore - 2);
    const order = dataOf(
      await platform.query(
        `query ($id: ID!) { order(id: $id) { statusHistory { status } payments { status capturedAmount { amount } } } }`,
        {
          id: placed.id,
        },
      ),
    ).order;
    expect(order.statusHistory.map((s: { status: string }) => s.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'FULFILLED',
      'DELIVERED',
    ]);
    expect(order.payments[0]).toEqual({ status: 'CAPTURED', capturedAmount: { amount: 5400 } });
  });

  it('cancels a pending order: payment voided, stock released', async () => {
    const before = (await stockOf('TOTE-BLK')).availableQuantity;
    const cartId = await cartWith(platform, [{ variantId: otherVariantId, quantity: 1 }]);
    const placed = dataOf(
      await platform.query(CHECKOUT, { input: checkoutInput(cartId, 'checkout-cancel') }),
    ).checkout.order;
    expect((await stockOf('TOTE-BLK')).availableQuantity).toBe(before - 1);
    const cancelled = dataOf(
      await platform.query(
        `mutation ($id: ID!) { orderCancel(id: $id, reason: "customer asked") { order { status payments { status } } userErrors { code } } }`,
        {
          id: placed.id,
        },
      ),
    ).orderCancel;
    expect(cancelled.order).toEqual({ status: 'CANCELLED', payments: [{ status: 'VOIDED' }] });
    expect((await stockOf('TOTE-BLK')).availableQuantity).toBe(before);
  });

  it('keeps the ledger and the stock levels in agreement', async () => {
    const rows = await platform.subgraphs.inventory!.dataSource.query(`
      SELECT i.sku, i.on_hand, i.reserved, sum(m.on_hand_delta)::int AS moved, sum(m.reserved_delta)::int AS held
      FROM inventory.inventory_item i JOIN inventory.stock_movement m ON m.inventory_item_id = i.id
      GROUP BY i.id`);
    for (const row of rows) {
      expect(row.on_hand).toBe(row.moved);
      expect(row.reserved).toBe(row.held);
    }
  });
});
