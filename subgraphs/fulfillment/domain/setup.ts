import type { DataSource } from 'typeorm';
import { BinRow, SlotBookingRow, WarehouseCapacityRow } from '../entities';
import { checkBinLocation, checkCapacity, type CapacityInput } from './rules';
import { checkSkuText } from './rules';

/** Fulfillment's own data per warehouse: throughput and where each SKU lies. */
export class WarehouseSetup {
  constructor(private readonly db: DataSource) {}

  async setCapacity(warehouseId: string, input: CapacityInput): Promise<WarehouseCapacityRow> {
    const capacity = checkCapacity(input);
    await this.db
      .getRepository(WarehouseCapacityRow)
      .upsert({ warehouseId, ...capacity }, ['warehouseId']);
    return this.db.getRepository(WarehouseCapacityRow).findOneByOrFail({ warehouseId });
  }

  capacities(): Promise<WarehouseCapacityRow[]> {
    return this.db.getRepository(WarehouseCapacityRow).find({ order: { warehouseId: 'ASC' } });
  }

  async setBin(warehouseId: string, sku: string, location: string): Promise<BinRow> {
    const row = { warehouseId, sku: checkSkuText(sku), location: checkBinLocation(location) };
    await this.db.getRepository(BinRow).upsert(row, ['warehouseId', 'sku']);
    return row as BinRow;
  }

  bins(warehouseId: string): Promise<BinRow[]> {
    return this.db
      .getRepository(BinRow)
      .find({ where: { warehouseId }, order: { location: 'ASC', sku: 'ASC' } });
  }

  /** Bins of (warehouse, sku) pairs, for pick lists and slips. */
  async binsOf(keys: readonly string[]): Promise<BinRow[]> {
    if (!keys.length) return [];
    const pairs = keys.map((k) => k.split('|') as [string, string]);
    return this.db.query(
      `SELECT warehouse_id AS "warehouseId", sku, location FROM fulfillment.bin
        WHERE (warehouse_id::text, sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  slots(warehouseId: string, from: Date, hours: number): Promise<SlotBookingRow[]> {
    return this.db
      .getRepository(SlotBookingRow)
      .createQueryBuilder('s')
      .where('s.warehouse_id = :warehouseId AND s.slot_start >= :from AND s.slot_start < :to', {
        warehouseId,
        from,
        to: new Date(from.getTime() + hours * 3_600_000),
      })
      .orderBy('s.slot_start')
      .getMany();
  }
}
