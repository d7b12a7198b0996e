import type { EntityManager } from 'typeorm';
import type { EventHandler } from '../../../platform/events/consume';
import {
  ORDER_DELIVERED_TOPIC,
  ORDER_SHIPPED_TOPIC,
  type OrderFulfillmentEvent,
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
  return [shipped, delivered] as EventHandler<never>[];
}
