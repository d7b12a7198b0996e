import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  InventoryItemRow,
  ReservationLineRow,
  ReservationRow,
  type ReservationStatus,
} from '../entities';
import { InventoryErrorCode } from '../errors';
import { applyMovement, itemOf, linesInLockOrder, translateCheckViolation } from './ledger';
import { checkReserveLines, MAX_KEY_LENGTH, requireText } from './rules';

export interface StockReserveInput {
  reference: string;
  lines: { sku: string; quantity: number }[];
  ttlSeconds?: number | null;
}

export const DEFAULT_RESERVATION_TTL_SECONDS = 900;
const MAX_RESERVATION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Holds for checkouts: ACTIVE (expires) → COMMITTED (an order holds it) → FULFILLED
 * (shipped), or → RELEASED. Concurrent writers serialize on the inventory_item rows,
 * locked in id order, so two transactions never wait for each other in a cycle.
 */
export class Reservations {
  private readonly reservations: Repository<ReservationRow>;

  constructor(private readonly db: DataSource) {
    this.reservations = db.getRepository(ReservationRow);
  }

  /**
   * Holds stock for every line, all or nothing, splitting a line over warehouses with the
   * most available first. Idempotent by reference: a repeated call returns the first
   * reservation, whatever its status, and reserves nothing.
   */
  async reserve(input: StockReserveInput): Promise<ReservationRow> {
    if ((input.reference?.trim().length ?? 0) > MAX_KEY_LENGTH) {
      throw new DomainError(
        InventoryErrorCode.INVALID_REFERENCE,
        `reference is longer than ${MAX_KEY_LENGTH}`,
        ['reference'],
      );
    }
    const reference = requireText(input.reference, 'reference', MAX_KEY_LENGTH);
    const lines = checkReserveLines(input.lines);
    const ttl = input.ttlSeconds ?? DEFAULT_RESERVATION_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_RESERVATION_TTL_SECONDS) {
      throw new DomainError(
        InventoryErrorCode.INVALID_TTL,
        `ttlSeconds must be between 1 and ${MAX_RESERVATION_TTL_SECONDS}`,
        ['ttlSeconds'],
      );
    }

    const existing = await this.reservations.findOneBy({ reference });
    if (existing) return existing;

    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        // A concurrent call with the same reference waits here for the first to finish.
        const inserted: { id: string }[] = await tx.query(
          `INSERT INTO inventory.reservation (reference, status, expires_at) VALUES ($1, 'ACTIVE', $2)
           ON CONFLICT (reference) DO NOTHING RETURNING id`,
          [reference, new Date(Date.now() + ttl * 1000)],
        );
        const reservationId = inserted[0]?.id;
        if (!reservationId) return tx.getRepository(ReservationRow).findOneByOrFail({ reference });

        const skus = [...new Set(lines.map((line) => line.sku))];
        const items = await tx
          .getRepository(InventoryItemRow)
          .createQueryBuilder('i')
          .where('i.sku IN (:...skus)', { skus })
          .orderBy('i.id', 'ASC')
          .setLock('pessimistic_write')
          .getMany();
        const backorderable: { sku: string }[] = await tx.query(
          `SELECT sku FROM inventory.backorder_policy WHERE sku = ANY($1)`,
          [skus],
        );
        const { allocated, backordered } = allocate(
          lines,
          items,
          new Set(backorderable.map((p) => p.sku)),
        );
        for (const [sku, quantity] of backordered) {
          await tx.query(
            `INSERT INTO inventory.reservation_backorder (reservation_id, sku, quantity) VALUES ($1, $2, $3)
             ON CONFLICT (reservation_id, sku) DO UPDATE SET quantity = reservation_backorder.quantity + EXCLUDED.quantity`,
            [reservationId, sku, quantity],
          );
        }

        // Items are already locked in id order; update them in the same order.
        for (const item of items) {
          const quantity = allocated.get(item.id);
          if (!quantity) continue;
          await applyMovement(tx, item, {
            kind: 'RESERVATION',
            onHandDelta: 0,
            reservedDelta: quantity,
            reference,
          });
          await tx.getRepository(ReservationLineRow).insert({
            reservationId,
            inventoryItemId: item.id,
            sku: item.sku,
            warehouseId: item.warehouseId,
            quantity,
          });
        }
        return tx.getRepository(ReservationRow).findOneByOrFail({ id: reservationId });
      }),
    );
  }

  /** ACTIVE → COMMITTED: the hold stops expiring. Repeating it changes nothing. */
  commitReservation(id: string): Promise<ReservationRow> {
    return this.db.transaction(async (tx) => {
      const reservation = await lockReservation(tx, id);
      if (reservation.status === 'RELEASED') throw releasedError(reservation);
      if (reservation.status !== 'ACTIVE') return reservation;
      return setStatus(tx, reservation, 'COMMITTED');
    });
  }

  /** ACTIVE or COMMITTED → RELEASED: the units become available again. Repeating it changes nothing. */
  releaseReservation(id: string, reason: string | null = null): Promise<ReservationRow> {
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, id);
        if (reservation.status === 'RELEASED') return reservation;
        if (reservation.status === 'FULFILLED') {
          throw new DomainError(
            InventoryErrorCode.RESERVATION_FULFILLED,
            `Reservation ${reservation.reference} has already shipped`,
            ['id'],
          );
        }
        return releaseLocked(tx, reservation, reason);
      }),
    );
  }

  /** COMMITTED → FULFILLED: the units leave the warehouse. Repeating it changes nothing. */
  fulfillReservation(id: string): Promise<ReservationRow> {
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, id);
        if (reservation.status === 'FULFILLED') return reservation;
        if (reservation.status === 'RELEASED') throw releasedError(reservation);
        if (reservation.status === 'ACTIVE') {
          throw new DomainError(
            InventoryErrorCode.RESERVATION_NOT_COMMITTED,
            `Reservation ${reservation.reference} must be committed first`,
            ['id'],
          );
        }
        for (const line of await linesInLockOrder(tx, reservation.id)) {
          await applyMovement(tx, itemOf(line), {
            kind: 'SHIPMENT',
            onHandDelta: -line.quantity,
            reservedDelta: -line.quantity,
            reference: reservation.reference,
          });
        }
        return setStatus(tx, reservation, 'FULFILLED');
      }),
    );
  }

  /**
   * Releases every ACTIVE reservation that expired before `now`, each in its own
   * transaction. SKIP LOCKED lets several sweepers (one per replica) share the work, and
   * skips a reservation that is being committed right now.
   */
  async releaseExpiredReservations(now = new Date()): Promise<number> {
    let released = 0;
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const reservation = await tx
          .getRepository(ReservationRow)
          .createQueryBuilder('r')
          .where(`r.status = 'ACTIVE' AND r.expires_at < :now`, { now })
          .orderBy('r.expires_at', 'ASC')
          .limit(1)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getOne();
        if (!reservation) return true;
        await releaseLocked(tx, reservation, 'expired');
        return false;
      });
      if (done) return released;
      released += 1;
    }
  }
}

/**
 * Splits each line over the items of its SKU, most available first; all or nothing,
 * except that what a backorderable SKU lacks is owed (backordered) instead of refused.
 */
function allocate(
  lines: StockReserveInput['lines'],
  items: InventoryItemRow[],
  backorderable: Set<string>,
): { allocated: Map<string, number>; backordered: Map<string, number> } {
  const backordered = new Map<string, number>();
  const available = new Map(items.map((item) => [item.id, item.onHand - item.reserved]));
  const allocated = new Map<string, number>();
  for (const [index, line] of lines.entries()) {
    const candidates = items
      .filter((item) => item.sku === line.sku && available.get(item.id)! > 0)
      .sort((a, b) => available.get(b.id)! - available.get(a.id)! || a.id.localeCompare(b.id));
    let missing = line.quantity;
    for (const item of candidates) {
      if (missing === 0) break;
      const take = Math.min(missing, available.get(item.id)!);
      available.set(item.id, available.get(item.id)! - take);
      allocated.set(item.id, (allocated.get(item.id) ?? 0) + take);
      missing -= take;
    }
    if (missing > 0 && backorderable.has(line.sku)) {
      backordered.set(line.sku, (backordered.get(line.sku) ?? 0) + missing);
    } else if (missing > 0) {
      throw new DomainError(
        InventoryErrorCode.INSUFFICIENT_STOCK,
        `Not enough stock of ${line.sku}: ${line.quantity} requested, ${line.quantity - missing} available`,
        ['lines', String(index)],
      );
    }
  }
  return { allocated, backordered };
}

export async function lockReservation(tx: EntityManager, id: string): Promise<ReservationRow> {
  const reservation = await tx
    .getRepository(ReservationRow)
    .createQueryBuilder('r')
    .where('r.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  if (!reservation)
    throw new DomainError(InventoryErrorCode.NOT_FOUND, `Reservation ${id} was not found`, ['id']);
  return reservation;
}

/** Gives a locked reservation's units back, one RELEASE movement per line. */
export async function releaseLocked(
  tx: EntityManager,
  reservation: ReservationRow,
  reason: string | null,
): Promise<ReservationRow> {
  for (const line of await linesInLockOrder(tx, reservation.id)) {
    await applyMovement(tx, itemOf(line), {
      kind: 'RELEASE',
      onHandDelta: 0,
      reservedDelta: -line.quantity,
      reason,
      reference: reservation.reference,
    });
  }
  return setStatus(tx, reservation, 'RELEASED');
}

async function setStatus(
  tx: EntityManager,
  reservation: ReservationRow,
  status: ReservationStatus,
): Promise<ReservationRow> {
  await tx
    .getRepository(ReservationRow)
    .update(reservation.id, { status, expiresAt: null, updatedAt: () => 'now()' });
  return tx.getRepository(ReservationRow).findOneByOrFail({ id: reservation.id });
}

function releasedError(reservation: ReservationRow): DomainError {
  return new DomainError(
    InventoryErrorCode.RESERVATION_RELEASED,
    `Reservation ${reservation.reference} was released`,
    ['id'],
  );
}
