import type { EntityManager } from 'typeorm';
import { recordEvent } from '../../../../platform/outbox';
import {
  ORDER_CHANGED_TOPIC,
  orderUpdatedTopic,
  type OrderChangedEvent,
  type OrderUpdatedEvent,
} from '../../../../platform/topics';
import { type OrderChangeKind, OrderLineRow, OrderRow } from '../../entities';

/**
 * `orders.order.changed` for a committed change, read inside the change's transaction
 * after its writes, so the event and the order it describes commit together (the outbox).
 * Fulfillment ships what the snapshot adds and drops what it no longer asks for.
 */
export async function announceOrderChanged(
  tx: EntityManager,
  orderId: string,
  change: { id: string; kind: OrderChangeKind },
  lostFulfillmentIds: string[] = [],
): Promise<void> {
  const order = await tx.getRepository(OrderRow).findOneByOrFail({ id: orderId });
  const lines = await tx
    .getRepository(OrderLineRow)
    .find({ where: { orderId }, order: { position: 'ASC' } });
  const event: OrderChangedEvent = {
    orderId,
    changeId: change.id,
    kind: change.kind,
    version: order.version,
    reservationId: order.reservationId,
    shippingAddress: order.shippingAddress,
    shippingMethod: order.shippingMethod,
    lines: lines.map((l) => ({
      lineId: l.id,
      variantId: l.variantId,
      sku: l.sku,
      quantity: l.quantity,
    })),
    ...(lostFulfillmentIds.length ? { lostFulfillmentIds } : {}),
  };
  await recordEvent(tx, 'orders', ORDER_CHANGED_TOPIC, event);
}

/** `orderUpdated` subscribers see every step of a change. */
export function announceOrderUpdated(tx: EntityManager, orderId: string): Promise<void> {
  const event: OrderUpdatedEvent = { orderId, source: 'orders' };
  return recordEvent(tx, 'orders', orderUpdatedTopic(orderId), event);
}
