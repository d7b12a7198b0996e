import { randomUUID } from 'node:crypto';
import { type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { ReservationLineRow, StockMovementRow, type StockMovementKind } from '../entities';
import { InventoryErrorCode } from '../errors';
import { type OutboxEvent, outboxInsertSql, recordEvent } from '../../../platform/outbox';
import type { SqlParams } from '../../../platform/sql-params';
import {
  inventoryChangedEvents,
  recordInventoryChanged,
  STOCK_RECEIVED_TOPIC,
  type StockReceivedEvent,
} from '../events';

export interface ItemRef {
  id: string;
  sku: string;
  warehouseId: string;
}

export interface MovementInput {
  kind: StockMovementKind;
  onHandDelta: number;
  reservedDelta: number;
  reason?: string | null;
  reference?: string | null;
  idempotencyKey?: string | null;
}

/**
 * The only place on_hand and reserved change: the item and its ledger row (and the
 * outbox event subscribers hear), in one transaction, so that per item on_hand =
 * Σ on_hand_delta and reserved = Σ reserved_delta.
 */
export async function applyMovement(
  tx: EntityManager,
  item: ItemRef,
  change: MovementInput,
): Promise<StockMovementRow> {
  const [levels]: {
    on_hand: number;
    reserved: number;
    low_stock_threshold: number;
    updated_at: Date;
  }[][] = await tx.query(
    `UPDATE inventory.inventory_item
        SET on_hand = on_hand + $2, reserved = reserved + $3, updated_at = now()
      WHERE id = $1
      RETURNING on_hand, reserved, low_stock_threshold, updated_at`,
    [item.id, change.onHandDelta, change.reservedDelta],
  );
  const movements = tx.getRepository(StockMovementRow);
  const movement = await movements.save(
    movements.create({
      inventoryItemId: item.id,
      sku: item.sku,
      warehouseId: item.warehouseId,
      kind: change.kind,
      onHandDelta: change.onHandDelta,
      reservedDelta: change.reservedDelta,
      reason: change.reason ?? null,
      reference: change.reference ?? null,
      idempotencyKey: change.idempotencyKey ?? null,
    }),
  );
  await recordInventoryChanged(tx, {
    itemId: item.id,
    sku: item.sku,
    warehouseId: item.warehouseId,
    onHand: levels![0]!.on_hand,
    reserved: levels![0]!.reserved,
    lowStockThreshold: levels![0]!.low_stock_threshold,
    updatedAt: new Date(levels![0]!.updated_at).toISOString(),
    kind: change.kind,
    movementId: movement.id,
  });
  if (change.kind === 'RECEIPT') {
    const received: StockReceivedEvent = {
      sku: item.sku,
      warehouseId: item.warehouseId,
      quantity: change.onHandDelta,
      onHand: levels![0]!.on_hand,
      reserved: levels![0]!.reserved,
      movementId: movement.id,
    };
    await recordEvent(tx, 'inventory', STOCK_RECEIVED_TOPIC, received);
  }
  return movement;
}

/** An item locked for update: its levels before this transaction's movements. */
export interface LockedItem extends ItemRef {
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
}

export interface PlannedMovement extends MovementInput {
  item: ItemRef;
}

/**
 * The writes of `movements` as CTE bodies of one statement, for items this transaction has
 * locked (`locked`, at transaction time `now`): one UPDATE per item (the sum of its
 * movements), one ledger row per movement in the order given, and per movement the events
 * applyMovement records, with the levels that movement left. The levels are computed here
 * from the locked ones (nobody else can change a locked row), so the statement needs no
 * RETURNING round trip while the locks are held. The caller's statement must also notify
 * the relay (outboxNotifySql). A movement that would break a level throws before anything
 * is written, as the CHECK constraints would.
 */
export function movementWrites(
  params: SqlParams,
  locked: Map<string, LockedItem>,
  now: Date,
  movements: PlannedMovement[],
): string[] {
  if (movements.length === 0) return [];
  const levels = new Map<string, { onHand: number; reserved: number }>();
  const ids: string[] = [];
  const events: OutboxEvent[] = [];
  for (const movement of movements) {
    const item = locked.get(movement.item.id);
    if (!item) throw new Error(`item ${movement.item.id} was not locked`);
    const before = levels.get(item.id) ?? { onHand: item.onHand, reserved: item.reserved };
    const after = {
      onHand: before.onHand + movement.onHandDelta,
      reserved: before.reserved + movement.reservedDelta,
    };
    if (after.onHand < 0 || after.reserved < 0 || after.reserved > after.onHand)
      throw insufficientStock();
    levels.set(item.id, after);
    const id = randomUUID();
    ids.push(id);
    events.push(
      ...inventoryChangedEvents({
        itemId: item.id,
        sku: movement.item.sku,
        warehouseId: movement.item.warehouseId,
        onHand: after.onHand,
        reserved: after.reserved,
        lowStockThreshold: item.lowStockThreshold,
        updatedAt: now.toISOString(),
        kind: movement.kind,
        movementId: id,
      }),
    );
    if (movement.kind === 'RECEIPT') {
      const received: StockReceivedEvent = {
        sku: movement.item.sku,
        warehouseId: movement.item.warehouseId,
        quantity: movement.onHandDelta,
        onHand: after.onHand,
        reserved: after.reserved,
        movementId: id,
      };
      events.push({ topic: STOCK_RECEIVED_TOPIC, payload: received });
    }
  }
  const items = [...levels.keys()];
  const delta = (pick: (m: PlannedMovement) => number) =>
    items.map((id) =>
      movements.filter((m) => m.item.id === id).reduce((sum, m) => sum + pick(m), 0),
    );
  const column = (pick: (m: PlannedMovement) => unknown, type: string) =>
    params.add(movements.map(pick), type);
  return [
    `UPDATE inventory.inventory_item i
        SET on_hand = i.on_hand + d.on_hand, reserved = i.reserved + d.reserved, updated_at = now()
       FROM unnest(${params.add(items, 'uuid[]')}, ${params.add(
         delta((m) => m.onHandDelta),
         'int[]',
       )}, ${params.add(
         delta((m) => m.reservedDelta),
         'int[]',
       )}) AS d(id, on_hand, reserved)
      WHERE i.id = d.id`,
    `INSERT INTO inventory.stock_movement
       (id, inventory_item_id, sku, warehouse_id, kind, on_hand_delta, reserved_delta, reason, reference, idempotency_key)
     SELECT m.id, m.item, m.sku, m.warehouse, m.kind, m.on_hand, m.reserved, m.reason, m.reference, m.key
       FROM unnest(${params.add(ids, 'uuid[]')}, ${column((m) => m.item.id, 'uuid[]')},
                   ${column((m) => m.item.sku, 'text[]')}, ${column((m) => m.item.warehouseId, 'uuid[]')},
                   ${column((m) => m.kind, 'text[]')}, ${column((m) => m.onHandDelta, 'int[]')},
                   ${column((m) => m.reservedDelta, 'int[]')}, ${column((m) => m.reason ?? null, 'text[]')},
                   ${column((m) => m.reference ?? null, 'text[]')}, ${column((m) => m.idempotencyKey ?? null, 'text[]')})
            WITH ORDINALITY AS m(id, item, sku, warehouse, kind, on_hand, reserved, reason, reference, key, n)
      ORDER BY m.n`,
    outboxInsertSql('inventory', events, params),
  ];
}

/** The columns lockItems reads; `now()` is what the movements set updated_at to. */
const LOCKED_COLUMNS = `i.id, i.sku, i.warehouse_id, i.on_hand, i.reserved, i.low_stock_threshold, now() AS now`;

interface LockedRow {
  id: string;
  sku: string;
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
  now: Date;
}

export function lockedItemOf(row: LockedRow): LockedItem {
  return {
    id: row.id,
    sku: row.sku,
    warehouseId: row.warehouse_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    lowStockThreshold: row.low_stock_threshold,
  };
}

/**
 * Locks the items of these SKUs (or with these ids) in id order, the order every writer
 * locks in, so two transactions never wait for each other in a cycle.
 */
export async function lockItems(
  tx: EntityManager,
  by: { skus: string[] } | { ids: string[] },
): Promise<{ items: LockedItem[]; now: Date }> {
  const [where, values] = 'skus' in by ? ['i.sku = ANY($1)', by.skus] : ['i.id = ANY($1)', by.ids];
  const rows: LockedRow[] = await tx.query(
    `SELECT ${LOCKED_COLUMNS} FROM inventory.inventory_item i WHERE ${where} ORDER BY i.id FOR UPDATE`,
    [values],
  );
  return { items: rows.map(lockedItemOf), now: rows[0]?.now ?? new Date() };
}

/**
 * A reservation's lines in item id order with their items locked (FOR UPDATE OF the item:
 * a line itself changes only under the reservation's lock, which the caller holds).
 */
export async function lockLinesOf(
  tx: EntityManager,
  reservationId: string,
): Promise<{
  lines: { item: ItemRef; quantity: number }[];
  items: Map<string, LockedItem>;
  now: Date;
}> {
  const rows: (LockedRow & { line_sku: string; line_warehouse_id: string; quantity: number })[] =
    await tx.query(
      `SELECT ${LOCKED_COLUMNS}, l.sku AS line_sku, l.warehouse_id AS line_warehouse_id, l.quantity
         FROM inventory.reservation_line l JOIN inventory.inventory_item i ON i.id = l.inventory_item_id
        WHERE l.reservation_id = $1
        ORDER BY i.id, l.id
          FOR UPDATE OF i`,
      [reservationId],
    );
  return {
    lines: rows.map((row) => ({
      item: { id: row.id, sku: row.line_sku, warehouseId: row.line_warehouse_id },
      quantity: row.quantity,
    })),
    items: new Map(rows.map((row) => [row.id, lockedItemOf(row)])),
    now: rows[0]?.now ?? new Date(),
  };
}

/** Lines sorted by item id, so that their UPDATEs lock items in the same order everywhere. */
export function linesInLockOrder(
  tx: EntityManager,
  reservationId: string,
): Promise<ReservationLineRow[]> {
  return tx
    .getRepository(ReservationLineRow)
    .find({ where: { reservationId }, order: { inventoryItemId: 'ASC' } });
}

export function itemOf(line: ReservationLineRow): ItemRef {
  return { id: line.inventoryItemId, sku: line.sku, warehouseId: line.warehouseId };
}

function driverCode(error: unknown): string | undefined {
  return error instanceof QueryFailedError
    ? (error.driverError as { code?: string }).code
    : undefined;
}

/** The CHECK constraints should never fire (the rules come first); if one does, nothing was written. */
export async function translateCheckViolation<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (driverCode(error) === '23514') throw insufficientStock();
    throw error;
  }
}

function insufficientStock(): DomainError {
  return new DomainError(
    InventoryErrorCode.INSUFFICIENT_STOCK,
    'Stock cannot go below zero or below what is reserved',
  );
}
