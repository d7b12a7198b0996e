import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  deliveredOrder,
  ledgerOf,
  orderView,
  RETURN_APPROVE,
  RETURN_RECEIVE,
  RETURN_REQUEST,
  RETURN_SETTLE,
  run,
  stockChangeShop,
} from './support/changes';
import { carrierWebhook, eventually } from './support/fulfillment';
import { shipAll, warehouseView } from './support/change-shipping';
import { expectLedgerConsistent, stockOf } from './support/shop';

/**
 * Exchanges of orders delivered through the warehouse and the carrier: the returned size
 * comes back, the new one becomes an order line held on the order's reservation, the
 * difference is settled, and fulfillment picks and ships the replacement.
 */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderexchanges');
  shop = await stockChangeShop(platform, 'EXC');
});

afterAll(async () => {
  await platform?.stop();
});

async function exchange(orderId: string, lineId: string, variantId: string) {
  const requested = await run(platform, RETURN_REQUEST, {
    input: {
      orderId,
      items: [{ lineId, quantity: 1 }],
      reason: 'Too small',
      exchangeLines: [{ variantId, quantity: 1 }],
    },
  });
  expect(requested.userErrors).toEqual([]);
  return requested.change;
}

describe('exchanges', () => {
  it('M for L: the 5.00 difference is charged, the L shipped as a new line, M back on the shelf', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.medium, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const large = await stockOf(platform, 'EXC-L');
    const medium = await stockOf(platform, 'EXC-M');

    const change = await exchange(orderId, line.id, shop.large);
    expect(change).toMatchObject({
      kind: 'EXCHANGE',
      status: 'REQUESTED',
      items: [{ sku: 'EXC-M', quantity: 1 }],
      preview: {
        lines: [{ lineId: null, sku: 'EXC-L', quantity: 1, lineTotal: { amount: 2500 } }],
        shipping: { amount: 0 },
        total: { amount: 2500 },
      },
      // 25.00 for the L less the 20.00 paid for the M.
      difference: { amount: 500 },
    });
    const approved = await run(platform, RETURN_APPROVE, { id: change.id });
    expect(approved.change.status).toBe('APPROVED');
    // Delivered by a carrier, so the M goes back with one.
    expect(approved.change.returnLabel.trackingNumber).toEqual(expect.any(String));
    await run(platform, RETURN_RECEIVE, {
      id: change.id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    // More to pay and no card on file for it: the buyer gives one. Nothing is held meanwhile.
    const unpaid = await run(platform, RETURN_SETTLE, { input: { id: change.id } });
    expect(unpaid.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_REQUIRED', field: ['input', 'payment'] }),
    ]);
    expect(await stockOf(platform, 'EXC-L')).toEqual(large);
    const settled = await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_visa' } },
    });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('EXCHANGED');
    expect(settled.order.version).toBe(2);

    const after = await orderView(platform, orderId);
    const largeLine = after.lines.find((l: { sku: string }) => l.sku === 'EXC-L');
    expect(after.lines).toEqual([
      expect.objectContaining({ id: line.id, sku: 'EXC-M', quantity: 1 }),
      expect.objectContaining({ sku: 'EXC-L', quantity: 1, lineTotal: { amount: 2500 } }),
    ]);
    expect(settled.change.preview.lines).toEqual([
      expect.objectContaining({ lineId: largeLine.id, sku: 'EXC-L' }),
    ]);
    expect(after.payments).toHaveLength(2);
    expect(after.payments).toContainEqual(
      expect.objectContaining({
        status: 'CAPTURED',
        amount: { amount: 500 },
        capturedAmount: { amount: 500 },
      }),
    );
    expect(after.changes).toEqual([
      expect.objectContaining({
        kind: 'EXCHANGE',
        status: 'EXCHANGED',
        difference: { amount: 500 },
      }),
    ]);
    // The L is held on the order's own reservation, which fulfillment ships from.
    expect(await stockOf(platform, 'EXC-L')).toMatchObject({
      onHand: large.onHand,
      reserved: large.reserved + 1,
    });
    expect((await ledgerOf(platform, 'EXC-L')).at(-1)).toMatchObject({
      kind: 'RESERVATION',
      reservedDelta: 1,
      reference: `exchange:${change.id}:0`,
    });
    await eventually(
      () => stockOf(platform, 'EXC-M'),
      (s) => s.onHand === medium.onHand + 1,
    );

    const reopened = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.some((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    expect(reopened.fulfillmentOrder).toMatchObject({
      orderVersion: 2,
      status: 'IN_PROGRESS',
      lines: [
        { sku: 'EXC-M', quantity: 1, shippedQuantity: 1 },
        { sku: 'EXC-L', quantity: 1, assignedQuantity: 1, shippedQuantity: 0 },
      ],
    });
    const replacement = reopened.fulfillments.filter(
      (f: { status: string }) => f.status === 'ASSIGNED',
    );
    expect(replacement).toMatchObject([{ lines: [{ sku: 'EXC-L', quantity: 1 }] }]);
    const [parcel] = await shipAll(platform, replacement);
    expect(parcel!.status).toBe('SHIPPED');
    expect(await stockOf(platform, 'EXC-L')).toMatchObject({
      onHand: large.onHand - 1,
      reserved: large.reserved,
    });
    const answer = await carrierWebhook(platform, parcel!.carrier, {
      trackingNumber: parcel!.trackingNumber,
      status: 'DELIVERED',
    });
    expect(answer.status).toBe(200);
    await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder.status === 'DELIVERED',
    );
    expect((await orderView(platform, orderId)).status).toBe('DELIVERED');

    // Settling again charges nothing more and adds no line.
    await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_visa' } },
    });
    const again = await orderView(platform, orderId);
    expect(again.payments).toHaveLength(2);
    expect(again.lines).toHaveLength(2);
    await expectLedgerConsistent(platform);
  });

  it('a declined card gives the hold back; the next card holds and ships it', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const change = await exchange(orderId, line.id, shop.large);
    await run(platform, RETURN_APPROVE, { id: change.id });
    await run(platform, RETURN_RECEIVE, {
      id: change.id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    const large = await stockOf(platform, 'EXC-L');
    const declined = await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_chargeDeclined' } },
    });
    expect(declined.userErrors).toEqual([expect.objectContaining({ field: ['input', 'payment'] })]);
    expect(await stockOf(platform, 'EXC-L')).toEqual(large);
    const settled = await run(platform, RETURN_SETTLE, {
      input: { id: change.id, payment: { token: 'tok_visa' } },
    });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('EXCHANGED');
    expect((await stockOf(platform, 'EXC-L')).reserved).toBe(large.reserved + 1);
    const reopened = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.some((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    await shipAll(
      platform,
      reopened.fulfillments.filter((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    expect(await stockOf(platform, 'EXC-L')).toMatchObject({
      onHand: large.onHand - 1,
      reserved: large.reserved,
    });
    await expectLedgerConsistent(platform);
  });

  it('L for M: the difference is refunded and the M ships', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.large, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const change = await exchange(orderId, line.id, shop.medium);
    expect(change.difference.amount).toBe(-500);
    await run(platform, RETURN_APPROVE, { id: change.id });
    await run(platform, RETURN_RECEIVE, {
      id: change.id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    const settled = await run(platform, RETURN_SETTLE, { input: { id: change.id } });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('EXCHANGED');
    expect((await orderView(platform, orderId)).payments).toEqual([
      expect.objectContaining({ refundedAmount: { amount: 500 } }),
    ]);
    const reopened = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.some((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    const [parcel] = await shipAll(
      platform,
      reopened.fulfillments.filter((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    expect(parcel!.status).toBe('SHIPPED');
  });
});
