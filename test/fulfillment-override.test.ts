import { dataOf } from '../platform/testing/graphql-client';
import type { FulfillmentServices } from '../subgraphs/fulfillment';
import { OrderFulfillDocument, OrderMarkDeliveredDocument } from '../sdk';
import { confirmedOrder, eventually, orderFulfillment } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { stockTwoWarehouses, type TwoWarehouses } from './support/warehouse-floor';

/**
 * Staff overrides of the warehouse flow (`orderFulfill`, `orderMarkDelivered`) reach the
 * fulfillment domain by orders' event: the warehouse stops working on the order, whether
 * it had assigned the parcel yet or not, and its parcels read as staff said.
 */
let platform: TestPlatform;
let goods: TwoWarehouses;

beforeAll(async () => {
  platform = await startTestPlatform('fulfillment-override');
  goods = await stockTwoWarehouses(platform);
});

afterAll(async () => {
  await platform?.stop();
});

async function override(
  document: typeof OrderFulfillDocument | typeof OrderMarkDeliveredDocument,
  id: string,
) {
  const result = Object.values(
    dataOf(await platform.query(document as typeof OrderFulfillDocument, { id })),
  )[0] as {
    userErrors: unknown[];
    order: { status: string } | null;
  };
  expect(result.userErrors).toEqual([]);
  return result.order!.status;
}

test('an assigned parcel shipped by staff reads SHIPPED, then DELIVERED, and nothing waits', async () => {
  const orderId = await confirmedOrder(platform, [{ variantId: goods.mug, quantity: 1 }]);
  const assigned = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillments?.[0]?.status === 'ASSIGNED',
  );
  expect(assigned.fulfillmentOrder.status).toBe('IN_PROGRESS');

  expect(await override(OrderFulfillDocument, orderId)).toBe('FULFILLED');
  const shipped = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillmentOrder.status === 'SHIPPED',
  );
  expect(shipped.fulfillments.map((f: { status: string }) => f.status)).toEqual(['SHIPPED']);
  expect(shipped.status).toBe('FULFILLED');

  expect(await override(OrderMarkDeliveredDocument, orderId)).toBe('DELIVERED');
  const delivered = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillmentOrder.status === 'DELIVERED',
  );
  expect(delivered.fulfillments.map((f: { status: string }) => f.status)).toEqual(['DELIVERED']);
});

test('shipped by staff the moment it is paid: the warehouse closes the order instead of retrying forever', async () => {
  const orderId = await confirmedOrder(platform, [{ variantId: goods.tee, quantity: 2 }]);
  // No wait: the override usually lands before fulfillment assigned the order, whose hold
  // inventory has then shipped.
  expect(await override(OrderFulfillDocument, orderId)).toBe('FULFILLED');
  const closed = await eventually(
    () => orderFulfillment(platform, orderId),
    (o) => o.fulfillmentOrder?.status === 'SHIPPED',
  );
  expect(closed.status).toBe('FULFILLED');
  expect(closed.fulfillmentOrder.lines).toEqual([
    expect.objectContaining({ sku: 'FUL-TEE', quantity: 2, backorderedQuantity: 0 }),
  ]);
  for (const parcel of closed.fulfillments) expect(parcel.status).toBe('SHIPPED');
  // The sweep finds nothing left to assign (it would ask inventory to move a shipped hold).
  const services = platform.subgraphs.fulfillment!.services as FulfillmentServices;
  expect(await services.fulfillment.assignOpen()).toBe(0);
});
