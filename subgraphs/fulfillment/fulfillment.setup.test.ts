import { randomUUID } from 'node:crypto';
import { createPubSub, type PubSubHandle } from '../../platform/pubsub';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { ORDER_CONFIRMED_TOPIC, type OrderConfirmedEvent } from '../../platform/topics';
import { fulfillmentSubgraph, type FulfillmentServices } from './index';

let t: TestSubgraph<FulfillmentServices>;
let pubsub: PubSubHandle;
const staff = { viewer: viewers.staff(['fulfillment:manage']) };
const warehouseId = randomUUID();

beforeAll(async () => {
  pubsub = createPubSub(undefined, `fulfillment-setup-${process.pid}`);
  // No inventory here: assignment fails after the fulfillment order committed, as in an outage.
  t = await startSubgraphForTest(fulfillmentSubgraph, { pubsub, background: false });
});
afterAll(async () => {
  await t?.stop();
  await pubsub?.close();
});

const BIN = `mutation ($input: BinSetInput!) { binSet(input: $input) { bin { sku location } userErrors { field code } } }`;

describe('fulfillment subgraph', () => {
  it('keeps bins per warehouse and SKU, refusing a bad location with its field', async () => {
    const set = await t.data(
      BIN,
      { input: { warehouseId, sku: 'SKU-1', location: 'b-02-1' } },
      staff,
    );
    expect(set.binSet).toEqual({ bin: { sku: 'SKU-1', location: 'B-02-1' }, userErrors: [] });
    const bad = await t.data(
      BIN,
      { input: { warehouseId, sku: 'SKU-1', location: 'no bin!' } },
      staff,
    );
    expect(bad.binSet.userErrors).toEqual([{ field: ['location'], code: 'INVALID_BIN' }]);
    const { bins } = await t.data(
      `query ($id: ID!) { bins(warehouseId: $id) { sku location } }`,
      { id: warehouseId },
      staff,
    );
    expect(bins).toEqual([{ sku: 'SKU-1', location: 'B-02-1' }]);
  });

  it('is for fulfillment staff: UNAUTHENTICATED anonymous, FORBIDDEN without the permission', async () => {
    const query = `{ warehouseCapacities { ordersPerSlot } }`;
    const anonymous = await t.gql(query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await t.gql(query, {}, { viewer: viewers.customer(randomUUID()) });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = await t.gql(query, {}, { viewer: viewers.staff(['orders:manage']) });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('creates one fulfillment order per confirmed order, however often the event arrives', async () => {
    const event: OrderConfirmedEvent & { eventId: string } = {
      eventId: `orders:${randomUUID()}`,
      orderId: randomUUID(),
      customerId: null,
      currency: 'EUR',
      reservationId: randomUUID(),
      shippingAddress: {
        name: 'Ada',
        line1: 'Street 1',
        city: 'Berlin',
        postalCode: '10117',
        country: 'DE',
      },
      lines: [{ lineId: randomUUID(), variantId: randomUUID(), sku: 'SKU-1', quantity: 2 }],
    };
    await pubsub.pubsub.publish(ORDER_CONFIRMED_TOPIC, event);
    await pubsub.pubsub.publish(ORDER_CONFIRMED_TOPIC, event);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await t.subgraph.events.idle();
    const orders = await t.sql(`SELECT status FROM fulfillment_order WHERE order_id = $1`, [
      event.orderId,
    ]);
    expect(orders).toEqual([{ status: 'OPEN' }]);
    const lines = await t.sql(
      `SELECT count(*)::int AS n FROM fulfillment_order_line l JOIN fulfillment_order o ON o.id = l.fulfillment_order_id WHERE o.order_id = $1`,
      [event.orderId],
    );
    expect(lines).toEqual([{ n: 1 }]);
    expect(
      await t.sql(`SELECT count(*)::int AS n FROM inbox WHERE event_id = $1`, [event.eventId]),
    ).toEqual([{ n: 1 }]);
    // Staff see it waiting: nothing could be assigned without inventory.
    const { fulfillmentOrder } = await t.data(
      `query ($id: ID!) { fulfillmentOrder(orderId: $id) { status fulfillments { id } lines { sku quantity assignedQuantity } } }`,
      { id: event.orderId },
      staff,
    );
    expect(fulfillmentOrder).toEqual({
      status: 'OPEN',
      fulfillments: [],
      lines: [{ sku: 'SKU-1', quantity: 2, assignedQuantity: 0 }],
    });
  });
});
