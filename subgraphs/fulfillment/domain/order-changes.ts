import { type EntityManager, In } from 'typeorm';
import { createLogger } from '../../../platform/logging';
import type { OrderChangedEvent } from '../../../platform/topics';
import {
  FulfillmentLineRow,
  FulfillmentOrderLineRow,
  FulfillmentOrderRow,
  FulfillmentRow,
} from '../entities';
import { announce } from './fulfillment-events';
import { lockFulfillmentOrder } from './order-lock';

const log = createLogger('fulfillment');
const UNSHIPPED: FulfillmentRow['status'][] = ['ASSIGNED', 'PICKING', 'PICKED', 'PACKED'];

/**
 * Orders' `orders.order.changed`: the fulfillment order follows what the order now asks
 * for, once per order version (a redelivered or older event finds a version as new or
 * newer and changes nothing). The address and method are the order's from now on, so a
 * parcel not yet shipped is labelled with them. New lines and more units wait to be
 * assigned (the caller assigns after commit), also on a fulfillment order that had
 * shipped. Fewer units come out of the work nobody started: units not in a fulfillment
 * yet, then ASSIGNED fulfillments (one left with nothing gives its slot back). Units a
 * picker already has in hand are not dropped silently: their fulfillment is put on hold
 * with the reason, for staff to put them back and ship the rest.
 */
export class OrderChanges {
  /** True when the event changed something (and the order is to be assigned again). */
  async apply(tx: EntityManager, event: OrderChangedEvent): Promise<boolean> {
    const order = await lockFulfillmentOrder(tx, event.orderId);
    if (!order) {
      // Orders changes CONFIRMED orders only, and its confirmed event comes first.
      log.warn('order change for an order fulfillment never heard of', {
        orderId: event.orderId,
        version: event.version,
      });
      return false;
    }
    if (event.version <= order.orderVersion) return false;
    const lines = await tx
      .getRepository(FulfillmentOrderLineRow)
      .find({ where: { fulfillmentOrderId: order.id }, order: { position: 'ASC' } });
    let position = Math.max(-1, ...lines.map((l) => l.position));
    let grew = false;
    for (const wanted of event.lines) {
      const line = lines.find((l) => l.orderLineId === wanted.lineId);
      if (!line) {
        await tx.getRepository(FulfillmentOrderLineRow).insert({
          fulfillmentOrderId: order.id,
          orderLineId: wanted.lineId,
          position: (position += 1),
          variantId: wanted.variantId,
          sku: wanted.sku,
          quantity: wanted.quantity,
        });
        grew = true;
      } else if (wanted.quantity > line.quantity) {
        await tx.getRepository(FulfillmentOrderLineRow).update(line.id, {
          quantity: wanted.quantity,
        });
        grew = true;
      } else if (wanted.quantity < line.quantity) {
        await this.drop(tx, line, line.quantity - wanted.quantity, wanted.quantity);
      }
    }
    for (const line of lines.filter((l) => !event.lines.some((w) => w.lineId === l.orderLineId)))
      await this.drop(tx, line, line.quantity, 0);
    if (event.lostFulfillmentIds?.length) {
      await tx.query(
        `UPDATE fulfillment.fulfillment SET lost_at = coalesce(lost_at, now())
          WHERE fulfillment_order_id = $1 AND id = ANY($2::uuid[]) AND status = 'SHIPPED'`,
        [order.id, event.lostFulfillmentIds],
      );
    }
    await tx.getRepository(FulfillmentOrderRow).update(order.id, {
      orderVersion: event.version,
      shipTo: event.shippingAddress,
      shippingMethod: event.shippingMethod,
      // Goods to send after everything had left: the order is open again.
      ...(grew && (order.status === 'SHIPPED' || order.status === 'DELIVERED')
        ? { status: 'IN_PROGRESS' as const }
        : {}),
      updatedAt: () => 'now()',
    });
    await announce.changed(tx, event.orderId);
    return true;
  }

  private async drop(
    tx: EntityManager,
    line: FulfillmentOrderLineRow,
    units: number,
    quantity: number,
  ): Promise<void> {
    const parts = await tx
      .getRepository(FulfillmentLineRow)
      .findBy({ fulfillmentOrderLineId: line.id });
    const fulfillments = parts.length
      ? await tx.getRepository(FulfillmentRow).find({
          where: { id: In(parts.map((p) => p.fulfillmentId)) },
          lock: { mode: 'pessimistic_write' },
        })
      : [];
    // Smallest parts first: whole parcels go (and give their slots back) before others shrink.
    parts.sort((a, b) => a.quantity - a.short - (b.quantity - b.short) || a.id.localeCompare(b.id));
    const inWork = parts.reduce((sum, p) => sum + p.quantity - p.short, 0);
    const outstanding = Math.min(units, Math.max(0, line.quantity - inWork));
    let left = units - outstanding;
    for (const part of parts) {
      const at = fulfillments.find((f) => f.id === part.fulfillmentId)!;
      if (left <= 0 || at.status !== 'ASSIGNED' || at.pickListId !== null) continue;
      const take = Math.min(left, part.quantity - part.short);
      left -= take;
      if (take === part.quantity) await tx.getRepository(FulfillmentLineRow).delete(part.id);
      else
        await tx.getRepository(FulfillmentLineRow).update(part.id, {
          quantity: part.quantity - take,
        });
      await this.releaseIfEmpty(tx, at, take);
    }
    if (left > 0) {
      const started = fulfillments.find(
        (f) => UNSHIPPED.includes(f.status) && (f.status !== 'ASSIGNED' || f.pickListId !== null),
      );
      if (started) {
        const why = `order changed: ${left} of ${line.sku} no longer ordered; put them back and ship the rest`;
        await tx.getRepository(FulfillmentRow).update(started.id, { holdReason: why });
      } else {
        log.warn('an order change drops units that have shipped', {
          fulfillmentOrderId: line.fulfillmentOrderId,
          sku: line.sku,
          units: left,
        });
      }
    }
    await tx.getRepository(FulfillmentOrderLineRow).update(line.id, {
      quantity,
      backordered: Math.max(0, line.backordered - outstanding),
    });
  }

  /** A fulfillment the change left without units is gone, and its slot's booking with it. */
  private async releaseIfEmpty(
    tx: EntityManager,
    fulfillment: FulfillmentRow,
    units: number,
  ): Promise<void> {
    const rest = await tx
      .getRepository(FulfillmentLineRow)
      .countBy({ fulfillmentId: fulfillment.id });
    await tx.query(
      `UPDATE fulfillment.slot_booking
          SET items = greatest(items - $3, 0), orders = greatest(orders - $4, 0)
        WHERE warehouse_id = $1 AND slot_start = $2`,
      [fulfillment.warehouseId, fulfillment.slotStart, units, rest === 0 ? 1 : 0],
    );
    if (rest === 0) await tx.getRepository(FulfillmentRow).delete(fulfillment.id);
  }
}
