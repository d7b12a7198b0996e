import { type DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { outboxNotifySql } from '../../../platform/outbox';
import { SqlParams, withParts } from '../../../platform/sql-params';
import { ReservationLineRow, type ReservationRow } from '../entities';
import { InventoryErrorCode } from '../errors';
import {
  applyMovement,
  type ItemRef,
  lockItems,
  movementWrites,
  translateCheckViolation,
} from './ledger';
import { lockReservation } from './reservations';
import { linesInsertSql } from './reservation-rows';
import { checkPositive, checkSku, MAX_KEY_LENGTH, requireText } from './rules';

export interface AllocationLine {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export interface ReservationAllocateInput {
  id: string;
  /** Where each SKU of the reservation is to be held from now on; SKUs not named keep their lines. */
  lines: AllocationLine[];
}

export interface ReservationShipInput {
  id: string;
  /** Idempotency key of this shipment (a fulfillment's id): a retry ships nothing again. */
  reference: string;
  warehouseId: string;
  lines: { sku: string; quantity: number }[];
}

/**
 * What fulfillment makes of a reservation after checkout: it moves the hold to the
 * warehouses its strategy chose (checkout reserved wherever most was available), and ships
 * it warehouse by warehouse. Both lock the reservation, then its items in id order.
 */
export class ReservationAllocation {
  constructor(private readonly db: DataSource) {}

  /**
   * Sets, per SKU named, how much of the hold sits in which warehouse. Applied as the net
   * change per item, so repeating the same target changes nothing; a warehouse without
   * the units is INSUFFICIENT_STOCK and nothing moves.
   */
  allocate(input: ReservationAllocateInput): Promise<ReservationRow> {
    const targets = checkLines(input.lines);
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, input.id);
        mustBeHeld(reservation);
        const skus = [...new Set(targets.map((t) => t.sku))];
        // Items are read without a lock: only those whose hold changes are locked below,
        // so an allocation that moves nothing (the usual one) never waits on a hot SKU.
        const { current, items } = await linesAndItems(tx, reservation.id, skus);
        const itemFor = (sku: string, warehouseId: string) =>
          items.find((i) => i.sku === sku && i.warehouseId === warehouseId);
        for (const target of targets) {
          if (!itemFor(target.sku, target.warehouseId)) {
            throw new DomainError(
              InventoryErrorCode.INSUFFICIENT_STOCK,
              `Warehouse ${target.warehouseId} holds no ${target.sku}`,
              ['lines'],
            );
          }
        }
        const heldAfter = (item: ItemRef) =>
          targets
            .filter((t) => t.sku === item.sku && t.warehouseId === item.warehouseId)
            .reduce((sum, t) => sum + t.quantity, 0);
        const moves = items
          .map((item) => {
            const before = current
              .filter((l) => l.itemId === item.id)
              .reduce((sum, l) => sum + l.quantity, 0);
            return { item, delta: heldAfter(item) - before };
          })
          .filter((move) => move.delta !== 0);
        const params = new SqlParams();
        const parts: string[] = [];
        if (moves.length) {
          const locked = await lockItems(tx, { ids: moves.map((m) => m.item.id) });
          parts.push(
            ...movementWrites(
              params,
              new Map(locked.items.map((item) => [item.id, item])),
              locked.now,
              moves.map(({ item, delta }) => ({
                item,
                kind: delta > 0 ? 'RESERVATION' : 'RELEASE',
                onHandDelta: 0,
                reservedDelta: delta,
                reason: 'allocated by fulfillment',
                reference: reservation.reference,
              })),
            ),
          );
        }
        const id = params.add(reservation.id, 'uuid');
        if (current.length)
          parts.push(
            `DELETE FROM inventory.reservation_line WHERE id = ANY(${params.add(
              current.map((l) => l.id),
              'uuid[]',
            )})`,
          );
        const kept = items.filter((item) => heldAfter(item) > 0);
        if (kept.length) {
          parts.push(linesInsertSql(params, id, kept, heldAfter));
        }
        // Units held beyond what was held before pay off what the reservation still owed.
        const grown = skus
          .map((sku) => ({
            sku,
            units:
              targets.filter((t) => t.sku === sku).reduce((sum, t) => sum + t.quantity, 0) -
              current.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0),
          }))
          .filter((g) => g.units > 0);
        if (grown.length) {
          const paid = `unnest(${params.add(
            grown.map((g) => g.sku),
            'text[]',
          )}, ${params.add(
            grown.map((g) => g.units),
            'int[]',
          )}) AS g(sku, units)`;
          parts.push(
            `DELETE FROM inventory.reservation_backorder b USING ${paid}
              WHERE b.reservation_id = ${id} AND b.sku = g.sku AND b.quantity <= g.units`,
            `UPDATE inventory.reservation_backorder b SET quantity = b.quantity - g.units FROM ${paid}
              WHERE b.reservation_id = ${id} AND b.sku = g.sku AND b.quantity > g.units`,
          );
        }
        if (parts.length)
          await tx.query(
            withParts(parts, `SELECT ${moves.length ? outboxNotifySql('inventory') : '1'}`),
            params.values,
          );
        return reservation;
      }),
    );
  }

  /**
   * Reserved → shipped for these lines of one warehouse: the units leave onHand and
   * reserved, and the held lines shrink. The reservation is FULFILLED once nothing is
   * held any more. Idempotent by `reference`.
   */
  ship(input: ReservationShipInput): Promise<ReservationRow> {
    const reference = requireText(input.reference, 'reference', MAX_KEY_LENGTH);
    const lines = input.lines.map((line, index) => {
      checkPositive(
        line.quantity,
        ['lines', String(index), 'quantity'],
        'Quantity must be positive',
      );
      return { sku: checkSku(line.sku), quantity: line.quantity };
    });
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, input.id);
        const first: unknown[] = await tx.query(
          `INSERT INTO inventory.reservation_shipment (reference, reservation_id) VALUES ($1, $2)
           ON CONFLICT (reference) DO NOTHING RETURNING reference`,
          [reference, reservation.id],
        );
        if (first.length === 0) return reservation;
        mustBeHeld(reservation);
        const held = await tx
          .getRepository(ReservationLineRow)
          .find({ where: { reservationId: reservation.id }, order: { inventoryItemId: 'ASC' } });
        for (const [index, line] of lines.entries()) {
          let missing = line.quantity;
          for (const row of held) {
            if (missing === 0) break;
            if (row.sku !== line.sku || row.warehouseId !== input.warehouseId || !row.quantity)
              continue;
            const take = Math.min(missing, row.quantity);
            await applyMovement(
              tx,
              { id: row.inventoryItemId, sku: row.sku, warehouseId: row.warehouseId },
              {
                kind: 'SHIPMENT',
                onHandDelta: -take,
                reservedDelta: -take,
                reference: `${reservation.reference}:${reference}`,
              },
            );
            row.quantity -= take;
            missing -= take;
          }
          if (missing > 0) {
            throw new DomainError(
              InventoryErrorCode.INSUFFICIENT_STOCK,
              `The reservation holds ${line.quantity - missing} of ${line.sku} in that warehouse, not ${line.quantity}`,
              ['lines', String(index), 'quantity'],
            );
          }
        }
        for (const row of held) {
          if (row.quantity === 0) await tx.getRepository(ReservationLineRow).delete(row.id);
          else
            await tx.getRepository(ReservationLineRow).update(row.id, { quantity: row.quantity });
        }
        const owed: unknown[] = await tx.query(
          `SELECT 1 FROM inventory.reservation_backorder WHERE reservation_id = $1 LIMIT 1`,
          [reservation.id],
        );
        if (held.every((row) => row.quantity === 0) && owed.length === 0) {
          await tx.query(
            `UPDATE inventory.reservation SET status = 'FULFILLED', expires_at = NULL, updated_at = now() WHERE id = $1`,
            [reservation.id],
          );
        }
        return reservation;
      }),
    );
  }
}

function mustBeHeld(reservation: ReservationRow): void {
  if (reservation.status !== 'COMMITTED') {
    throw new DomainError(
      reservation.status === 'RELEASED'
        ? InventoryErrorCode.RESERVATION_RELEASED
        : InventoryErrorCode.RESERVATION_NOT_COMMITTED,
      `Reservation ${reservation.reference} is ${reservation.status}`,
      ['id'],
    );
  }
}

function checkLines(lines: AllocationLine[]): AllocationLine[] {
  if (!lines.length || lines.length > 200) {
    throw new DomainError(InventoryErrorCode.TOO_MANY_LINES, 'Between 1 and 200 lines', ['lines']);
  }
  return lines.map((line, index) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) {
      throw new DomainError(InventoryErrorCode.INVALID_QUANTITY, 'Quantity must be 0 or more', [
        'lines',
        String(index),
        'quantity',
      ]);
    }
    return { sku: checkSku(line.sku), warehouseId: line.warehouseId, quantity: line.quantity };
  });
}

/** The reservation's lines of these SKUs, and every item of them (unlocked). */
async function linesAndItems(
  tx: EntityManager,
  reservationId: string,
  skus: string[],
): Promise<{
  current: { id: string; itemId: string; sku: string; quantity: number }[];
  items: ItemRef[];
}> {
  const rows: {
    line: boolean;
    id: string;
    item_id: string;
    sku: string;
    warehouse_id: string;
    quantity: number;
  }[] = await tx.query(
    `SELECT true AS line, l.id, l.inventory_item_id AS item_id, l.sku, l.warehouse_id, l.quantity
       FROM inventory.reservation_line l WHERE l.reservation_id = $1 AND l.sku = ANY($2)
     UNION ALL
     SELECT false, i.id, i.id, i.sku, i.warehouse_id, 0
       FROM inventory.inventory_item i WHERE i.sku = ANY($2)
     ORDER BY line, id`,
    [reservationId, skus],
  );
  return {
    current: rows
      .filter((r) => r.line)
      .map((r) => ({ id: r.id, itemId: r.item_id, sku: r.sku, quantity: r.quantity })),
    items: rows
      .filter((r) => !r.line)
      .map((r) => ({ id: r.id, sku: r.sku, warehouseId: r.warehouse_id })),
  };
}
