import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  CHANGE_FIELDS,
  type ChangeShop,
  confirmedOrder,
  deliveredOrder,
  orderView,
  run,
  stockChangeShop,
} from './support/changes';
import { dataOf } from '../platform/testing/graphql-client';
import { carrierWebhook, eventually } from './support/fulfillment';
import { shipAll, warehouseView } from './support/change-shipping';
import { expectLedgerConsistent, stockOf } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

/**
 * Claims for goods that shipped: a lost parcel is sent again (stock held, fulfillment
 * ships it, nothing more to pay), damaged goods are refunded to the cent (optionally sent
 * back with a label). Each claim is one versioned change, idempotent by its key.
 */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderclaims');
  shop = await stockChangeShop(platform, 'CLM');
});

afterAll(async () => {
  await platform?.stop();
});

const CLAIM = `mutation ($input: OrderClaimInput!) {
  orderClaimCreate(input: $input) { ${CHANGE_FIELDS.replace('reason failure', 'reason failure claimReason resolution')} } }`;

const claim = (input: Record<string, unknown>) =>
  run(platform, CLAIM, { input: { idempotencyKey: randomUUID(), ...input } });

/** Confirmed, picked, packed and shipped: FULFILLED, with the parcel in transit. */
async function shippedOrder(lines: { variantId: string; quantity: number }[]) {
  const orderId = await confirmedOrder(platform, lines);
  const assigned = await eventually(
    () => warehouseView(platform, orderId),
    (o) => o.fulfillments?.[0]?.status === 'ASSIGNED',
  );
  await shipAll(platform, assigned.fulfillments);
  await eventually(
    () => orderView(platform, orderId),
    (o) => o.status === 'FULFILLED',
  );
  return orderId;
}

describe('claims', () => {
  it('a parcel lost in transit is reshipped: held, picked and shipped, no second payment', async () => {
    const orderId = await shippedOrder([{ variantId: shop.medium, quantity: 2 }]);
    const before = await orderView(platform, orderId);
    const medium = await stockOf(platform, 'CLM-M');
    const input = {
      orderId,
      idempotencyKey: randomUUID(),
      reason: 'LOST',
      resolution: 'RESHIP',
      items: [{ lineId: before.lines[0].id, quantity: 2 }],
      note: 'Carrier lost it',
    };
    const claimed = await run(platform, CLAIM, { input });
    expect(claimed.userErrors).toEqual([]);
    expect(claimed.change).toMatchObject({
      kind: 'CLAIM',
      status: 'RESHIPPED',
      claimReason: 'LOST',
      resolution: 'RESHIP',
      orderVersion: 1,
      items: [{ lineId: before.lines[0].id, sku: 'CLM-M', quantity: 2 }],
      preview: { lines: [{ sku: 'CLM-M', quantity: 2, lineTotal: { amount: 0 } }] },
      difference: { amount: 0 },
    });
    expect(claimed.order.version).toBe(2);
    // A retry with the same key is the same claim: nothing held or added twice.
    const again = await run(platform, CLAIM, { input });
    expect(again.change.id).toBe(claimed.change.id);

    const after = await orderView(platform, orderId);
    expect(after.lines).toEqual([
      expect.objectContaining({ sku: 'CLM-M', quantity: 2, lineTotal: { amount: 4000 } }),
      expect.objectContaining({ sku: 'CLM-M', quantity: 2, lineTotal: { amount: 0 } }),
    ]);
    expect(claimed.change.preview.lines[0].lineId).toBe(after.lines[1].id);
    // The one payment of the checkout, nothing authorized, captured or refunded since.
    expect(after.payments).toEqual(before.payments);
    expect(await stockOf(platform, 'CLM-M')).toMatchObject({
      onHand: medium.onHand,
      reserved: medium.reserved + 2,
    });

    const reship = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillments?.some((f: { status: string }) => f.status === 'ASSIGNED'),
    );
    const parcels = reship.fulfillments.filter((f: { status: string }) => f.status === 'ASSIGNED');
    expect(parcels).toMatchObject([{ lines: [{ sku: 'CLM-M', quantity: 2 }] }]);
    const [parcel] = await shipAll(platform, parcels);
    expect(parcel!.status).toBe('SHIPPED');
    expect(await stockOf(platform, 'CLM-M')).toMatchObject({
      onHand: medium.onHand - 2,
      reserved: medium.reserved,
    });
    expect((await orderView(platform, orderId)).payments).toEqual(before.payments);
    await expectLedgerConsistent(platform);

    // The lost parcel never arrives; the reship does, and the order is delivered.
    const [lostParcel] = (await warehouseView(platform, orderId)).fulfillments.filter(
      (f: { id: string; status: string }) =>
        f.status === 'SHIPPED' && !parcels.some((p: { id: string }) => p.id === f.id),
    );
    const answer = await carrierWebhook(platform, parcel!.carrier, {
      trackingNumber: parcel!.trackingNumber,
      status: 'DELIVERED',
    });
    expect(answer.status).toBe(200);
    await eventually(
      () => orderView(platform, orderId),
      (o) => o.status === 'DELIVERED',
    );
    const lostAt = dataOf(
      await platform.query(`query ($id: ID!) { order(id: $id) { fulfillments { id lostAt } } }`, {
        id: orderId,
      }),
    ).order.fulfillments;
    expect(lostAt).toEqual(
      expect.arrayContaining([{ id: lostParcel.id, lostAt: expect.any(String) }]),
    );
  });

  it('damaged goods are refunded to the cent, with a return label when they come back', async () => {
    const orderId = await deliveredOrder(platform, [
      { variantId: shop.small, quantity: 3 },
      { variantId: shop.mug, quantity: 1 },
    ]);
    const order = await orderView(platform, orderId);
    const tee = order.lines.find((l: { sku: string }) => l.sku === 'CLM-S');
    const mug = order.lines.find((l: { sku: string }) => l.sku === 'CLM-MUG');
    expect(tee.lineTotal.amount).toBe(6000);
    const client = wsClient(platform.router.url);
    const live = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) { version changes { kind status } } }`,
      { id: orderId },
    );
    expect((await live.next()).data.orderUpdated).toEqual({ version: 1, changes: [] });

    const damaged = await claim({
      orderId,
      reason: 'DAMAGED',
      resolution: 'REFUND',
      returnItems: true,
      items: [{ lineId: tee.id, quantity: 1 }],
    });
    expect(damaged.userErrors).toEqual([]);
    expect(damaged.change).toMatchObject({
      status: 'REFUNDED',
      difference: { amount: -2000 },
      returnLabel: { trackingNumber: expect.any(String) },
    });
    const lost = await claim({
      orderId,
      reason: 'LOST',
      resolution: 'REFUND',
      items: [{ lineId: mug.id, quantity: 1 }],
    });
    expect(lost.change).toMatchObject({ status: 'REFUNDED', difference: { amount: -1200 } });
    expect(lost.order.version).toBe(3);
    // Subscribers see each claim resolved.
    for (;;) {
      const seen = (await live.next()).data.orderUpdated;
      if (seen.version === 3) {
        expect(seen.changes).toEqual([
          { kind: 'CLAIM', status: 'REFUNDED' },
          { kind: 'CLAIM', status: 'REFUNDED' },
        ]);
        break;
      }
    }
    await live.close();
    await client.dispose();
    const after = await orderView(platform, orderId);
    expect(after.payments).toEqual([expect.objectContaining({ refundedAmount: { amount: 3200 } })]);
    expect(after.lines).toHaveLength(2);
    expect(after.changes.map((c: { status: string }) => c.status)).toEqual([
      'REFUNDED',
      'REFUNDED',
    ]);

    // Claimed units are claimed once: two tees are left, and the mug is gone.
    const tooMany = await claim({
      orderId,
      reason: 'DAMAGED',
      resolution: 'REFUND',
      items: [{ lineId: tee.id, quantity: 3 }],
    });
    expect(tooMany.userErrors).toEqual([
      expect.objectContaining({
        code: 'CLAIM_QUANTITY_EXCEEDED',
        field: ['input', 'items', '0', 'quantity'],
      }),
    ]);
    expect((await orderView(platform, orderId)).payments[0].refundedAmount.amount).toBe(3200);
  });

  it('the same claim sent twice at once is one claim and one refund', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.large, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const input = {
      orderId,
      idempotencyKey: randomUUID(),
      reason: 'DAMAGED',
      resolution: 'REFUND',
      items: [{ lineId: line.id, quantity: 1 }],
    };
    const [first, second] = await Promise.all([
      run(platform, CLAIM, { input }),
      run(platform, CLAIM, { input }),
    ]);
    expect(first.change.id).toBe(second.change.id);
    const settled = await eventually(
      () => orderView(platform, orderId),
      (o) => o.changes[0]?.status === 'REFUNDED',
    );
    expect(settled.changes).toHaveLength(1);
    expect(settled.version).toBe(2);
    expect(settled.payments).toEqual([
      expect.objectContaining({ refundedAmount: { amount: 2500 } }),
    ]);
  });

  it('refuses a claim for goods that did not ship, or lost goods sent back', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.large, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const unshipped = await claim({
      orderId,
      reason: 'LOST',
      resolution: 'RESHIP',
      items: [{ lineId: line.id, quantity: 1 }],
    });
    expect(unshipped.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ORDER_STATUS', field: ['input', 'orderId'] }),
    ]);
    const shipped = await shippedOrder([{ variantId: shop.large, quantity: 1 }]);
    const shippedLine = (await orderView(platform, shipped)).lines[0];
    const back = await claim({
      orderId: shipped,
      reason: 'LOST',
      resolution: 'REFUND',
      returnItems: true,
      items: [{ lineId: shippedLine.id, quantity: 1 }],
    });
    expect(back.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'returnItems'] }),
    ]);
    expect((await orderView(platform, shipped)).changes).toEqual([]);
  });
});
