import type { EntityManager } from 'typeorm';
import { FulfillmentOrderRow } from '../entities';

/**
 * The fulfillment order of orders' `orderId`, row-locked until `tx` ends: assignment,
 * realignment, order changes and staff overrides of one order take turns, never overlap.
 */
export function lockFulfillmentOrder(
  tx: EntityManager,
  orderId: string,
): Promise<FulfillmentOrderRow | null> {
  return tx
    .getRepository(FulfillmentOrderRow)
    .createQueryBuilder('o')
    .where('o.order_id = :orderId', { orderId })
    .setLock('pessimistic_write')
    .getOne();
}
