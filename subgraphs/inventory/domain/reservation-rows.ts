import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { SqlParams } from '../../../platform/sql-params';
import { ReservationRow, type ReservationStatus } from '../entities';
import { InventoryErrorCode } from '../errors';
import type { ItemRef } from './ledger';

/** What every reservation statement returns, for reservationOf. */
export const RESERVATION_COLUMNS = `id, reference, status, expires_at, created_at, updated_at`;

export interface ReservationSqlRow {
  id: string;
  reference: string;
  status: ReservationStatus;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function reservationOf(row: ReservationSqlRow): ReservationRow {
  return Object.assign(new ReservationRow(), {
    id: row.id,
    reference: row.reference,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export async function findReservation(
  tx: EntityManager,
  by: 'id' | 'reference',
  value: string,
  lock = false,
): Promise<ReservationRow | null> {
  const rows: ReservationSqlRow[] = await tx.query(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.reservation WHERE ${by} = $1${lock ? ' FOR UPDATE' : ''}`,
    [value],
  );
  return rows[0] ? reservationOf(rows[0]) : null;
}

/** Every writer of a reservation's lines or status takes this lock first. */
export async function lockReservation(tx: EntityManager, id: string): Promise<ReservationRow> {
  const reservation = await findReservation(tx, 'id', id, true);
  if (!reservation)
    throw new DomainError(InventoryErrorCode.NOT_FOUND, `Reservation ${id} was not found`, ['id']);
  return reservation;
}

/** Sets the status (the hold stops expiring), as a CTE body returning the reservation. */
export function statusUpdateSql(params: SqlParams, id: string, status: ReservationStatus): string {
  return `UPDATE inventory.reservation SET status = ${params.add(status, 'text')}, expires_at = NULL, updated_at = now()
    WHERE id = ${params.add(id, 'uuid')} RETURNING ${RESERVATION_COLUMNS}`;
}

export function releasedError(reservation: ReservationRow): DomainError {
  return new DomainError(
    InventoryErrorCode.RESERVATION_RELEASED,
    `Reservation ${reservation.reference} was released`,
    ['id'],
  );
}

/**
 * Inserts a reservation's lines, one per item holding `quantityOf(item)` units, in the order
 * given: a statement part for a statement that also writes what the lines hold.
 * `reservation` is the reservation id's placeholder among `params`.
 */
export function linesInsertSql(
  params: SqlParams,
  reservation: string,
  items: readonly ItemRef[],
  quantityOf: (item: ItemRef) => number,
): string {
  const ids = params.add(
    items.map((i) => i.id),
    'uuid[]',
  );
  const skus = params.add(
    items.map((i) => i.sku),
    'text[]',
  );
  const warehouses = params.add(
    items.map((i) => i.warehouseId),
    'uuid[]',
  );
  const quantities = params.add(items.map(quantityOf), 'int[]');
  return `INSERT INTO inventory.reservation_line (reservation_id, inventory_item_id, sku, warehouse_id, quantity)
    SELECT ${reservation}, l.item, l.sku, l.warehouse, l.quantity
      FROM unnest(${ids}, ${skus}, ${warehouses}, ${quantities}) WITH ORDINALITY AS l(item, sku, warehouse, quantity, n)
     ORDER BY l.n`;
}
