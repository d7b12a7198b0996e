import { type DataSource, type EntityManager, In } from 'typeorm';
import type { OrderConfirmedEvent } from '../../../platform/topics';
import {
  FulfillmentLineRow,
  FulfillmentOrderLineRow,
  FulfillmentOrderRow,
  FulfillmentRow,
} from '../entities';
import type { InventoryGateway, StockSnapshot } from '../gateways';
import { bookSlot, firstFreeSlot, hourOf, loadSlots } from './capacity';
import { announce } from './fulfillment-events';
import type { DistanceOracle } from './ports';
import type { AssignmentStrategy, Candidate, Plan, WantedLine } from './strategies';
import { lockFulfillmentOrder } from './order-lock';

const HOUR = 3_600_000;
const DONE: FulfillmentRow['status'][] = ['SHIPPED', 'DELIVERED'];

export interface AssignmentDeps {
  db: DataSource;
  inventory: InventoryGateway;
  distance: () => DistanceOracle;
  strategy: () => AssignmentStrategy;
  horizonHours: number;
}

/**
 * Fulfillment orders and their assignment to warehouses. A fulfillment order is created
 * from orders' confirmed event (once per order); assignment then takes every unit not yet
 * in a fulfillment (all of them at first; later backordered or short-picked ones), asks
 * inventory for stock, lets the strategy plan, moves the order's hold in inventory to the
 * chosen warehouses, and books each new fulfillment into a slot of its warehouse. It runs
 * under the fulfillment order's row lock, so two runs for one order never overlap.
 */
export class Assignment {
  constructor(private readonly deps: AssignmentDeps) {}

  async createFromEvent(tx: EntityManager, event: OrderConfirmedEvent): Promise<void> {
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO fulfillment.fulfillment_order
         (order_id, customer_id, reservation_id, currency, ship_to, shipping_method, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'OPEN') ON CONFLICT (order_id) DO NOTHING RETURNING id`,
      [
        event.orderId,
        event.customerId,
        event.reservationId,
        event.currency,
        JSON.stringify(event.shippingAddress),
        event.shippingMethod
          ? JSON.stringify({
              methodId: event.shippingMethod.methodId,
              name: event.shippingMethod.name,
              kind: event.shippingMethod.kind,
              carrier: event.shippingMethod.carrier,
            })
          : null,
      ],
    );
    const id = inserted[0]?.id;
    if (!id) return;
    await tx.getRepository(FulfillmentOrderLineRow).insert(
      event.lines.map((line, position) => ({
        fulfillmentOrderId: id,
        orderLineId: line.lineId,
        position,
        variantId: line.variantId,
        sku: line.sku,
        quantity: line.quantity,
      })),
    );
    await announce.changed(tx, event.orderId);
  }

  /** Assigns what is unassigned of the order's fulfillment order; a no-op when nothing is. */
  assign(orderId: string, now = new Date()): Promise<void> {
    return this.deps.db.transaction(async (tx) => {
      const order = await lockFulfillmentOrder(tx, orderId);
      if (!order || order.status === 'SHIPPED' || order.status === 'DELIVERED') return;
      const lines = await tx
        .getRepository(FulfillmentOrderLineRow)
        .find({ where: { fulfillmentOrderId: order.id }, order: { position: 'ASC' } });
      const fulfillments = await tx
        .getRepository(FulfillmentRow)
        .findBy({ fulfillmentOrderId: order.id });
      const parts = fulfillments.length
        ? await tx
            .getRepository(FulfillmentLineRow)
            .findBy({ fulfillmentId: In(fulfillments.map((f) => f.id)) })
        : [];
      const wanted: WantedLine[] = lines
        .map((line) => ({
          lineId: line.id,
          sku: line.sku,
          quantity:
            line.quantity -
            parts
              .filter((p) => p.fulfillmentOrderLineId === line.id)
              .reduce((sum, p) => sum + p.quantity - p.short, 0),
        }))
        .filter((line) => line.quantity > 0);
      if (!wanted.length) return;

      // Units of unshipped fulfillments are held for them where they are; short units are not there.
      const open = parts
        .map((part) => ({ part, at: fulfillments.find((f) => f.id === part.fulfillmentId)! }))
        .filter(({ at }) => !DONE.includes(at.status));
      const need = (warehouseId: string, sku: string) =>
        open
          .filter(({ part, at }) => at.warehouseId === warehouseId && part.sku === sku)
          .reduce((sum, { part }) => sum + part.quantity - part.short, 0);
      const missingThere = (warehouseId: string, sku: string) =>
        open
          .filter(({ part, at }) => at.warehouseId === warehouseId && part.sku === sku)
          .reduce((sum, { part }) => sum + part.short, 0);

      const skus = [...new Set(wanted.map((l) => l.sku))];
      const stock = await this.deps.inventory.stock(skus, order.reservationId);
      const candidates = await this.candidates(tx, stock, order, wanted, need, missingThere, now);
      const plan = this.deps.strategy().plan(wanted, candidates);

      if (plan.lines.length) {
        const targets = skus.flatMap((sku) => {
          const warehouses = new Set([
            ...stock.items.filter((i) => i.sku === sku).map((i) => i.warehouseId),
            ...open.filter(({ part }) => part.sku === sku).map(({ at }) => at.warehouseId),
          ]);
          return [...warehouses].map((warehouseId) => ({
            sku,
            warehouseId,
            quantity:
              need(warehouseId, sku) +
              plan.lines
                .filter((l) => l.sku === sku && l.warehouseId === warehouseId)
                .reduce((sum, l) => sum + l.quantity, 0),
          }));
        });
        await this.deps.inventory.allocate(order.reservationId, targets);
        await this.book(tx, order, plan, now);
      }
      for (const line of lines) {
        const missing = plan.missing.get(line.id) ?? 0;
        const wasWanted = wanted.some((w) => w.lineId === line.id);
        if (!wasWanted && line.backordered === 0) continue;
        await tx.getRepository(FulfillmentOrderLineRow).update(line.id, {
          backordered: wasWanted ? missing : 0,
          expectedAt: missing > 0 ? (stock.expectedAt.get(line.sku) ?? null) : null,
        });
      }
      if (plan.lines.length && order.status === 'OPEN') {
        await tx.getRepository(FulfillmentOrderRow).update(order.id, {
          status: 'IN_PROGRESS',
          updatedAt: () => 'now()',
        });
      }
      await announce.changed(tx, order.orderId);
    });
  }

  /**
   * After an order change gave units back: orders' hold shrank where inventory had most,
   * which need not be where the dropped work was. For each SKU whose hold is exactly what
   * the unshipped fulfillments need (nothing outstanding), the hold is moved to where they
   * are, so every parcel can ship from its warehouse. Never grows or shrinks a hold.
   */
  realign(orderId: string): Promise<void> {
    // Under the fulfillment order's lock, as assignment runs: the two never overlap.
    return this.deps.db.transaction((tx) => this.realignLocked(tx, orderId));
  }

  private async realignLocked(tx: EntityManager, orderId: string): Promise<void> {
    const order = await lockFulfillmentOrder(tx, orderId);
    if (!order) return;
    const open: { sku: string; warehouse_id: string; quantity: number }[] = await tx.query(
      `SELECT l.sku, f.warehouse_id, sum(l.quantity - l.short)::int AS quantity
         FROM fulfillment.fulfillment_line l
         JOIN fulfillment.fulfillment f ON f.id = l.fulfillment_id
        WHERE f.fulfillment_order_id = $1 AND f.status NOT IN ('SHIPPED', 'DELIVERED')
        GROUP BY l.sku, f.warehouse_id`,
      [order.id],
    );
    const skus = [...new Set(open.map((o) => o.sku))];
    if (!skus.length) return;
    const stock = await this.deps.inventory.stock(skus, order.reservationId);
    if (stock.reservationStatus !== 'COMMITTED') return;
    const sum = (rows: { quantity: number }[]) => rows.reduce((t, r) => t + r.quantity, 0);
    const targets = skus.flatMap((sku) => {
      const held = stock.held.filter((h) => h.sku === sku);
      const needed = open.filter((o) => o.sku === sku);
      const misplaced = needed.some(
        (n) => sum(held.filter((h) => h.warehouseId === n.warehouse_id)) !== n.quantity,
      );
      if (sum(held) !== sum(needed) || !misplaced) return [];
      const warehouses = new Set([
        ...held.map((h) => h.warehouseId),
        ...needed.map((n) => n.warehouse_id),
      ]);
      return [...warehouses].map((warehouseId) => ({
        sku,
        warehouseId,
        quantity: sum(needed.filter((n) => n.warehouse_id === warehouseId)),
      }));
    });
    if (targets.length) await this.deps.inventory.allocate(order.reservationId, targets);
  }

  /** Order ids whose fulfillment order waits for this SKU, oldest first. */
  async waitingFor(sku: string): Promise<string[]> {
    const rows: { order_id: string }[] = await this.deps.db.query(
      `SELECT o.order_id FROM fulfillment.fulfillment_order o
        WHERE o.status IN ('OPEN', 'IN_PROGRESS') AND EXISTS (
          SELECT 1 FROM fulfillment.fulfillment_order_line l
           WHERE l.fulfillment_order_id = o.id AND l.sku = $1 AND l.backordered > 0)
        ORDER BY o.created_at, o.id`,
      [sku],
    );
    return rows.map((r) => r.order_id);
  }

  /** Fulfillment orders that have units nobody assigned (an outage stopped the first run). */
  async unassigned(limit = 50): Promise<string[]> {
    const rows: { order_id: string }[] = await this.deps.db.query(
      `SELECT order_id FROM fulfillment.fulfillment_order o
        WHERE status = 'OPEN' AND NOT EXISTS (
          SELECT 1 FROM fulfillment.fulfillment_order_line l
           WHERE l.fulfillment_order_id = o.id AND l.backordered > 0)
        ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.order_id);
  }

  private async candidates(
    tx: EntityManager,
    stock: StockSnapshot,
    order: FulfillmentOrderRow,
    wanted: WantedLine[],
    need: (warehouseId: string, sku: string) => number,
    missingThere: (warehouseId: string, sku: string) => number,
    now: Date,
  ): Promise<Candidate[]> {
    const warehouses = [...new Set(stock.items.map((i) => i.warehouseId))];
    const slots = await loadSlots(tx, warehouses, now, this.deps.horizonHours);
    const items = wanted.reduce((sum, l) => sum + l.quantity, 0);
    // One question to location for all candidates (not one per warehouse).
    const distances = await this.deps.distance().distances(
      warehouses.map((warehouseId) => {
        const item = stock.items.find((i) => i.warehouseId === warehouseId)!;
        return { country: item.countryCode, region: item.regionCode };
      }),
      { country: order.shipTo.country, region: order.shipTo.region },
    );
    return Promise.all(
      warehouses.map(async (warehouseId, index) => {
        const usable = new Map<string, number>();
        for (const item of stock.items.filter((i) => i.warehouseId === warehouseId)) {
          const held = stock.held
            .filter((h) => h.warehouseId === warehouseId && h.sku === item.sku)
            .reduce((sum, h) => sum + h.quantity, 0);
          usable.set(
            item.sku,
            Math.max(
              0,
              item.available +
                held -
                need(warehouseId, item.sku) -
                missingThere(warehouseId, item.sku),
            ),
          );
        }
        const slot = slots.get(warehouseId)!;
        return {
          warehouseId,
          stock: usable,
          distance: distances[index]!,
          nextSlot: firstFreeSlot(slot.capacity, slot.bookings, items, now, this.deps.horizonHours),
        };
      }),
    );
  }

  /** One fulfillment per planned warehouse, each in the first slot with room there. */
  private async book(
    tx: EntityManager,
    order: FulfillmentOrderRow,
    plan: Plan,
    now: Date,
  ): Promise<void> {
    const warehouses = [...new Set(plan.lines.map((l) => l.warehouseId))].sort();
    const slots = await loadSlots(tx, warehouses, now, this.deps.horizonHours, true);
    for (const warehouseId of warehouses) {
      const lines = plan.lines.filter((l) => l.warehouseId === warehouseId);
      const items = lines.reduce((sum, l) => sum + l.quantity, 0);
      const slot = slots.get(warehouseId)!;
      // No room within the horizon: the work still has to be done, after it.
      const start =
        firstFreeSlot(slot.capacity, slot.bookings, items, now, this.deps.horizonHours) ??
        hourOf(now) + this.deps.horizonHours * HOUR;
      await bookSlot(tx, warehouseId, start, items);
      const fulfillment = await tx.getRepository(FulfillmentRow).save(
        tx.getRepository(FulfillmentRow).create({
          fulfillmentOrderId: order.id,
          orderId: order.orderId,
          warehouseId,
          status: 'ASSIGNED',
          slotStart: new Date(start),
          strategy: this.deps.strategy().name,
        }),
      );
      const bySku = new Map<string, { lineId: string; quantity: number }>();
      for (const line of lines) {
        const key = `${line.lineId}`;
        const seen = bySku.get(key);
        if (seen) seen.quantity += line.quantity;
        else bySku.set(key, { lineId: line.lineId, quantity: line.quantity });
      }
      await tx.getRepository(FulfillmentLineRow).insert(
        [...bySku.values()].map((part) => ({
          fulfillmentId: fulfillment.id,
          fulfillmentOrderLineId: part.lineId,
          sku: lines.find((l) => l.lineId === part.lineId)!.sku,
          quantity: part.quantity,
        })),
      );
    }
  }
}
