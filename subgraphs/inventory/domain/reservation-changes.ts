import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { OrderReturnReceivedEvent } from '../../../platform/topics';
import { InventoryItemRow, ReservationLineRow, type ReservationRow } from '../entities';
import { InventoryErrorCode } from '../errors';
import { applyMovement, translateCheckViolation } from './ledger';
import { lockReservation } from './reservations';
import { MAX_KEY_LENGTH, requireText } from './rules';

export interface ReservationAdjustInput {
  id: string;
  /** The change's key (an order change id): a repeat finds its movements and adjusts nothing. */
  reference: string;
  lines: { sku: string; delta: number }[];
}

/**
 * An order changed after checkout: its hold grows (more units of a SKU, from the
 * warehouses with the most available) or shrinks (units given back, from the largest
 * lines first), all or nothing, in one transaction with the ledger rows. The reservation
 * row is locked first, so two adjustments of one reservation serialize and the
 * reference check below is exact.
 */
export class ReservationChanges {
  constructor(private readonly db: DataSource) {}

  adjust(input: ReservationAdjustInput): Promise<ReservationRow> {
    const reference = requireText(input.reference, 'reference', MAX_KEY_LENGTH);
    input.lines.forEach((line, index) => {
      if (!Number.isSafeInteger(line.delta) || line.delta === 0 || Math.abs(line.delta) > 10_000) {
        throw new DomainError(
          InventoryErrorCode.INVALID_QUANTITY,
          'delta must be a non-zero integer',
          ['lines', String(index), 'delta'],
        );
      }
    });
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, input.id);
        const done: unknown[] = await tx.query(
          `SELECT 1 FROM inventory.stock_movement WHERE reference = $1 LIMIT 1`,
          [reference],
        );
        if (done.length > 0) return reservation;
        // An order that shipped can still send goods (an exchange's replacement, a claim's
        // reship): its hold opens again, so fulfillment ships from it and the orphan sweep
        // knows it by the order's reference. Nothing can be given back from a shipped hold.
        const grows = input.lines.every((line) => line.delta > 0);
        if (reservation.status === 'FULFILLED' && grows) {
          await tx.query(
            `UPDATE inventory.reservation SET status = 'COMMITTED', updated_at = now() WHERE id = $1`,
            [reservation.id],
          );
        } else if (reservation.status === 'RELEASED' || reservation.status === 'FULFILLED') {
          throw new DomainError(
            reservation.status === 'RELEASED'
              ? InventoryErrorCode.RESERVATION_RELEASED
              : InventoryErrorCode.RESERVATION_FULFILLED,
            `Reservation ${reservation.reference} is ${reservation.status.toLowerCase()}`,
            ['id'],
          );
        }
        const skus = [...new Set(input.lines.map((l) => l.sku))];
        const items = await tx
          .getRepository(InventoryItemRow)
          .createQueryBuilder('i')
          .where('i.sku IN (:...skus)', { skus })
          .orderBy('i.id', 'ASC')
          .setLock('pessimistic_write')
          .getMany();
        const held = await tx
          .getRepository(ReservationLineRow)
          .findBy({ reservationId: reservation.id });
        for (const [index, line] of input.lines.entries()) {
          if (line.delta > 0) await hold(tx, reservation.id, reference, items, held, line, index);
          else await giveBack(tx, reference, held, line, index);
        }
        // Given back all a reopened hold held (a refused exchange): shipped again, as it was.
        await tx.query(
          `UPDATE inventory.reservation r SET status = 'FULFILLED', updated_at = now()
            WHERE r.id = $1 AND r.status = 'COMMITTED'
              AND EXISTS (SELECT 1 FROM inventory.reservation_shipment s WHERE s.reservation_id = r.id)
              AND NOT EXISTS (SELECT 1 FROM inventory.reservation_line l
                               WHERE l.reservation_id = r.id AND l.quantity > 0)
              AND NOT EXISTS (SELECT 1 FROM inventory.reservation_backorder b
                               WHERE b.reservation_id = r.id)`,
          [reservation.id],
        );
        return reservation;
      }),
    );
  }

  /**
   * Orders' returned goods in good condition go back on the shelf: one RETURN movement
   * per returned item, keyed by the item (a redelivered event restocks nothing twice),
   * into the warehouse the order's hold took the SKU from (else the first that stocks it).
   */
  async restock(tx: EntityManager, event: OrderReturnReceivedEvent): Promise<void> {
    for (const item of event.items) {
      const key = `return-item:${item.itemKey}`;
      const seen: unknown[] = await tx.query(
        `SELECT 1 FROM inventory.stock_movement WHERE idempotency_key = $1`,
        [key],
      );
      if (seen.length > 0) continue;
      const [target]: { id: string; sku: string; warehouse_id: string }[] = await tx.query(
        `SELECT i.id, i.sku, i.warehouse_id FROM inventory.inventory_item i
          LEFT JOIN inventory.reservation_line l
            ON l.inventory_item_id = i.id AND l.reservation_id::text = $2
          WHERE i.sku = $1
          ORDER BY (l.id IS NULL), i.id LIMIT 1 FOR UPDATE OF i`,
        [item.sku, event.reservationId ?? ''],
      );
      if (!target) continue;
      await applyMovement(
        tx,
        { id: target.id, sku: target.sku, warehouseId: target.warehouse_id },
        {
          kind: 'RETURN',
          onHandDelta: item.quantity,
          reservedDelta: 0,
          reason: 'customer return',
          reference: `return:${event.returnId}`,
          idempotencyKey: key,
        },
      );
    }
  }
}

async function hold(
  tx: EntityManager,
  reservationId: string,
  reference: string,
  items: InventoryItemRow[],
  held: ReservationLineRow[],
  line: { sku: string; delta: number },
  index: number,
): Promise<void> {
  const candidates = items
    .filter((i) => i.sku === line.sku && i.onHand - i.reserved > 0)
    .sort((a, b) => b.onHand - b.reserved - (a.onHand - a.reserved) || a.id.localeCompare(b.id));
  let missing = line.delta;
  for (const item of candidates) {
    if (missing === 0) break;
    const take = Math.min(missing, item.onHand - item.reserved);
    missing -= take;
    item.reserved += take;
    await applyMovement(tx, item, {
      kind: 'RESERVATION',
      onHandDelta: 0,
      reservedDelta: take,
      reference,
    });
    const existing = held.find((h) => h.inventoryItemId === item.id);
    if (existing) {
      existing.quantity += take;
      await tx
        .getRepository(ReservationLineRow)
        .update(existing.id, { quantity: existing.quantity });
    } else {
      const row = await tx.getRepository(ReservationLineRow).save(
        tx.getRepository(ReservationLineRow).create({
          reservationId,
          inventoryItemId: item.id,
          sku: item.sku,
          warehouseId: item.warehouseId,
          quantity: take,
        }),
      );
      held.push(row);
    }
  }
  if (missing > 0) {
    throw new DomainError(
      InventoryErrorCode.INSUFFICIENT_STOCK,
      `Not enough stock of ${line.sku}: ${line.delta} more requested, ${line.delta - missing} available`,
      ['lines', String(index)],
    );
  }
}

async function giveBack(
  tx: EntityManager,
  reference: string,
  held: ReservationLineRow[],
  line: { sku: string; delta: number },
  index: number,
): Promise<void> {
  let rest = -line.delta;
  const lines = held.filter((h) => h.sku === line.sku && h.quantity > 0);
  if (lines.reduce((sum, h) => sum + h.quantity, 0) < rest) {
    throw new DomainError(
      InventoryErrorCode.INVALID_QUANTITY,
      `The reservation holds fewer than ${rest} of ${line.sku}`,
      ['lines', String(index), 'delta'],
    );
  }
  for (const h of lines.sort((a, b) => b.quantity - a.quantity)) {
    if (rest === 0) break;
    const take = Math.min(rest, h.quantity);
    rest -= take;
    h.quantity -= take;
    await applyMovement(
      tx,
      { id: h.inventoryItemId, sku: h.sku, warehouseId: h.warehouseId },
      { kind: 'RELEASE', onHandDelta: 0, reservedDelta: -take, reason: 'order changed', reference },
    );
    if (h.quantity === 0) await tx.getRepository(ReservationLineRow).delete(h.id);
    else await tx.getRepository(ReservationLineRow).update(h.id, { quantity: h.quantity });
  }
}
