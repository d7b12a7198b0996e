import {
  carrierWebhook,
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
} from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  PICK_LIST,
  pickAndPack,
  SHIP,
  stockTwoWarehouses,
  type TwoWarehouses,
} from './support/warehouse-floor';

let platform: TestPlatform;
let goods: TwoWarehouses;

beforeAll(async () => {
  platform = await startTestPlatform('fulfilparcels');
  goods = await stockTwoWarehouses(platform);
});

afterAll(async () => {
  await platform?.stop();
});

describe('fulfillment through the router: parcels', () => {
  it('an order stocked in two warehouses ships in two fulfillments; holds; a short pick is assigned again', async () => {
    // Berlin has 3 tees left and the mugs, Paris 20 tees and no mugs: no one warehouse serves it.
    const orderId = await confirmedOrder(platform, [
      { variantId: goods.mug, quantity: 1 },
      { variantId: goods.tee, quantity: 19 },
    ]);
    const assigned = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 2,
    );
    const byWarehouse = Object.fromEntries(
      assigned.fulfillments.map((f: { warehouse: { id: string }; lines: unknown[] }) => [
        f.warehouse.id,
        f.lines,
      ]),
    );
    expect(byWarehouse[goods.berlin]).toEqual([
      expect.objectContaining({ sku: 'FUL-MUG', quantity: 1 }),
    ]);
    expect(byWarehouse[goods.paris]).toEqual([
      expect.objectContaining({ sku: 'FUL-TEE', quantity: 19 }),
    ]);

    // A hold stops the wave; a release lets it go.
    const inParis = assigned.fulfillments.find(
      (f: { warehouse: { id: string } }) => f.warehouse.id === goods.paris,
    ).id;
    const held = await mutate(
      platform,
      `mutation ($input: FulfillmentHoldInput!) { fulfillmentHold(input: $input) { fulfillment { onHold holdReason } userErrors { code } } }`,
      { input: { fulfillmentId: inParis, reason: 'address check' } },
    );
    expect(held.fulfillment).toEqual({ onHold: true, holdReason: 'address check' });
    const none = await mutate(platform, PICK_LIST, { input: { warehouseId: goods.paris } });
    expect(none.userErrors).toEqual([{ code: 'NOTHING_TO_PICK' }]);
    const released = await mutate(
      platform,
      `mutation ($id: ID!) { fulfillmentRelease(fulfillmentId: $id) { fulfillment { onHold } userErrors { code } } }`,
      { id: inParis },
    );
    expect(released.fulfillment).toEqual({ onHold: false });
    const wave = await mutate(platform, PICK_LIST, { input: { warehouseId: goods.paris } });
    expect(wave.pickList.fulfillments).toEqual([{ id: inParis, status: 'PICKING' }]);

    // One goods.tee is not on the shelf: it goes back to the order and another warehouse takes it.
    const short = await mutate(
      platform,
      `mutation ($input: PickShortInput!) { pickShort(input: $input) { fulfillment { lines { shortQuantity } } userErrors { field code } } }`,
      { input: { fulfillmentId: inParis, sku: 'FUL-TEE', quantity: 1, reason: 'damaged' } },
    );
    expect(short).toEqual({ fulfillment: { lines: [{ shortQuantity: 1 }] }, userErrors: [] });
    const reassigned = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 3,
    );
    const extra = reassigned.fulfillments[2];
    expect(extra.warehouse.id).toBe(goods.berlin);
    expect(extra.lines).toEqual([expect.objectContaining({ sku: 'FUL-TEE', quantity: 1 })]);
    expect(reassigned.fulfillmentOrder.lines).toEqual([
      expect.objectContaining({ sku: 'FUL-MUG', assignedQuantity: 1 }),
      expect.objectContaining({ sku: 'FUL-TEE', assignedQuantity: 19 }),
    ]);
  });

  it('an order stocked in two warehouses ships in two shipments: two labels, two tracking numbers', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: goods.cap, quantity: 2 },
      { variantId: goods.sock, quantity: 3 },
    ]);
    const assigned = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 2,
    );
    const tracking: string[] = [];
    for (const fulfillment of assigned.fulfillments) {
      await pickAndPack(platform, fulfillment);
      const shipped = await mutate(platform, SHIP, {
        input: { fulfillmentId: fulfillment.id, weightGrams: 1200 },
      });
      expect(shipped.userErrors).toEqual([]);
      tracking.push(shipped.fulfillment.trackingNumber);
    }
    expect(new Set(tracking).size).toBe(2);
    const done = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.status === 'FULFILLED',
    );
    expect(done.shipments.map((s: { trackingNumber: string }) => s.trackingNumber).sort()).toEqual(
      [...tracking].sort(),
    );
    for (const shipment of done.shipments) {
      const res = await fetch(new URL(shipment.labelUrl, platform.subgraphUrls.shipping));
      expect(res.status).toBe(200);
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    }
    // Each parcel is delivered on its own; the order once both are.
    const [first, second] = done.shipments as { trackingNumber: string }[];
    await carrierWebhook(platform, 'DHL-sandbox', {
      trackingNumber: first!.trackingNumber,
      status: 'DELIVERED',
    });
    await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments.some((f: { status: string }) => f.status === 'DELIVERED'),
    );
    expect((await orderFulfillment(platform, orderId)).status).toBe('FULFILLED');
    await carrierWebhook(platform, 'DHL-sandbox', {
      trackingNumber: second!.trackingNumber,
      status: 'DELIVERED',
    });
    await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.status === 'DELIVERED',
    );
  });

  it('a weight of 0 or a carrier refusal ships nothing: the fulfillment stays PACKED, no label', async () => {
    const orderId = await confirmedOrder(platform, [{ variantId: goods.cap, quantity: 1 }], {
      name: 'Ada Lovelace',
      line1: 'FAIL-LABEL Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    });
    const [fulfillment] = (
      await eventually(
        () => orderFulfillment(platform, orderId),
        (o) => o.fulfillments?.length === 1,
      )
    ).fulfillments;
    await pickAndPack(platform, fulfillment);
    const weightless = await mutate(platform, SHIP, {
      input: { fulfillmentId: fulfillment.id, weightGrams: 0 },
    });
    expect(weightless.userErrors).toEqual([
      expect.objectContaining({ field: ['weightGrams'], code: 'WEIGHT_INVALID' }),
    ]);
    const refused = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ field: ['fulfillmentId'], code: 'LABEL_PURCHASE_FAILED' }),
    ]);
    expect(refused.userErrors[0].message).toMatch(/CARRIER_LABEL_FAILED/);
    const after = await orderFulfillment(platform, orderId);
    expect(after.fulfillments[0]).toMatchObject({ status: 'PACKED', trackingNumber: null });
    expect(after.shipments).toEqual([]);
    expect(after.status).toBe('CONFIRMED');
  });
});
