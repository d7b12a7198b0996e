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
import { eventually } from './support/fulfillment';
import { expectLedgerConsistent, stockOf } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/** A return (RMA): requested → approved (label) → received (restock) → refunded. */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderreturns');
  shop = await stockChangeShop(platform, 'RET');
});

afterAll(async () => {
  await platform?.stop();
});

describe('returns', () => {
  it('returns one of two delivered lines: label, restock, partial refund; ledger and payment agree', async () => {
    const orderId = await deliveredOrder(platform, [
      { variantId: shop.small, quantity: 1 },
      { variantId: shop.mug, quantity: 1 },
    ]);
    const order = await orderView(platform, orderId);
    // 20.00 + 12.00 + 4.95 shipping.
    expect(order).toMatchObject({ status: 'DELIVERED', version: 1, total: { amount: 3695 } });
    const mugLine = order.lines.find((l: { sku: string }) => l.sku === 'RET-MUG');
    const onHandBefore = (await stockOf(platform, 'RET-MUG')).onHand;

    const client = wsClient(platform.router.url);
    const live = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) { version changes { kind status } } }`,
      { id: orderId },
    );
    // The order as it is, before any return.
    expect((await live.next()).data.orderUpdated).toEqual({ version: 1, changes: [] });
    const seen: string[] = [];
    const collecting = (async () => {
      for (;;) {
        const event = await live.next(30_000).catch(() => null);
        const changes = event?.data?.orderUpdated?.changes;
        if (!changes) return;
        const last = changes.at(-1)?.status;
        if (last && seen.at(-1) !== last) seen.push(last);
        if (last === 'REFUNDED') return;
      }
    })();

    const requested = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: mugLine.id, quantity: 1 }], reason: 'Chipped' },
    });
    expect(requested.userErrors).toEqual([]);
    expect(requested.change).toMatchObject({
      kind: 'RETURN',
      status: 'REQUESTED',
      reason: 'Chipped',
      items: [{ lineId: mugLine.id, sku: 'RET-MUG', quantity: 1, condition: null }],
      // What the buyer paid for the mug, to the cent.
      difference: { amount: -1200, currency: 'EUR' },
      returnLabel: null,
    });
    const id = requested.change.id;

    const approved = await run(platform, RETURN_APPROVE, { id });
    expect(approved.userErrors).toEqual([]);
    expect(approved.change.status).toBe('APPROVED');
    // Bought from shipping against the parcel the goods came in.
    expect(approved.change.returnLabel.trackingNumber).toMatch(/^RDHL\d+$/);
    const shipments = (
      await platform.query(
        `query ($id: ID!) { order(id: $id) { shipments { returnLabels { trackingNumber } } } }`,
        { id: orderId },
      )
    ).data!.order.shipments;
    expect(shipments[0].returnLabels).toEqual([
      { trackingNumber: approved.change.returnLabel.trackingNumber },
    ]);
    // Approving again buys no second label.
    expect((await run(platform, RETURN_APPROVE, { id })).change.returnLabel).toEqual(
      approved.change.returnLabel,
    );

    const received = await run(platform, RETURN_RECEIVE, {
      id,
      items: [{ lineId: mugLine.id, condition: 'RESTOCK' }],
    });
    expect(received.userErrors).toEqual([]);
    expect(received.change).toMatchObject({
      status: 'RECEIVED',
      items: [{ condition: 'RESTOCK' }],
    });
    // Inventory hears of it by event and puts the mug back with a ledger row.
    await eventually(
      () => stockOf(platform, 'RET-MUG'),
      (s) => s.onHand === onHandBefore + 1,
    );
    const returns = (await ledgerOf(platform, 'RET-MUG')).filter((m) => m.kind === 'RETURN');
    expect(returns).toEqual([
      expect.objectContaining({ onHandDelta: 1, reservedDelta: 0, reference: `return:${id}` }),
    ]);

    const settled = await run(platform, RETURN_SETTLE, { input: { id } });
    expect(settled.userErrors).toEqual([]);
    expect(settled.change.status).toBe('REFUNDED');
    expect(settled.order).toMatchObject({ version: 2, status: 'DELIVERED' });
    // A retry refunds nothing more.
    expect((await run(platform, RETURN_SETTLE, { input: { id } })).change.status).toBe('REFUNDED');

    const after = await orderView(platform, orderId);
    expect(after.payments).toEqual([
      expect.objectContaining({
        status: 'PARTIALLY_REFUNDED',
        capturedAmount: { amount: 3695 },
        refundedAmount: { amount: 1200 },
      }),
    ]);
    // The units back on the shelf and the money back are the returned line's, no more.
    const mugOnOrder = after.lines.find((l: { sku: string }) => l.sku === 'RET-MUG');
    expect(after.payments[0].refundedAmount.amount).toBe(mugOnOrder.lineTotal.amount);
    expect(returns.reduce((n, m) => n + m.onHandDelta, 0)).toBe(mugOnOrder.quantity);
    expect((await stockOf(platform, 'RET-MUG')).onHand).toBe(onHandBefore + 1);
    await expectLedgerConsistent(platform);

    await collecting;
    await live.close();
    await client.dispose();
    expect(seen).toEqual(['REQUESTED', 'APPROVED', 'RECEIVED', 'REFUNDED']);
  });

  it('a damaged item is refunded but not restocked', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.small, quantity: 2 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const onHand = (await stockOf(platform, 'RET-S')).onHand;
    const requested = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: line.id, quantity: 1 }], reason: 'Torn seam' },
    });
    const id = requested.change.id;
    expect(requested.change.difference.amount).toBe(-2000);
    await run(platform, RETURN_APPROVE, { id });
    const received = await run(platform, RETURN_RECEIVE, {
      id,
      items: [{ lineId: line.id, condition: 'DAMAGED' }],
    });
    expect(received.change.items).toEqual([expect.objectContaining({ condition: 'DAMAGED' })]);
    expect((await run(platform, RETURN_SETTLE, { input: { id } })).change.status).toBe('REFUNDED');
    expect((await orderView(platform, orderId)).payments[0].refundedAmount.amount).toBe(2000);
    expect((await ledgerOf(platform, 'RET-S')).filter((m) => m.kind === 'RETURN')).toEqual([]);
    expect((await stockOf(platform, 'RET-S')).onHand).toBe(onHand);
  });
});
