import { dataOf } from '../platform/testing/graphql-client';
import {
  carrierWebhook,
  confirmedOrder,
  eventually,
  mutate,
  orderFulfillment,
} from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { subscribeWs, wsClient } from './support/subscriptions';
import {
  PACK,
  PICK_LIST,
  SCAN,
  SHIP,
  stockTwoWarehouses,
  type TwoWarehouses,
} from './support/warehouse-floor';

let platform: TestPlatform;
let goods: TwoWarehouses;

beforeAll(async () => {
  platform = await startTestPlatform('fulfillment');
  goods = await stockTwoWarehouses(platform);
});

afterAll(async () => {
  await platform?.stop();
});

describe('fulfillment through the router', () => {
  it('checkout → capture → fulfillment order by itself → pick → pack → ship → FULFILLED → DELIVERED', async () => {
    const orderId = await confirmedOrder(platform, [
      { variantId: goods.tee, quantity: 2 },
      { variantId: goods.mug, quantity: 1 },
    ]);
    const assigned = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.fulfillments?.length === 1,
    );
    // A customer's live view: each step waits until the subscriber saw it. The state is the
    // order's status, its fulfillments' and its shipments' (with the carrier's tracking).
    const seen: string[] = [];
    const client = wsClient(platform.router.url);
    const live = subscribeWs(
      client,
      `subscription ($id: ID!) { orderUpdated(id: $id) {
        status
        fulfillments { status trackingNumber }
        shipments { carrier trackingNumber status trackingEvents { status description } }
      } }`,
      { id: orderId },
    );
    const collecting = (async () => {
      for (;;) {
        const event = await live.next(30_000).catch(() => null);
        const order = event?.data?.orderUpdated;
        if (!order) return;
        const shipments = (order.shipments ?? []).map(
          (s: { carrier: string; trackingNumber: string; status: string }) =>
            `${s.status} ${s.carrier} ${s.trackingNumber.slice(0, 5)}`,
        );
        const state = [
          order.status,
          order.fulfillments.map((f: { status: string }) => f.status).join(','),
          ...shipments,
        ].join('/');
        if (seen.at(-1) !== state) seen.push(state);
      }
    })();
    const saw = (state: string) =>
      eventually(
        async () => seen,
        (s) => s.includes(state),
      );
    await saw('CONFIRMED/ASSIGNED');
    // Berlin holds both SKUs: one parcel, whichever warehouse checkout reserved in.
    const [fulfillment] = assigned.fulfillments;
    expect(fulfillment.warehouse.id).toBe(goods.berlin);
    expect(fulfillment.status).toBe('ASSIGNED');
    expect(assigned.fulfillmentOrder.status).toBe('IN_PROGRESS');

    const list = await mutate(platform, PICK_LIST, { input: { warehouseId: goods.berlin } });
    expect(list.userErrors).toEqual([]);
    expect(list.pickList.fulfillments).toEqual([{ id: fulfillment.id, status: 'PICKING' }]);
    await saw('CONFIRMED/PICKING');
    // Grouped per SKU and walked in bin order.
    expect(list.pickList.items).toEqual([
      { binLocation: 'A-01-3', sku: 'FUL-MUG', quantity: 1 },
      { binLocation: 'B-02-1', sku: 'FUL-TEE', quantity: 2 },
    ]);

    const stranger = await mutate(platform, SCAN, {
      input: { fulfillmentId: fulfillment.id, sku: 'NOT-ON-LIST' },
    });
    expect(stranger.userErrors).toEqual([{ field: ['sku'], code: 'SKU_NOT_ON_PICK_LIST' }]);
    const tooMany = await mutate(platform, SCAN, {
      input: { fulfillmentId: fulfillment.id, sku: 'FUL-MUG', quantity: 2 },
    });
    expect(tooMany.userErrors).toEqual([{ field: ['quantity'], code: 'OVER_PICK' }]);
    await mutate(platform, SCAN, { input: { fulfillmentId: fulfillment.id, sku: 'FUL-MUG' } });
    await mutate(platform, SCAN, { input: { fulfillmentId: fulfillment.id, sku: 'FUL-TEE' } });
    const picked = await mutate(platform, SCAN, {
      input: { fulfillmentId: fulfillment.id, sku: 'FUL-TEE' },
    });
    expect(picked.fulfillment.status).toBe('PICKED');
    await saw('CONFIRMED/PICKED');
    expect((await mutate(platform, PACK, { id: fulfillment.id })).fulfillment.status).toBe(
      'PACKED',
    );

    await saw('CONFIRMED/PACKED');
    const overShip = await mutate(platform, SHIP, {
      input: { fulfillmentId: fulfillment.id, lines: [{ sku: 'FUL-TEE', quantity: 3 }] },
    });
    expect(overShip.userErrors).toEqual([
      expect.objectContaining({ field: ['lines', '0', 'quantity'], code: 'SHIP_MORE_THAN_PICKED' }),
    ]);
    expect((await orderFulfillment(platform, orderId)).shipments).toEqual([]);

    const shipped = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(shipped.userErrors).toEqual([]);
    // Bought through shipping: DHL's sandbox numbers start 00340434.
    expect(shipped.fulfillment).toMatchObject({ status: 'SHIPPED', carrier: 'DHL-sandbox' });
    expect(shipped.fulfillment.trackingNumber).toMatch(/^00340434\d+$/);
    expect(
      Buffer.from(shipped.fulfillment.packingSlipPdf, 'base64').subarray(0, 5).toString(),
    ).toBe('%PDF-');
    // A retry buys no second label and ships nothing again.
    const retry = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(retry.fulfillment.trackingNumber).toBe(shipped.fulfillment.trackingNumber);
    const { shipments } = await orderFulfillment(platform, orderId);
    expect(shipments).toEqual([
      expect.objectContaining({
        id: shipped.fulfillment.shipmentId,
        carrier: 'DHL-sandbox',
        trackingNumber: shipped.fulfillment.trackingNumber,
        status: 'LABEL_PURCHASED',
      }),
    ]);
    // The label PDF is at its signed link.
    const pdf = Buffer.from(
      await (
        await fetch(new URL(shipments[0].labelUrl, platform.subgraphUrls.shipping))
      ).arrayBuffer(),
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const stock = dataOf(
      await platform.query(
        `{ variant(sku: "FUL-TEE") { inventoryItems { warehouse { id } onHand reserved } } }`,
      ),
    ).variant.inventoryItems;
    expect(stock).toEqual(
      expect.arrayContaining([{ warehouse: { id: goods.berlin }, onHand: 3, reserved: 0 }]),
    );

    const fulfilled = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.status === 'FULFILLED',
    );
    expect(fulfilled.fulfillmentOrder.status).toBe('SHIPPED');
    expect(
      fulfilled.fulfillmentOrder.lines.map((l: { shippedQuantity: number }) => l.shippedQuantity),
    ).toEqual([2, 1]);

    await saw(`FULFILLED/SHIPPED/LABEL_PURCHASED DHL-sandbox 00340`);

    // The carrier's webhooks: forged or for a parcel it never had, refused and nothing moves.
    const tracking = shipped.fulfillment.trackingNumber;
    expect(
      await carrierWebhook(
        platform,
        'DHL-sandbox',
        { trackingNumber: tracking, status: 'DELIVERED' },
        { secret: 'forged' },
      ),
    ).toEqual({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    expect(
      await carrierWebhook(platform, 'DHL-sandbox', {
        trackingNumber: '00340434999999999999',
        status: 'DELIVERED',
      }),
    ).toMatchObject({ status: 404, body: { error: { code: 'TRACKING_NUMBER_UNKNOWN' } } });
    expect(await orderFulfillment(platform, orderId)).toMatchObject({
      status: 'FULFILLED',
      shipments: [expect.objectContaining({ status: 'LABEL_PURCHASED' })],
    });
    for (const [status, description] of [
      ['IN_TRANSIT', 'Picked up by DHL'],
      ['OUT_FOR_DELIVERY', 'Out for delivery'],
      ['DELIVERED', 'Delivered'],
    ] as const) {
      const answer = await carrierWebhook(platform, 'DHL-sandbox', {
        trackingNumber: tracking,
        status,
        description,
      });
      expect(answer).toEqual({
        status: 200,
        body: expect.objectContaining({ outcome: 'APPLIED' }),
      });
      if (status !== 'DELIVERED') await saw(`FULFILLED/SHIPPED/${status} DHL-sandbox 00340`);
    }
    const delivered = await eventually(
      () => orderFulfillment(platform, orderId),
      (o) => o.status === 'DELIVERED',
    );
    expect(delivered.fulfillments[0].status).toBe('DELIVERED');
    await saw('DELIVERED/DELIVERED/DELIVERED DHL-sandbox 00340');
    await live.close();
    await client.dispose();
    await collecting;
    const steps = [
      'CONFIRMED/ASSIGNED',
      'CONFIRMED/PICKING',
      'CONFIRMED/PICKED',
      'CONFIRMED/PACKED',
      // The label is bought (shipping tells) before the fulfillment records SHIPPED.
      'CONFIRMED/PACKED/LABEL_PURCHASED DHL-sandbox 00340',
      'CONFIRMED/SHIPPED/LABEL_PURCHASED DHL-sandbox 00340',
      'FULFILLED/SHIPPED/LABEL_PURCHASED DHL-sandbox 00340',
      'FULFILLED/SHIPPED/IN_TRANSIT DHL-sandbox 00340',
      'FULFILLED/SHIPPED/OUT_FOR_DELIVERY DHL-sandbox 00340',
      // Shipping records the delivery before fulfillment hears of it.
      'FULFILLED/SHIPPED/DELIVERED DHL-sandbox 00340',
      'FULFILLED/DELIVERED/DELIVERED DHL-sandbox 00340',
      'DELIVERED/DELIVERED/DELIVERED DHL-sandbox 00340',
    ];
    // Every step the subscriber saw came in this order; the milestones it must have seen.
    expect(seen).toEqual(steps.filter((state) => seen.includes(state)));
    expect(seen).toEqual(
      expect.arrayContaining([
        'CONFIRMED/PICKED',
        'FULFILLED/SHIPPED/LABEL_PURCHASED DHL-sandbox 00340',
        'FULFILLED/SHIPPED/OUT_FOR_DELIVERY DHL-sandbox 00340',
        'DELIVERED/DELIVERED/DELIVERED DHL-sandbox 00340',
      ]),
    );
    const history = (await orderFulfillment(platform, orderId)).shipments[0].trackingEvents;
    expect(history.map((e: { description: string }) => e.description)).toEqual([
      'Label purchased with DHL-sandbox',
      'Picked up by DHL',
      'Out for delivery',
      'Delivered',
    ]);
  });
});
