import { dataOf } from '../../platform/testing/graphql-client';
import { CONFIRM, PACK, PICK_LIST, SHIP } from './warehouse-floor';
import { mutate } from './fulfillment';
import type { TestPlatform } from './platform';

interface Parcel {
  id: string;
  warehouse: { id: string };
  lines: { sku: string; quantity: number }[];
}

/**
 * ASSIGNED fulfillments through the floor in one wave per warehouse: listed, picked as
 * listed, packed and shipped with a label from shipping. Answers each shipped fulfillment.
 */
export async function shipAll(
  platform: TestPlatform,
  fulfillments: Parcel[],
): Promise<{ status: string; carrier: string; trackingNumber: string }[]> {
  for (const warehouseId of new Set(fulfillments.map((f) => f.warehouse.id))) {
    const list = await mutate(platform, PICK_LIST, { input: { warehouseId } });
    for (const f of fulfillments.filter((p) => p.warehouse.id === warehouseId))
      expect(list.pickList.fulfillments).toContainEqual({ id: f.id, status: 'PICKING' });
  }
  const shipped = [];
  for (const fulfillment of fulfillments) {
    const picked = await mutate(platform, CONFIRM, {
      input: {
        fulfillmentId: fulfillment.id,
        lines: fulfillment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      },
    });
    expect(picked).toEqual({ fulfillment: { status: 'PICKED' }, userErrors: [] });
    expect((await mutate(platform, PACK, { id: fulfillment.id })).fulfillment.status).toBe(
      'PACKED',
    );
    const answer = await mutate(platform, SHIP, { input: { fulfillmentId: fulfillment.id } });
    expect(answer.userErrors).toEqual([]);
    shipped.push(answer.fulfillment);
  }
  return shipped;
}

/** Where the carrier was told to take the order's parcels: shipping's record of each label. */
export async function shippedTo(
  platform: TestPlatform,
  orderId: string,
): Promise<Record<string, string | null>[]> {
  const rows: { to_address: Record<string, string | null> }[] =
    await platform.subgraphs.shipping!.dataSource.query(
      `SELECT to_address FROM shipping.shipment WHERE order_id = $1 ORDER BY created_at`,
      [orderId],
    );
  return rows.map((r) => r.to_address);
}

/** The order as the warehouse follows it: the version applied and each parcel's hold. */
export async function warehouseView(platform: TestPlatform, orderId: string) {
  return dataOf(
    await platform.query(
      `query ($id: ID!) { order(id: $id) {
        fulfillmentOrder { orderVersion status lines { sku quantity assignedQuantity shippedQuantity } }
        fulfillments { id status onHold holdReason warehouse { id }
          lines { sku quantity pickedQuantity } }
      } }`,
      { id: orderId },
    ),
  ).order;
}
