import { confirmedOrder, eventually, mutate, orderFulfillment } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { subscribeWs, wsClient } from './support/subscriptions';
import {
  pickAndPack,
  SHIP,
  stockTwoWarehouses,
  type TwoWarehouses,
} from './support/warehouse-floor';

/**
 * The sandbox carriers behave like a real carrier after it sold a label: nobody posts the
 * tracking events here; the carrier network moves the parcel a step a second and signs
 * each step to the shop's webhook, and the order reaches DELIVERED by itself.
 */
let platform: TestPlatform;
let goods: TwoWarehouses;

beforeAll(async () => {
  process.env.SHIPPING_SANDBOX_STEP_SECONDS = '1';
  process.env.SHIPPING_SANDBOX_TICK_MS = '200';
  platform = await startTestPlatform('sandbox_journey', { background: true });
  goods = await stockTwoWarehouses(platform);
});

afterAll(async () => {
  await platform?.stop();
  delete process.env.SHIPPING_SANDBOX_STEP_SECONDS;
  delete process.env.SHIPPING_SANDBOX_TICK_MS;
});

it('delivers a shipped parcel by itself: in transit, out for delivery, delivered, each seen live', async () => {
  const orderId = await confirmedOrder(platform, [{ variantId: goods.tee, quantity: 1 }]);
  const assigned = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillments?.[0]?.status === 'ASSIGNED',
  );
  const fulfillment = assigned.fulfillments[0];
  const client = wsClient(platform.router.url);
  const live = subscribeWs(
    client,
    `subscription ($id: ID!) { orderUpdated(id: $id) { status shipments { status } } }`,
    { id: orderId },
  );
  const seen: string[] = [];
  const watching = (async () => {
    for (;;) {
      const event = await live.next(30_000).catch(() => null);
      const order = event?.data?.orderUpdated;
      if (!order) return;
      const step = `${order.status}/${order.shipments?.[0]?.status ?? '-'}`;
      if (seen.at(-1) !== step) seen.push(step);
      if (order.status === 'DELIVERED') return;
    }
  })();

  await pickAndPack(platform, fulfillment);
  const shipped = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
  expect(shipped.userErrors).toEqual([]);

  const delivered = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.status === 'DELIVERED',
    30_000,
  );
  expect(delivered.shipments[0].status).toBe('DELIVERED');
  expect(delivered.shipments[0].trackingEvents.map((e: { status: string }) => e.status)).toEqual(
    expect.arrayContaining(['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']),
  );
  await watching;
  await live.close();
  await client.dispose();
  // The subscriber saw the parcel move in order, ending delivered.
  const shipmentSteps = seen
    .map((s) => s.split('/')[1])
    .filter((s, i, all) => s !== '-' && s !== all[i - 1]);
  const journey = ['LABEL_PURCHASED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED'];
  // In order (a step may pass between two events the subscriber gets), ending delivered.
  expect(shipmentSteps).toEqual(journey.filter((s) => shipmentSteps.includes(s)));
  expect(seen.at(-1)).toBe('DELIVERED/DELIVERED');

  // Every step was taken once (the label's own event first), and the carrier's tracking
  // API answers where the parcel is.
  const events = await platform.subgraphs.shipping!.dataSource.query(
    `SELECT status FROM shipping.tracking_event ORDER BY occurred_at, id`,
  );
  expect(events.map((e: { status: string }) => e.status)).toEqual([
    'LABEL_PURCHASED',
    'IN_TRANSIT',
    'OUT_FOR_DELIVERY',
    'DELIVERED',
  ]);
}, 90_000);
