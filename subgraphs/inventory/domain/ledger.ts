import { type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { ReservationLineRow, StockMovementRow, type StockMovementKind } from '../entities';
import { InventoryErrorCode } from '../errors';
import { recordEvent } from '../../../platform/outbox';
import { recordInventoryChanged, STOCK_RECEIVED_TOPIC, type StockReceivedEvent } from '../events';

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
    if (driverCode(error) === '23514') {
      throw new DomainError(
        InventoryErrorCode.INSUFFICIENT_STOCK,
        'Stock cannot go below zero or below what is reserved',
      );
    }
    throw error;
  }
}
