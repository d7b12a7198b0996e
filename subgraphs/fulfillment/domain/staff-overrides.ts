import type { EntityManager } from 'typeorm';
import { createLogger } from '../../../platform/logging';
import type { OrderOverriddenEvent } from '../../../platform/topics';
import { FulfillmentOrderRow } from '../entities';
import { announce } from './fulfillment-events';
import { lockFulfillmentOrder } from './order-lock';

const log = createLogger('fulfillment');

/**
 * Orders' staff overrides (`orderFulfill`, `orderMarkDelivered`): the goods left, or
 * arrived, outside the warehouse flow, and inventory already shipped the order's hold. The
 * fulfillment order follows, so the warehouse stops working on it: nothing is left to
 * assign or to wait for (the assignment sweep would otherwise ask inventory to move a hold
 * that has shipped, forever), and every parcel not yet shipped (or not yet delivered) is
 * marked so by staff's word. An order already there, or further, is left as it is.
 */
export class StaffOverrides {
  async apply(tx: EntityManager, event: OrderOverriddenEvent): Promise<void> {
    const order = await lockFulfillmentOrder(tx, event.orderId);
    if (!order) {
      // Placed before fulfillment existed, or never confirmed: nothing of it is in a warehouse.
      log.info('override for an order fulfillment never heard of', { orderId: event.orderId });
      return;
    }
    const delivered = event.status === 'DELIVERED';
    if (order.status === 'DELIVERED' || (!delivered && order.status === 'SHIPPED')) return;

    await tx.query(
      `UPDATE fulfillment.fulfillment
          SET status = $2,
              hold_reason = NULL,
              shipped_at = coalesce(shipped_at, now()),
              delivered_at = CASE WHEN $2 = 'DELIVERED' THEN coalesce(delivered_at, now())
                                  ELSE delivered_at END
        WHERE fulfillment_order_id = $1
          AND status <> ALL($3::text[])`,
      [
        order.id,
        delivered ? 'DELIVERED' : 'SHIPPED',
        delivered ? ['DELIVERED'] : ['SHIPPED', 'DELIVERED'],
      ],
    );
    await tx.query(
      `UPDATE fulfillment.fulfillment_order_line SET backordered = 0, expected_at = NULL
        WHERE fulfillment_order_id = $1`,
      [order.id],
    );
    await tx
      .getRepository(FulfillmentOrderRow)
      .update(order.id, { status: delivered ? 'DELIVERED' : 'SHIPPED', updatedAt: () => 'now()' });
    await announce.changed(tx, order.orderId);
  }
}
