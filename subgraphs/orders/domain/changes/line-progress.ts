import type { EntityManager } from 'typeorm';
import { OrderLineParcelRow, type OrderLineRow, type OrderRow } from '../../entities';

/** How far one order line got: units shipped and delivered, and the parcel that carried it. */
export interface LineProgress {
  shipped: number;
  delivered: number;
  /** The last delivery of the line: a return's window counts from it. */
  deliveredAt: Date | null;
  /** Shipping's shipment of the line's latest delivered (else shipped) parcel. */
  shipmentId: string | null;
}

/**
 * A line's progress from fulfillment's parcel events. An order with no parcel at all that
 * is FULFILLED or DELIVERED got there by staff's overrides (no carrier): every unit
 * counts as shipped, and as delivered once the order is, since its delivery.
 */
export function lineProgress(
  order: Pick<OrderRow, 'status' | 'deliveredAt'>,
  line: Pick<OrderLineRow, 'id' | 'quantity'>,
  parcels: OrderLineParcelRow[],
): LineProgress {
  if (parcels.length === 0) {
    const shipped = order.status === 'FULFILLED' || order.status === 'DELIVERED';
    const delivered = order.status === 'DELIVERED';
    return {
      shipped: shipped ? line.quantity : 0,
      delivered: delivered ? line.quantity : 0,
      deliveredAt: delivered ? order.deliveredAt : null,
      shipmentId: null,
    };
  }
  const mine = parcels
    .filter((p) => p.orderLineId === line.id)
    .sort((a, b) => (a.deliveredAt?.getTime() ?? 0) - (b.deliveredAt?.getTime() ?? 0));
  const arrived = mine.filter((p) => p.deliveredAt !== null);
  return {
    shipped: mine.reduce((sum, p) => sum + p.quantity, 0),
    delivered: arrived.reduce((sum, p) => sum + p.quantity, 0),
    deliveredAt: arrived.at(-1)?.deliveredAt ?? null,
    shipmentId: (arrived.at(-1) ?? mine.at(-1))?.shipmentId ?? null,
  };
}

/** The order's parcels as fulfillment told them. */
export function parcelsOf(db: EntityManager, orderId: string): Promise<OrderLineParcelRow[]> {
  return db.getRepository(OrderLineParcelRow).findBy({ orderId });
}

/** Units shipped per line id. */
export function shippedByLine(
  order: Pick<OrderRow, 'status' | 'deliveredAt'>,
  lines: Pick<OrderLineRow, 'id' | 'quantity'>[],
  parcels: OrderLineParcelRow[],
): Map<string, number> {
  return new Map(lines.map((l) => [l.id, lineProgress(order, l, parcels).shipped]));
}
