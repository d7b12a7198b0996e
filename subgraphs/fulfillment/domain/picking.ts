import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  FulfillmentLineRow,
  FulfillmentRow,
  PickListRow,
  type FulfillmentStatus,
} from '../entities';
import { FulfillmentErrorCode } from '../errors';
import { announce } from './fulfillment-events';
import { checkQuantity, checkReason, checkSkuText } from './rules';

export interface Locked {
  fulfillment: FulfillmentRow;
  lines: FulfillmentLineRow[];
}

/** Loads and locks a fulfillment with its lines; NOT_FOUND otherwise. */
export async function lockFulfillment(tx: EntityManager, id: string): Promise<Locked> {
  const fulfillment = await tx
    .getRepository(FulfillmentRow)
    .createQueryBuilder('f')
    .where('f.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  if (!fulfillment) {
    throw new DomainError(FulfillmentErrorCode.NOT_FOUND, `Fulfillment ${id} was not found`, [
      'fulfillmentId',
    ]);
  }
  const lines = await tx
    .getRepository(FulfillmentLineRow)
    .find({ where: { fulfillmentId: id }, order: { sku: 'ASC', id: 'ASC' } });
  return { fulfillment, lines };
}

export function mustBe(fulfillment: FulfillmentRow, ...statuses: FulfillmentStatus[]): void {
  if (fulfillment.holdReason !== null) {
    throw new DomainError(
      FulfillmentErrorCode.ON_HOLD,
      `Fulfillment is on hold: ${fulfillment.holdReason}`,
      ['fulfillmentId'],
    );
  }
  if (!statuses.includes(fulfillment.status)) {
    throw new DomainError(
      FulfillmentErrorCode.INVALID_STATUS,
      `A fulfillment that is ${fulfillment.status} cannot do this (needs ${statuses.join(' or ')})`,
      ['fulfillmentId'],
    );
  }
}

const open = (line: FulfillmentLineRow) => line.quantity - line.short - line.picked;

/**
 * The warehouse floor: waves of fulfillments on pick lists, the scanner's reads, short
 * picks and packing, holds and releases. Each step locks the fulfillment, checks
 * everything first and changes nothing when it refuses.
 */
export class Picking {
  constructor(private readonly db: DataSource) {}

  /** A wave: up to `max` ASSIGNED fulfillments of the warehouse, earliest slot first. */
  createPickList(warehouseId: string, max = 20): Promise<PickListRow> {
    if (!Number.isSafeInteger(max) || max < 1 || max > 100) {
      throw new DomainError(FulfillmentErrorCode.INVALID_QUANTITY, 'maxFulfillments is 1-100', [
        'maxFulfillments',
      ]);
    }
    return this.db.transaction(async (tx) => {
      const ready = await tx
        .getRepository(FulfillmentRow)
        .createQueryBuilder('f')
        .where(
          `f.warehouse_id = :warehouseId AND f.status = 'ASSIGNED' AND f.hold_reason IS NULL`,
          {
            warehouseId,
          },
        )
        .orderBy('f.slot_start')
        .addOrderBy('f.created_at')
        .addOrderBy('f.id')
        .limit(max)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (!ready.length) {
        throw new DomainError(
          FulfillmentErrorCode.NOTHING_TO_PICK,
          'No assigned fulfillment waits in this warehouse',
          ['warehouseId'],
        );
      }
      const list = await tx.getRepository(PickListRow).save({ warehouseId });
      await tx
        .getRepository(FulfillmentRow)
        .update({ id: In(ready.map((f) => f.id)) }, { status: 'PICKING', pickListId: list.id });
      for (const orderId of new Set(ready.map((f) => f.orderId)))
        await announce.changed(tx, orderId);
      return list;
    });
  }

  /** A scanner read `sku`: `quantity` more units picked. */
  scan(fulfillmentId: string, sku: string, quantity = 1): Promise<FulfillmentRow> {
    const scanned = checkSkuText(sku);
    checkQuantity(quantity, ['quantity']);
    return this.step(fulfillmentId, async (tx, { fulfillment, lines }) => {
      mustBe(fulfillment, 'PICKING');
      const line = onList(lines, scanned);
      const left = lines.filter((l) => l.sku === scanned).reduce((sum, l) => sum + open(l), 0);
      if (quantity > left) {
        throw new DomainError(
          FulfillmentErrorCode.OVER_PICK,
          `Only ${left} of ${scanned} are left to pick`,
          ['quantity'],
        );
      }
      await addPicked(
        tx,
        lines.filter((l) => l.sku === line.sku),
        quantity,
      );
    });
  }

  /** Sets what was picked of each named SKU, as counted. */
  confirm(
    fulfillmentId: string,
    counted: { sku: string; quantity: number }[],
  ): Promise<FulfillmentRow> {
    return this.step(fulfillmentId, async (tx, { fulfillment, lines }) => {
      mustBe(fulfillment, 'PICKING');
      for (const [index, count] of counted.entries()) {
        const sku = checkSkuText(count.sku, ['lines', String(index), 'sku']);
        onList(lines, sku, ['lines', String(index), 'sku']);
        const most = lines
          .filter((l) => l.sku === sku)
          .reduce((s, l) => s + l.quantity - l.short, 0);
        if (!Number.isSafeInteger(count.quantity) || count.quantity < 0 || count.quantity > most) {
          throw new DomainError(
            FulfillmentErrorCode.OVER_PICK,
            `Between 0 and ${most} of ${sku} can be picked`,
            ['lines', String(index), 'quantity'],
          );
        }
      }
      for (const count of counted) {
        const same = lines.filter((l) => l.sku === count.sku.trim());
        for (const line of same) line.picked = 0;
        await addPicked(tx, same, count.quantity);
      }
    });
  }

  /** Units the picker could not find; the fulfillment order assigns them again. */
  short(
    fulfillmentId: string,
    sku: string,
    quantity: number,
    reason: string,
  ): Promise<FulfillmentRow> {
    const scanned = checkSkuText(sku);
    checkQuantity(quantity, ['quantity']);
    const why = checkReason(reason);
    return this.step(fulfillmentId, async (tx, { fulfillment, lines }) => {
      mustBe(fulfillment, 'ASSIGNED', 'PICKING');
      onList(lines, scanned);
      let left = quantity;
      const same = lines.filter((l) => l.sku === scanned);
      if (same.reduce((sum, l) => sum + open(l), 0) < quantity) {
        throw new DomainError(
          FulfillmentErrorCode.OVER_PICK,
          `Fewer than ${quantity} of ${scanned} are left to pick`,
          ['quantity'],
        );
      }
      for (const line of same) {
        const take = Math.min(left, open(line));
        if (!take) continue;
        await tx
          .getRepository(FulfillmentLineRow)
          .update(line.id, { short: line.short + take, shortReason: why });
        line.short += take;
        left -= take;
      }
    });
  }

  pack(fulfillmentId: string): Promise<FulfillmentRow> {
    return this.step(fulfillmentId, async (tx, { fulfillment, lines }) => {
      mustBe(fulfillment, 'PICKED');
      if (!lines.some((l) => l.picked > 0)) {
        throw new DomainError(FulfillmentErrorCode.NOTHING_PICKED, 'Nothing was picked to pack', [
          'fulfillmentId',
        ]);
      }
      await tx.getRepository(FulfillmentRow).update(fulfillment.id, { status: 'PACKED' });
    });
  }

  hold(fulfillmentId: string, reason: string): Promise<FulfillmentRow> {
    const why = checkReason(reason);
    return this.step(fulfillmentId, async (tx, { fulfillment }) => {
      if (fulfillment.status === 'SHIPPED' || fulfillment.status === 'DELIVERED') {
        throw new DomainError(FulfillmentErrorCode.INVALID_STATUS, 'It has already shipped', [
          'fulfillmentId',
        ]);
      }
      await tx.getRepository(FulfillmentRow).update(fulfillment.id, { holdReason: why });
    });
  }

  release(fulfillmentId: string): Promise<FulfillmentRow> {
    return this.step(fulfillmentId, async (tx, { fulfillment }) => {
      if (fulfillment.holdReason === null) {
        throw new DomainError(FulfillmentErrorCode.NOT_ON_HOLD, 'The fulfillment is not on hold', [
          'fulfillmentId',
        ]);
      }
      await tx.getRepository(FulfillmentRow).update(fulfillment.id, { holdReason: null });
    });
  }

  /** Runs a step under the lock; PICKING becomes PICKED once nothing is left to pick. */
  private step(
    fulfillmentId: string,
    body: (tx: EntityManager, locked: Locked) => Promise<void>,
  ): Promise<FulfillmentRow> {
    return this.db.transaction(async (tx) => {
      const locked = await lockFulfillment(tx, fulfillmentId);
      await body(tx, locked);
      const after = await lockFulfillment(tx, fulfillmentId);
      if (after.fulfillment.status === 'PICKING' && after.lines.every((l) => open(l) === 0)) {
        await tx.getRepository(FulfillmentRow).update(fulfillmentId, { status: 'PICKED' });
      }
      await announce.changed(tx, locked.fulfillment.orderId);
      return tx.getRepository(FulfillmentRow).findOneByOrFail({ id: fulfillmentId });
    });
  }
}

function onList(lines: FulfillmentLineRow[], sku: string, field = ['sku']): FulfillmentLineRow {
  const line = lines.find((l) => l.sku === sku);
  if (!line) {
    throw new DomainError(
      FulfillmentErrorCode.SKU_NOT_ON_PICK_LIST,
      `${sku} is not on this fulfillment's pick list`,
      field,
    );
  }
  return line;
}

async function addPicked(tx: EntityManager, lines: FulfillmentLineRow[], quantity: number) {
  let left = quantity;
  for (const line of lines) {
    const take = Math.min(left, line.quantity - line.short - line.picked);
    if (take <= 0) continue;
    line.picked += take;
    left -= take;
  }
  for (const line of lines)
    await tx.getRepository(FulfillmentLineRow).update(line.id, { picked: line.picked });
}
