import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { ShipmentDeliveredEvent } from '../../../platform/topics';
import {
  FulfillmentLineRow,
  FulfillmentOrderLineRow,
  FulfillmentOrderRow,
  FulfillmentRow,
} from '../entities';
import { FulfillmentErrorCode } from '../errors';
import type { InventoryGateway } from '../gateways';
import { announce } from './fulfillment-events';
import { lockFulfillment, mustBe } from './picking';
import { LabelPurchaseError, type LabelPurchaser } from './ports';
import { checkSkuText } from './rules';

/**
 * Shipping a fulfillment and hearing that it arrived. Shipping buys the label (through
 * the LabelPurchaser port, idempotent by fulfillment id), ships the picked units in
 * inventory (idempotent by the same id), then records SHIPPED: a retry after any failure
 * repeats the calls harmlessly and buys nothing twice.
 */
export class Dispatch {
  constructor(
    private readonly db: DataSource,
    private readonly inventory: InventoryGateway,
    private readonly labels: () => LabelPurchaser,
  ) {}

  async ship(
    fulfillmentId: string,
    requested: { sku: string; quantity: number }[] | null,
    weightGrams: number | null = null,
  ): Promise<FulfillmentRow> {
    if (weightGrams !== null && (!Number.isSafeInteger(weightGrams) || weightGrams <= 0))
      throw new DomainError(
        FulfillmentErrorCode.WEIGHT_INVALID,
        'A parcel weighs more than 0 grams',
        ['weightGrams'],
      );
    const { fulfillment, lines } = await this.db.transaction((tx) =>
      lockFulfillment(tx, fulfillmentId),
    );
    if (fulfillment.status === 'SHIPPED' || fulfillment.status === 'DELIVERED') return fulfillment;
    mustBe(fulfillment, 'PACKED');
    const parcel = parcelOf(lines, requested);
    const order = await this.db
      .getRepository(FulfillmentOrderRow)
      .findOneByOrFail({ id: fulfillment.fulfillmentOrderId });
    let label;
    try {
      label = await this.labels().purchase({
        fulfillmentId,
        orderId: fulfillment.orderId,
        warehouseId: fulfillment.warehouseId,
        shipTo: order.shipTo,
        lines: parcel,
        weightGrams,
        carrier: order.shippingMethod?.carrier ?? null,
      });
    } catch (error) {
      if (!(error instanceof LabelPurchaseError)) throw error;
      throw new DomainError(FulfillmentErrorCode.LABEL_PURCHASE_FAILED, error.message, [
        'fulfillmentId',
      ]);
    }
    await this.inventory.ship(order.reservationId, fulfillmentId, fulfillment.warehouseId, parcel);
    return this.db.transaction(async (tx) => {
      const locked = await lockFulfillment(tx, fulfillmentId);
      if (locked.fulfillment.status !== 'PACKED') return locked.fulfillment;
      // Picked units left out of the parcel go back to the order, like short ones.
      for (const line of locked.lines) {
        const shipped = Math.min(line.picked, parcelTake(parcel, line, locked.lines));
        if (shipped !== line.picked) {
          await tx.getRepository(FulfillmentLineRow).update(line.id, {
            picked: shipped,
            short: line.short + line.picked - shipped,
            shortReason: line.shortReason ?? 'left out of the parcel',
          });
        }
      }
      await tx.getRepository(FulfillmentRow).update(fulfillmentId, {
        status: 'SHIPPED',
        carrier: label.carrier,
        trackingNumber: label.trackingNumber,
        shipmentId: label.shipmentId,
        shippedAt: () => 'now()',
      });
      await announce.changed(tx, fulfillment.orderId);
      await announceParcel(tx, fulfillmentId, false);
      await this.closeIfShipped(tx, order);
      return tx.getRepository(FulfillmentRow).findOneByOrFail({ id: fulfillmentId });
    });
  }

  /** Shipping's delivery event: the fulfillment is DELIVERED; the order too once every parcel is. */
  async delivered(tx: EntityManager, event: ShipmentDeliveredEvent): Promise<void> {
    const query = tx
      .getRepository(FulfillmentRow)
      .createQueryBuilder('f')
      .setLock('pessimistic_write');
    if (event.fulfillmentId) query.where('f.id = :id', { id: event.fulfillmentId });
    else query.where('f.shipment_id = :shipmentId', { shipmentId: event.shipmentId });
    const fulfillment = await query.getOne();
    if (!fulfillment || fulfillment.status !== 'SHIPPED') return;
    await tx
      .getRepository(FulfillmentRow)
      .update(fulfillment.id, { status: 'DELIVERED', deliveredAt: () => 'now()' });
    await announce.changed(tx, fulfillment.orderId);
    await announceParcel(tx, fulfillment.id, true);
    const order = await tx
      .getRepository(FulfillmentOrderRow)
      .createQueryBuilder('o')
      .where('o.id = :id', { id: fulfillment.fulfillmentOrderId })
      .setLock('pessimistic_write')
      .getOneOrFail();
    const all = await tx.getRepository(FulfillmentRow).findBy({ fulfillmentOrderId: order.id });
    // A parcel reported lost never arrives: its reship counts instead.
    const arrived = all.filter((f) => f.lostAt === null);
    if (order.status === 'SHIPPED' && arrived.every((f) => f.status === 'DELIVERED')) {
      await tx.getRepository(FulfillmentOrderRow).update(order.id, { status: 'DELIVERED' });
      await announce.delivered(
        tx,
        order.orderId,
        arrived.map((f) => f.id),
        arrived.flatMap((f) => (f.shipmentId ? [f.shipmentId] : [])),
      );
    }
  }

  /** SHIPPED (and orders told) once every unit of every line left in some parcel. */
  private async closeIfShipped(tx: EntityManager, order: FulfillmentOrderRow): Promise<void> {
    await tx
      .getRepository(FulfillmentOrderRow)
      .createQueryBuilder('o')
      .where('o.id = :id', { id: order.id })
      .setLock('pessimistic_write')
      .getOne();
    const lines = await tx
      .getRepository(FulfillmentOrderLineRow)
      .findBy({ fulfillmentOrderId: order.id });
    const fulfillments = await tx
      .getRepository(FulfillmentRow)
      .findBy({ fulfillmentOrderId: order.id });
    const shipped = fulfillments.filter((f) => f.status === 'SHIPPED' || f.status === 'DELIVERED');
    const parts = shipped.length
      ? await tx
          .getRepository(FulfillmentLineRow)
          .findBy({ fulfillmentId: In(shipped.map((f) => f.id)) })
      : [];
    const complete = lines.every(
      (line) =>
        parts
          .filter((p) => p.fulfillmentOrderLineId === line.id)
          .reduce((sum, p) => sum + p.picked, 0) >= line.quantity,
    );
    if (!complete) return;
    await tx
      .getRepository(FulfillmentOrderRow)
      .update(order.id, { status: 'SHIPPED', updatedAt: () => 'now()' });
    await announce.shipped(
      tx,
      order.orderId,
      shipped.map((f) => f.id),
    );
  }
}

/** The parcel's order lines (orders' ids) and the units of each that left in it. */
async function announceParcel(
  tx: EntityManager,
  fulfillmentId: string,
  delivered: boolean,
): Promise<void> {
  const fulfillment = await tx.getRepository(FulfillmentRow).findOneByOrFail({ id: fulfillmentId });
  const rows: { order_line_id: string; sku: string; quantity: number }[] = await tx.query(
    `SELECT o.order_line_id, l.sku, sum(l.picked)::int AS quantity
       FROM fulfillment.fulfillment_line l
       JOIN fulfillment.fulfillment_order_line o ON o.id = l.fulfillment_order_line_id
      WHERE l.fulfillment_id = $1 AND l.picked > 0
      GROUP BY o.order_line_id, l.sku ORDER BY o.order_line_id`,
    [fulfillmentId],
  );
  await announce.parcel(tx, delivered, {
    orderId: fulfillment.orderId,
    fulfillmentId,
    shipmentId: fulfillment.shipmentId,
    lines: rows.map((r) => ({ lineId: r.order_line_id, sku: r.sku, quantity: r.quantity })),
  });
}

/** The parcel per SKU: the picked units, or what was asked, never more than was picked. */
function parcelOf(
  lines: FulfillmentLineRow[],
  requested: { sku: string; quantity: number }[] | null,
): { sku: string; quantity: number }[] {
  const picked = new Map<string, number>();
  for (const line of lines) picked.set(line.sku, (picked.get(line.sku) ?? 0) + line.picked);
  if (!requested) {
    const parcel = [...picked]
      .filter(([, q]) => q > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    if (!parcel.length) {
      throw new DomainError(FulfillmentErrorCode.NOTHING_PICKED, 'Nothing was picked to ship', [
        'fulfillmentId',
      ]);
    }
    return parcel;
  }
  const parcel = new Map<string, number>();
  for (const [index, line] of requested.entries()) {
    const sku = checkSkuText(line.sku, ['lines', String(index), 'sku']);
    const quantity = (parcel.get(sku) ?? 0) + line.quantity;
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new DomainError(FulfillmentErrorCode.INVALID_QUANTITY, 'Quantity must be positive', [
        'lines',
        String(index),
        'quantity',
      ]);
    }
    if (quantity > (picked.get(sku) ?? 0)) {
      throw new DomainError(
        FulfillmentErrorCode.SHIP_MORE_THAN_PICKED,
        `${quantity} of ${sku} cannot ship: ${picked.get(sku) ?? 0} were picked`,
        ['lines', String(index), 'quantity'],
      );
    }
    parcel.set(sku, quantity);
  }
  return [...parcel].map(([sku, quantity]) => ({ sku, quantity }));
}

/** How much of the parcel's SKU falls to this line, filling lines of one SKU in order. */
function parcelTake(
  parcel: { sku: string; quantity: number }[],
  line: FulfillmentLineRow,
  lines: FulfillmentLineRow[],
): number {
  let left = parcel.find((p) => p.sku === line.sku)?.quantity ?? 0;
  for (const other of lines.filter((l) => l.sku === line.sku)) {
    const take = Math.min(left, other.picked);
    if (other.id === line.id) return take;
    left -= take;
  }
  return 0;
}
