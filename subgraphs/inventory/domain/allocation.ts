import { type DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { InventoryItemRow, ReservationLineRow, type ReservationRow } from '../entities';
import { InventoryErrorCode } from '../errors';
import { applyMovement, translateCheckViolation } from './ledger';
import { lockReservation } from './reservations';
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
        const current = await tx
          .getRepository(ReservationLineRow)
          .createQueryBuilder('l')
          .where('l.reservation_id = :id AND l.sku IN (:...skus)', { id: reservation.id, skus })
          .getMany();
        const items = await lockItems(tx, skus);
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
        for (const item of items) {
          const before = current
            .filter((l) => l.inventoryItemId === item.id)
            .reduce((sum, l) => sum + l.quantity, 0);
          const after = targets
            .filter((t) => t.sku === item.sku && t.warehouseId === item.warehouseId)
            .reduce((sum, t) => sum + t.quantity, 0);
          if (after === before) continue;
          await applyMovement(tx, item, {
            kind: after > before ? 'RESERVATION' : 'RELEASE',
            onHandDelta: 0,
            reservedDelta: after - before,
            reason: 'allocated by fulfillment',
            reference: reservation.reference,
          });
        }
        if (current.length)
          await tx.getRepository(ReservationLineRow).delete(current.map((l) => l.id));
        for (const item of items) {
          const quantity = targets
            .filter((t) => t.sku === item.sku && t.warehouseId === item.warehouseId)
            .reduce((sum, t) => sum + t.quantity, 0);
          if (quantity === 0) continue;
          await tx.getRepository(ReservationLineRow).insert({
            reservationId: reservation.id,
            inventoryItemId: item.id,
            sku: item.sku,
            warehouseId: item.warehouseId,
            quantity,
          });
        }
        // Units held beyond what was held before pay off what the reservation still owed.
        for (const sku of skus) {
          const grown =
            targets.filter((t) => t.sku === sku).reduce((sum, t) => sum + t.quantity, 0) -
            current.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
          if (grown <= 0) continue;
          await tx.query(
            `DELETE FROM inventory.reservation_backorder WHERE reservation_id = $1 AND sku = $2 AND quantity <= $3`,
            [reservation.id, sku, grown],
          );
          await tx.query(
            `UPDATE inventory.reservation_backorder SET quantity = quantity - $3 WHERE reservation_id = $1 AND sku = $2`,
            [reservation.id, sku, grown],
          );
        }
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

function lockItems(tx: EntityManager, skus: string[]): Promise<InventoryItemRow[]> {
  return tx
    .getRepository(InventoryItemRow)
    .createQueryBuilder('i')
    .where('i.sku IN (:...skus)', { skus })
    .orderBy('i.id', 'ASC')
    .setLock('pessimistic_write')
    .getMany();
}
