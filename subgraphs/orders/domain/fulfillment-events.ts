import type { EntityManager } from 'typeorm';
import type { EventHandler } from '../../../platform/events/consume';
import {
  ORDER_DELIVERED_TOPIC,
  ORDER_SHIPPED_TOPIC,
  type OrderFulfillmentEvent,
  PARCEL_DELIVERED_TOPIC,
  PARCEL_SHIPPED_TOPIC,
  type ParcelEvent,
} from '../../../platform/topics';
import { OrderRow, type OrderStatus } from '../entities';
import type { OrderService } from './orders';

/**
 * Fulfillment's news about an order, as orders' status: FULFILLED once every line has
 * shipped, DELIVERED once every shipment arrived. Fulfillment tells it by event, never by
 * a call, so an order moves whichever of the two is up first. An order that was cancelled
 * or refunded meanwhile keeps its status.
 */
export function fulfillmentEventHandlers(orders: OrderService): EventHandler<never>[] {
  const advance =
    (path: OrderStatus[], note: string) =>
    async (tx: EntityManager, event: OrderFulfillmentEvent): Promise<void> => {
      for (const [index, to] of path.entries()) {
        const from = index === 0 ? 'CONFIRMED' : path[index - 1]!;
        const moved = await tx
          .createQueryBuilder()
          .update(OrderRow)
          .set({ status: to, updatedAt: () => 'now()' })
          .where('id = :id AND status = :from', { id: event.orderId, from })
          .execute();
        if (moved.affected === 1) await orders.recordStatus(tx, event.orderId, to, note);
      }
      // Returns count their window from delivery and buy labels against these shipments.
      if (path.at(-1) === 'DELIVERED') {
        await tx.query(
          `UPDATE orders.customer_order
              SET delivered_at = coalesce(delivered_at, now()),
                  shipment_ids = $2
            WHERE id = $1`,
          [event.orderId, event.shipmentIds ?? []],
        );
      }
    };
  const shipped: EventHandler<OrderFulfillmentEvent> = {
    topic: ORDER_SHIPPED_TOPIC,
    handle: advance(['FULFILLED'], 'Shipped'),
  };
  const delivered: EventHandler<OrderFulfillmentEvent> = {
    topic: ORDER_DELIVERED_TOPIC,
    handle: advance(['FULFILLED', 'DELIVERED'], 'Delivered'),
  };
  return [shipped, delivered, ...parcelHandlers()] as EventHandler<never>[];
}

/**
 * Each parcel's order lines, shipped then delivered: one row per line and parcel, so a
 * redelivered event changes nothing and a delivery heard before its shipment still counts.
 */
function parcelHandlers(): EventHandler<ParcelEvent>[] {
  const record =
    (delivered: boolean) =>
    async (tx: EntityManager, event: ParcelEvent): Promise<void> => {
      for (const line of event.lines) {
        await tx.query(
          `INSERT INTO orders.order_line_parcel
             (order_line_id, fulfillment_id, order_id, shipment_id, quantity, delivered_at)
           SELECT $1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END
            WHERE EXISTS (SELECT 1 FROM orders.customer_order WHERE id = $3)
           ON CONFLICT (order_line_id, fulfillment_id) DO UPDATE
             SET delivered_at = coalesce(order_line_parcel.delivered_at, EXCLUDED.delivered_at),
                 shipment_id = coalesce(order_line_parcel.shipment_id, EXCLUDED.shipment_id)`,
          [
            line.lineId,
            event.fulfillmentId,
            event.orderId,
            event.shipmentId,
            line.quantity,
            delivered,
          ],
        );
      }
    };
  return [
    { topic: PARCEL_SHIPPED_TOPIC, handle: record(false) },
    { topic: PARCEL_DELIVERED_TOPIC, handle: record(true) },
  ];
}
