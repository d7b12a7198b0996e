import { type DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { outboxNotifySql } from '../../../platform/outbox';
import { SqlParams, withParts } from '../../../platform/sql-params';
import type { ReservationRow, ReservationStatus } from '../entities';
import { InventoryErrorCode } from '../errors';
import { allocate } from './reserve-allocation';
import {
  lockItems,
  lockLinesOf,
  movementWrites,
  type MovementInput,
  translateCheckViolation,
} from './ledger';
import {
  findReservation,
  lockReservation,
  releasedError,
  RESERVATION_COLUMNS,
  reservationOf,
  type ReservationSqlRow,
  statusUpdateSql,
  linesInsertSql,
} from './reservation-rows';
import { checkReserveLines, MAX_KEY_LENGTH, requireText } from './rules';

export { lockReservation } from './reservation-rows';

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
 * locked in id order, so two transactions never wait for each other in a cycle. A hot SKU
 * is one row every checkout locks: while it is held a transaction sends one statement
 * (all its writes) and COMMIT, so the lock lasts two round trips, not one per write.
 */
export class Reservations {
  constructor(private readonly db: DataSource) {}

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

    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        // A concurrent call with the same reference waits here for the first to finish.
        const inserted: ReservationSqlRow[] = await tx.query(
          `INSERT INTO inventory.reservation (reference, status, expires_at) VALUES ($1, 'ACTIVE', $2)
           ON CONFLICT (reference) DO NOTHING RETURNING ${RESERVATION_COLUMNS}`,
          [reference, new Date(Date.now() + ttl * 1000)],
        );
        if (!inserted[0]) return (await findReservation(tx, 'reference', reference))!;
        const reservation = reservationOf(inserted[0]);

        const skus = [...new Set(lines.map((line) => line.sku))];
        const { items, now } = await lockItems(tx, { skus });
        const { allocated, backordered } = await allocate(lines, items, (short) =>
          backorderable(tx, short),
        );

        const params = new SqlParams();
        const held = items.filter((item) => allocated.has(item.id));
        const parts = movementWrites(
          params,
          new Map(items.map((item) => [item.id, item])),
          now,
          held.map((item) => ({
            item,
            kind: 'RESERVATION',
            onHandDelta: 0,
            reservedDelta: allocated.get(item.id)!,
            reference,
          })),
        );
        const id = params.add(reservation.id, 'uuid');
        if (held.length) {
          parts.push(linesInsertSql(params, id, held, (item) => allocated.get(item.id)!));
        }
        if (backordered.size) {
          parts.push(`INSERT INTO inventory.reservation_backorder (reservation_id, sku, quantity)
            SELECT ${id}, b.sku, b.quantity FROM unnest(${params.add(
              [...backordered.keys()],
              'text[]',
            )}, ${params.add([...backordered.values()], 'int[]')}) AS b(sku, quantity)`);
        }
        if (parts.length)
          await tx.query(withParts(parts, `SELECT ${outboxNotifySql('inventory')}`), params.values);
        return reservation;
      }),
    );
  }

  /** ACTIVE → COMMITTED: the hold stops expiring. Repeating it changes nothing. */
  async commitReservation(id: string): Promise<ReservationRow> {
    // One statement: it waits for a writer holding the row and re-checks ACTIVE after it.
    // TypeORM answers an UPDATE with [rows, count].
    const [committed]: [ReservationSqlRow[], number] = await this.db.query(
      `UPDATE inventory.reservation SET status = 'COMMITTED', expires_at = NULL, updated_at = now()
        WHERE id = $1 AND status = 'ACTIVE' RETURNING ${RESERVATION_COLUMNS}`,
      [id],
    );
    if (committed[0]) return reservationOf(committed[0]);
    const reservation = await findReservation(this.db.manager, 'id', id);
    if (!reservation)
      throw new DomainError(InventoryErrorCode.NOT_FOUND, `Reservation ${id} was not found`, [
        'id',
      ]);
    if (reservation.status === 'RELEASED') throw releasedError(reservation);
    return reservation;
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
        return moveEveryLine(tx, reservation, 'FULFILLED', (quantity) => ({
          kind: 'SHIPMENT',
          onHandDelta: -quantity,
          reservedDelta: -quantity,
          reference: reservation.reference,
        }));
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
        const [row]: ReservationSqlRow[] = await tx.query(
          `SELECT ${RESERVATION_COLUMNS} FROM inventory.reservation
            WHERE status = 'ACTIVE' AND expires_at < $1
            ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [now],
        );
        if (!row) return true;
        await releaseLocked(tx, reservationOf(row), 'expired');
        return false;
      });
      if (done) return released;
      released += 1;
    }
  }
}

/** The SKUs of `skus` that may be sold beyond their stock. */
async function backorderable(tx: EntityManager, skus: string[]): Promise<Set<string>> {
  const rows: { sku: string }[] = await tx.query(
    `SELECT sku FROM inventory.backorder_policy WHERE sku = ANY($1)`,
    [skus],
  );
  return new Set(rows.map((row) => row.sku));
}

/** Gives a locked reservation's units back, one RELEASE movement per line. */
export function releaseLocked(
  tx: EntityManager,
  reservation: ReservationRow,
  reason: string | null,
): Promise<ReservationRow> {
  return moveEveryLine(tx, reservation, 'RELEASED', (quantity) => ({
    kind: 'RELEASE',
    onHandDelta: 0,
    reservedDelta: -quantity,
    reason,
    reference: reservation.reference,
  }));
}

/**
 * One movement per line of a locked reservation and its new status: a statement that locks
 * the items, one that writes everything, then the caller's COMMIT.
 */
async function moveEveryLine(
  tx: EntityManager,
  reservation: ReservationRow,
  status: ReservationStatus,
  movementOf: (quantity: number) => MovementInput,
): Promise<ReservationRow> {
  const { lines, items, now } = await lockLinesOf(tx, reservation.id);
  const params = new SqlParams();
  const parts = movementWrites(
    params,
    items,
    now,
    lines.map((line) => ({ item: line.item, ...movementOf(line.quantity) })),
  );
  parts.push(statusUpdateSql(params, reservation.id, status));
  const [row]: ReservationSqlRow[] = await tx.query(
    withParts(
      parts,
      `SELECT ${RESERVATION_COLUMNS}, ${outboxNotifySql('inventory')} FROM w${parts.length - 1}`,
    ),
    params.values,
  );
  return reservationOf(row!);
}
