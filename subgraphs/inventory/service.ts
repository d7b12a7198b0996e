import { isUniqueViolation } from '../../platform/db';
import {
  type DataSource,
  type EntityManager,
  In,
  QueryFailedError,
  type Repository,
} from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { liveStream } from '../../platform/live';
import { inventoryTopic, recordInventoryChanged, type InventoryChangedEvent } from './events';
import { DomainError } from '../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../platform/pagination';
import {
  InventoryItemRow,
  ReservationLineRow,
  ReservationRow,
  type ReservationStatus,
  StockMovementRow,
  type StockMovementKind,
  WarehouseRow,
} from './entities';

export interface WarehouseInput {
  code: string;
  name: string;
  countryCode: string;
}

export interface StockReceiveInput {
  sku: string;
  warehouseId: string;
  quantity: number;
  reference?: string | null;
  idempotencyKey?: string | null;
}

export interface StockAdjustInput {
  sku: string;
  warehouseId: string;
  delta: number;
  reason: string;
  idempotencyKey?: string | null;
}

export interface StockReserveInput {
  reference: string;
  lines: { sku: string; quantity: number }[];
  ttlSeconds?: number | null;
}

/** The result of a staff stock mutation: the item as it is now and the ledger entry written. */
export interface StockChange {
  item: InventoryItemRow;
  movement: StockMovementRow;
}

export type MovementFilter = { sku: string } | { inventoryItemId: string };

export const DEFAULT_RESERVATION_TTL_SECONDS = 900;
const MAX_RESERVATION_TTL_SECONDS = 7 * 24 * 3600;
const MAX_RESERVATION_LINES = 200;
const MAX_KEY_LENGTH = 200;

interface ItemRef {
  id: string;
  sku: string;
  warehouseId: string;
}

interface MovementInput {
  kind: StockMovementKind;
  onHandDelta: number;
  reservedDelta: number;
  reason?: string | null;
  reference?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Stock rules. on_hand and reserved change only through `applyMovement`, which writes the
 * ledger row in the same transaction, so that per item on_hand = Σ on_hand_delta and
 * reserved = Σ reserved_delta. Concurrent writers serialize on the inventory_item rows
 * (locked in id order, so two transactions never wait for each other in a cycle); the
 * CHECK constraints are the last line of defence.
 */
export class InventoryService {
  private readonly warehouses: Repository<WarehouseRow>;
  private readonly items: Repository<InventoryItemRow>;
  private readonly movements: Repository<StockMovementRow>;
  private readonly reservations: Repository<ReservationRow>;
  private readonly lines: Repository<ReservationLineRow>;

  constructor(
    private readonly db: DataSource,
    private readonly pubsub: PubSubEngine,
  ) {
    this.warehouses = db.getRepository(WarehouseRow);
    this.items = db.getRepository(InventoryItemRow);
    this.movements = db.getRepository(StockMovementRow);
    this.reservations = db.getRepository(ReservationRow);
    this.lines = db.getRepository(ReservationLineRow);
  }

  allWarehouses(): Promise<WarehouseRow[]> {
    return this.warehouses.find({ order: { code: 'ASC' } });
  }

  warehousesByIds(ids: readonly string[]): Promise<WarehouseRow[]> {
    return this.warehouses.findBy({ id: In([...ids]) });
  }

  itemsByIds(ids: readonly string[]): Promise<InventoryItemRow[]> {
    return this.items.findBy({ id: In([...ids]) });
  }

  /** The items of many SKUs in one statement, each SKU's items by warehouse code. */
  itemsBySkus(skus: readonly string[]): Promise<InventoryItemRow[]> {
    return this.items
      .createQueryBuilder('i')
      .innerJoin(WarehouseRow, 'w', 'w.id = i.warehouse_id')
      .where('i.sku IN (:...skus)', { skus: [...skus] })
      .orderBy('w.code', 'ASC')
      .getMany();
  }

  reservationsByIds(ids: readonly string[]): Promise<ReservationRow[]> {
    return this.reservations.findBy({ id: In([...ids]) });
  }

  linesOfReservations(reservationIds: readonly string[]): Promise<ReservationLineRow[]> {
    return this.lines.find({
      where: { reservationId: In([...reservationIds]) },
      order: { sku: 'ASC', quantity: 'DESC' },
    });
  }

  /** The ledger of a SKU or of one item, newest first (by insertion order). */
  /** The SKU's items now, then every change as it commits (see platform/live.ts). */
  watch(sku: string, warehouseId: string | null): AsyncIterableIterator<InventoryChangedEvent> {
    const matches = (event: InventoryChangedEvent) =>
      !warehouseId || event.warehouseId === warehouseId;
    return liveStream<InventoryChangedEvent>(
      this.pubsub,
      inventoryTopic(sku),
      async () =>
        (await this.itemsBySkus([sku]))
          .map((item) => ({
            itemId: item.id,
            sku: item.sku,
            warehouseId: item.warehouseId,
            onHand: item.onHand,
            reserved: item.reserved,
            lowStockThreshold: item.lowStockThreshold,
            updatedAt: item.updatedAt.toISOString(),
            kind: 'CURRENT',
            movementId: '',
          }))
          .filter(matches),
      matches,
    );
  }

  async listMovements(
    filter: MovementFilter,
    page: PageRequest,
  ): Promise<Connection<StockMovementRow>> {
    const query = this.movements.createQueryBuilder('m');
    if ('sku' in filter) query.where('m.sku = :sku', { sku: filter.sku });
    else query.where('m.inventory_item_id = :itemId', { itemId: filter.inventoryItemId });
    const totalCount = await query.clone().getCount();
    if (page.after) query.andWhere('m.seq < :afterSeq', { afterSeq: page.after[0] });
    const rows = await query
      .orderBy('m.seq', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.seq], totalCount);
  }

  /** Items whose available quantity is under their threshold, by (sku, id). */
  async listLowStockItems(page: PageRequest): Promise<Connection<InventoryItemRow>> {
    const query = this.items
      .createQueryBuilder('i')
      .where('i.on_hand - i.reserved < i.low_stock_threshold');
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [sku, id] = page.after;
      query.andWhere('(i.sku, i.id) > (:afterSku, :afterId)', { afterSku: sku, afterId: id });
    }
    const rows = await query
      .orderBy('i.sku', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.sku, row.id], totalCount);
  }

  async createWarehouse(input: WarehouseInput): Promise<WarehouseRow> {
    const code = input.code.trim().toUpperCase();
    if (!WAREHOUSE_CODE.test(code)) {
      throw new DomainError(
        'INVALID_CODE',
        'Code must be 1-32 letters, digits, dashes or underscores',
        ['code'],
      );
    }
    const countryCode = input.countryCode.trim().toUpperCase();
    if (!COUNTRY.test(countryCode)) {
      throw new DomainError('INVALID_COUNTRY', 'Country must be an ISO 3166-1 alpha-2 code', [
        'countryCode',
      ]);
    }
    const name = requireText(input.name, 'name');
    try {
      return await this.warehouses.save(this.warehouses.create({ code, name, countryCode }));
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('CODE_TAKEN', `Warehouse code ${code} is already used`, ['code']);
      throw error;
    }
  }

  /** Receives goods, creating the item when the SKU is new to the warehouse. */
  async receiveStock(input: StockReceiveInput): Promise<StockChange> {
    const sku = checkSku(input.sku);
    if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
      throw new DomainError('INVALID_QUANTITY', 'Quantity must be a positive whole number', [
        'quantity',
      ]);
    }
    return this.changeStock(sku, input.warehouseId, input.idempotencyKey, () => ({
      kind: 'RECEIPT',
      onHandDelta: input.quantity,
      reservedDelta: 0,
      reference: optionalText(input.reference, 'reference'),
    }));
  }

  /** Corrects on_hand; it may never drop below zero nor below what is reserved. */
  async adjustStock(input: StockAdjustInput): Promise<StockChange> {
    const sku = checkSku(input.sku);
    if (!Number.isSafeInteger(input.delta) || input.delta === 0) {
      throw new DomainError('INVALID_QUANTITY', 'Delta must be a non-zero whole number', ['delta']);
    }
    const reason = requireText(input.reason, 'reason');
    return this.changeStock(sku, input.warehouseId, input.idempotencyKey, (item) => {
      if (item.onHand + input.delta < item.reserved) {
        throw new DomainError(
          'INSUFFICIENT_STOCK',
          `Cannot remove ${-input.delta} of ${sku}: ${item.onHand} on hand, ${item.reserved} reserved`,
          ['delta'],
        );
      }
      return { kind: 'ADJUSTMENT', onHandDelta: input.delta, reservedDelta: 0, reason };
    });
  }

  /**
   * Holds stock for every line, all or nothing, splitting a line over warehouses with the
   * most available first. Idempotent by reference: a repeated call returns the first
   * reservation, whatever its status, and reserves nothing.
   */
  async reserve(input: StockReserveInput): Promise<ReservationRow> {
    const reference = requireText(input.reference, 'reference');
    if (reference.length > MAX_KEY_LENGTH) {
      throw new DomainError('INVALID_REFERENCE', `reference is longer than ${MAX_KEY_LENGTH}`, [
        'reference',
      ]);
    }
    const lines = checkReserveLines(input.lines);
    const ttl = input.ttlSeconds ?? DEFAULT_RESERVATION_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_RESERVATION_TTL_SECONDS) {
      throw new DomainError(
        'INVALID_TTL',
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

        const available = new Map(items.map((item) => [item.id, item.onHand - item.reserved]));
        const allocated = new Map<string, number>();
        for (const [index, line] of lines.entries()) {
          const candidates = items
            .filter((item) => item.sku === line.sku && available.get(item.id)! > 0)
            .sort(
              (a, b) => available.get(b.id)! - available.get(a.id)! || a.id.localeCompare(b.id),
            );
          let missing = line.quantity;
          for (const item of candidates) {
            if (missing === 0) break;
            const take = Math.min(missing, available.get(item.id)!);
            available.set(item.id, available.get(item.id)! - take);
            allocated.set(item.id, (allocated.get(item.id) ?? 0) + take);
            missing -= take;
          }
          if (missing > 0) {
            throw new DomainError(
              'INSUFFICIENT_STOCK',
              `Not enough stock of ${line.sku}: ${line.quantity} requested, ${line.quantity - missing} available`,
              ['lines', String(index)],
            );
          }
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
  releaseReservation(id: string): Promise<ReservationRow> {
    return translateCheckViolation(() =>
      this.db.transaction(async (tx) => {
        const reservation = await lockReservation(tx, id);
        if (reservation.status === 'RELEASED') return reservation;
        if (reservation.status === 'FULFILLED') {
          throw new DomainError(
            'RESERVATION_FULFILLED',
            `Reservation ${reservation.reference} has already shipped`,
            ['id'],
          );
        }
        return this.releaseLocked(tx, reservation, null);
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
            'RESERVATION_NOT_COMMITTED',
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
        await this.releaseLocked(tx, reservation, 'expired');
        return false;
      });
      if (done) return released;
      released += 1;
    }
  }

  private async releaseLocked(
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

  /**
   * One staff stock change: lock (or create) the item, let `decide` check it and pick
   * the deltas, write item and ledger together. With an idempotency key, a retry returns
   * the first movement and the item as it is now.
   */
  private async changeStock(
    sku: string,
    warehouseId: string,
    idempotencyKey: string | null | undefined,
    decide: (item: InventoryItemRow) => MovementInput,
  ): Promise<StockChange> {
    const key = optionalText(idempotencyKey, 'idempotencyKey');
    if (key) {
      const replayed = await this.replay(key, sku, warehouseId);
      if (replayed) return replayed;
    }
    try {
      return await translateCheckViolation(() =>
        this.db.transaction(async (tx) => {
          if (!(await tx.getRepository(WarehouseRow).existsBy({ id: warehouseId }))) {
            throw new DomainError('NOT_FOUND', `Warehouse ${warehouseId} was not found`, [
              'warehouseId',
            ]);
          }
          await tx.query(
            `INSERT INTO inventory.inventory_item (sku, warehouse_id) VALUES ($1, $2)
             ON CONFLICT (sku, warehouse_id) DO NOTHING`,
            [sku, warehouseId],
          );
          const item = await tx
            .getRepository(InventoryItemRow)
            .createQueryBuilder('i')
            .where('i.sku = :sku AND i.warehouse_id = :warehouseId', { sku, warehouseId })
            .setLock('pessimistic_write')
            .getOneOrFail();
          const movement = await applyMovement(tx, item, { ...decide(item), idempotencyKey: key });
          return {
            item: await tx.getRepository(InventoryItemRow).findOneByOrFail({ id: item.id }),
            movement,
          };
        }),
      );
    } catch (error) {
      // A concurrent retry with the same key committed first: answer with its result.
      if (key && isUniqueViolation(error)) {
        const replayed = await this.replay(key, sku, warehouseId);
        if (replayed) return replayed;
      }
      throw error;
    }
  }

  private async replay(key: string, sku: string, warehouseId: string): Promise<StockChange | null> {
    const movement = await this.movements.findOneBy({ idempotencyKey: key });
    if (!movement) return null;
    if (movement.sku !== sku || movement.warehouseId !== warehouseId) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'That idempotency key was used for another stock change',
        ['idempotencyKey'],
      );
    }
    return { item: await this.items.findOneByOrFail({ id: movement.inventoryItemId }), movement };
  }
}

/** The only place on_hand and reserved change: the item and its ledger row, in one transaction. */
async function applyMovement(
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
  return movement;
}

async function lockReservation(tx: EntityManager, id: string): Promise<ReservationRow> {
  const reservation = await tx
    .getRepository(ReservationRow)
    .createQueryBuilder('r')
    .where('r.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  if (!reservation) throw new DomainError('NOT_FOUND', `Reservation ${id} was not found`, ['id']);
  return reservation;
}

/** Lines sorted by item id, so that their UPDATEs lock items in the same order everywhere. */
function linesInLockOrder(tx: EntityManager, reservationId: string): Promise<ReservationLineRow[]> {
  return tx
    .getRepository(ReservationLineRow)
    .find({ where: { reservationId }, order: { inventoryItemId: 'ASC' } });
}

function itemOf(line: ReservationLineRow): ItemRef {
  return { id: line.inventoryItemId, sku: line.sku, warehouseId: line.warehouseId };
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
    'RESERVATION_RELEASED',
    `Reservation ${reservation.reference} was released`,
    ['id'],
  );
}

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const COUNTRY = /^[A-Z]{2}$/;

function checkSku(sku: string): string {
  if (!SKU.test(sku)) {
    throw new DomainError(
      'INVALID_SKU',
      'SKU must be 1-64 letters, digits, dots, dashes or underscores',
      ['sku'],
    );
  }
  return sku;
}

function checkReserveLines(lines: StockReserveInput['lines']): StockReserveInput['lines'] {
  if (lines.length === 0)
    throw new DomainError('REQUIRED', 'A reservation needs at least one line', ['lines']);
  if (lines.length > MAX_RESERVATION_LINES) {
    throw new DomainError(
      'TOO_MANY_LINES',
      `A reservation has at most ${MAX_RESERVATION_LINES} lines`,
      ['lines'],
    );
  }
  for (const [index, line] of lines.entries()) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      throw new DomainError('INVALID_QUANTITY', 'Quantity must be a positive whole number', [
        'lines',
        String(index),
        'quantity',
      ]);
    }
  }
  return lines;
}

function requireText(value: string | null | undefined, field: string): string {
  const text = value?.trim();
  if (!text) throw new DomainError('REQUIRED', `${field} cannot be empty`, [field]);
  return text;
}

function optionalText(value: string | null | undefined, field: string): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (text.length > MAX_KEY_LENGTH)
    throw new DomainError('TOO_LONG', `${field} is longer than ${MAX_KEY_LENGTH}`, [field]);
  return text;
}

function driverCode(error: unknown): string | undefined {
  return error instanceof QueryFailedError
    ? (error.driverError as { code?: string }).code
    : undefined;
}

/** The CHECK constraints should never fire (the rules above come first); if one does, nothing was written. */
async function translateCheckViolation<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (driverCode(error) === '23514') {
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        'Stock cannot go below zero or below what is reserved',
      );
    }
    throw error;
  }
}
