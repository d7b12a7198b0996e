import type { FulfillmentServices } from '../subgraphs/fulfillment/index';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  type ChangeShop,
  confirmedOrder,
  EDIT_COMMIT,
  orderView,
  previewEdit,
  run,
  stockChangeShop,
} from './support/changes';
import { eventually, warehouseIn } from './support/fulfillment';
import { shipAll, shippedTo, warehouseView } from './support/change-shipping';
import {
  cartWith,
  createProduct,
  expectLedgerConsistent,
  receiveStock,
  stockOf,
} from './support/shop';
import { dataOf } from '../platform/testing/graphql-client';
import { CONFIRM, PICK_LIST } from './support/warehouse-floor';

/**
 * Edits reach the warehouse through orders.order.changed only: added lines are assigned
 * and shipped, removed units leave the work nobody started, a new address is the label's.
 */
let platform: TestPlatform;
let shop: ChangeShop;

beforeAll(async () => {
  platform = await startTestPlatform('orderchangefulfillment');
  shop = await stockChangeShop(platform, 'OCF');
});

afterAll(async () => {
  await platform?.stop();
});

const assigned = (orderId: string, count = 1) =>
  eventually(
    () => warehouseView(platform, orderId),
    (o) =>
      o.fulfillments?.length === count &&
      o.fulfillments.every((f: { status: string }) => f.status === 'ASSIGNED'),
  );

async function commitEdit(input: Record<string, unknown>, payment?: Record<string, unknown>) {
  const change = await previewEdit(platform, input);
  const committed = await run(platform, EDIT_COMMIT, {
    input: { changeId: change.id, ...(payment ? { payment } : {}) },
  });
  expect(committed.userErrors).toEqual([]);
  return committed;
}

describe('order changes reach fulfillment', () => {
  it('an edit that adds a line: the line is assigned, picked and shipped', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    await assigned(orderId);
    const mug = await stockOf(platform, 'OCF-MUG');

    await commitEdit(
      { orderId, addLines: [{ variantId: shop.mug, quantity: 2 }] },
      { token: 'tok_visa' },
    );
    const after = await assigned(orderId, 2);
    expect(after.fulfillmentOrder).toMatchObject({
      orderVersion: 2,
      lines: [
        { sku: 'OCF-S', quantity: 1, assignedQuantity: 1 },
        { sku: 'OCF-MUG', quantity: 2, assignedQuantity: 2 },
      ],
    });
    const parcels = await shipAll(platform, after.fulfillments);
    expect(parcels.map((p) => p.status)).toEqual(['SHIPPED', 'SHIPPED']);
    expect(
      (
        await eventually(
          () => orderView(platform, orderId),
          (o) => o.status === 'FULFILLED',
        )
      ).status,
    ).toBe('FULFILLED');
    // The two mugs left the shelf and their hold: reserved is back where it was.
    expect(await stockOf(platform, 'OCF-MUG')).toMatchObject({
      onHand: mug.onHand - 2,
      reserved: mug.reserved,
    });
    await expectLedgerConsistent(platform);
  });

  it('an edit that changes the address: the label is bought for the new one', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.medium, quantity: 1 }]);
    await assigned(orderId);
    await commitEdit({
      orderId,
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: 'Karl-Marx-Allee 90',
        city: 'Berlin',
        postalCode: '10243',
        country: 'DE',
      },
    });
    const after = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder?.orderVersion === 2,
    );
    await shipAll(platform, after.fulfillments);
    expect(await shippedTo(platform, orderId)).toEqual([
      expect.objectContaining({ line1: 'Karl-Marx-Allee 90', postalCode: '10243', city: 'Berlin' }),
    ]);
  });

  it('an edit that changes the method: the label is bought from the new method’s carrier', async () => {
    const weighed = await run(
      platform,
      `mutation ($id: ID!) { productVariantUpdate(id: $id, input: { weightGrams: 400 }) { userErrors { code } } }`,
      { id: shop.mug },
    );
    expect(weighed.userErrors).toEqual([]);
    const amsterdam = {
      name: 'Ada Lovelace',
      line1: 'Damrak 1',
      city: 'Amsterdam',
      postalCode: '1012 LG',
      country: 'NL',
    };
    const orderId = await confirmedOrder(
      platform,
      [{ variantId: shop.mug, quantity: 1 }],
      amsterdam,
    );
    await assigned(orderId);
    const cartId = await cartWith(platform, [{ variantId: shop.mug, quantity: 1 }]);
    const options = dataOf(
      await platform.query(
        `query ($id: ID!) { cart(id: $id) { shippingOptions(countryCode: "NL") { method { id kind carrier } } } }`,
        { id: cartId },
      ),
    ).cart.shippingOptions as { method: { id: string; kind: string; carrier: string } }[];
    const express = options.find((o) => o.method.carrier === 'UPS-sandbox')!.method;
    await commitEdit({ orderId, shippingMethodId: express.id }, { token: 'tok_visa' });
    const after = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder?.orderVersion === 2,
    );
    const [parcel] = await shipAll(platform, after.fulfillments);
    expect(parcel!.carrier).toBe('UPS-sandbox');
  });

  it('an edit that takes units away before picking: the parcel ships only what is left', async () => {
    const small = await stockOf(platform, 'OCF-S');
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 3 }]);
    const before = await assigned(orderId);
    await commitEdit({
      orderId,
      updateLines: [{ lineId: (await orderView(platform, orderId)).lines[0].id, quantity: 1 }],
    });
    const after = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder?.orderVersion === 2,
    );
    expect(after.fulfillmentOrder.lines).toMatchObject([{ sku: 'OCF-S', quantity: 1 }]);
    expect(after.fulfillments).toMatchObject([
      { id: before.fulfillments[0].id, lines: [{ sku: 'OCF-S', quantity: 1 }] },
    ]);
    await shipAll(platform, after.fulfillments);
    expect(await stockOf(platform, 'OCF-S')).toMatchObject({
      onHand: small.onHand - 1,
      reserved: small.reserved,
    });
    await expectLedgerConsistent(platform);
  });

  it('an edit that takes away a split line’s smaller parcel: the hold moves to the parcel left', async () => {
    const product = await createProduct(platform, 'OCF Split', [{ sku: 'OCF-SPLIT', price: 1000 }]);
    const split = product.variants[0]!.id;
    const other = await warehouseIn(platform, 'OCF-HAM', 'DE');
    await receiveStock(platform, 'OCF-SPLIT', shop.warehouse, 1);
    await receiveStock(platform, 'OCF-SPLIT', other, 3);
    const orderId = await confirmedOrder(platform, [{ variantId: split, quantity: 4 }]);
    const before = await assigned(orderId, 2);
    expect(
      before.fulfillments
        .map((f: { lines: { quantity: number }[] }) => f.lines[0]!.quantity)
        .sort(),
    ).toEqual([1, 3]);
    await commitEdit({
      orderId,
      updateLines: [{ lineId: (await orderView(platform, orderId)).lines[0].id, quantity: 3 }],
    });
    const after = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder?.orderVersion === 2 && o.fulfillments.length === 1,
    );
    expect(after.fulfillments).toMatchObject([
      { warehouse: { id: other }, lines: [{ sku: 'OCF-SPLIT', quantity: 3 }] },
    ]);
    // Inventory gave the unit back where it had most; the hold follows the parcel, so it ships.
    const [parcel] = await shipAll(platform, after.fulfillments);
    expect(parcel!.status).toBe('SHIPPED');
    expect(await stockOf(platform, 'OCF-SPLIT')).toMatchObject({ onHand: 1, reserved: 0 });
    await expectLedgerConsistent(platform);
  });

  it('an edit that removes a line already picked: the parcel is held with the reason', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: shop.large, quantity: 1 },
      { variantId: shop.mug, quantity: 1 },
    ]);
    const [fulfillment] = (await assigned(orderId)).fulfillments;
    const list = await run(platform, PICK_LIST, { input: { warehouseId: shop.warehouse } });
    expect(list.pickList.fulfillments).toContainEqual({ id: fulfillment.id, status: 'PICKING' });
    const picked = await run(platform, CONFIRM, {
      input: {
        fulfillmentId: fulfillment.id,
        lines: fulfillment.lines.map((l: { sku: string; quantity: number }) => ({
          sku: l.sku,
          quantity: l.quantity,
        })),
      },
    });
    expect(picked.fulfillment.status).toBe('PICKED');
    const mugLine = (await orderView(platform, orderId)).lines.find(
      (l: { sku: string }) => l.sku === 'OCF-MUG',
    );
    await commitEdit({ orderId, updateLines: [{ lineId: mugLine.id, quantity: 0 }] });
    const held = await eventually(
      () => warehouseView(platform, orderId),
      (o) => o.fulfillmentOrder?.orderVersion === 2,
    );
    expect(held.fulfillmentOrder.lines).toContainEqual(
      expect.objectContaining({ sku: 'OCF-MUG', quantity: 0 }),
    );
    const [parcel] = held.fulfillments;
    expect(parcel.onHold).toBe(true);
    expect(parcel.holdReason).toContain('1 of OCF-MUG no longer ordered');
  });

  it('a redelivered or older change event changes nothing', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: shop.small, quantity: 1 }]);
    await assigned(orderId);
    await commitEdit(
      { orderId, addLines: [{ variantId: shop.mug, quantity: 1 }] },
      { token: 'tok_visa' },
    );
    const seen = await assigned(orderId, 2);
    const services = platform.subgraphs.fulfillment!.services as FulfillmentServices;
    const order = await orderView(platform, orderId);
    // The order as version 1 knew it (one line), delivered late, and version 2 again.
    const stale = {
      orderId,
      changeId: order.changes[0].id,
      kind: 'EDIT' as const,
      reservationId: '00000000-0000-0000-0000-000000000000',
      shippingAddress: { name: 'X', line1: 'Y', city: 'Z', postalCode: '1', country: 'DE' },
      shippingMethod: null,
      lines: [],
    };
    for (const version of [1, 2]) {
      const applied = await platform.subgraphs.fulfillment!.dataSource.transaction((tx) =>
        services.fulfillment.changes.apply(tx, { ...stale, version }),
      );
      expect(applied).toBe(false);
    }
    expect(await warehouseView(platform, orderId)).toEqual(seen);
  });
});
