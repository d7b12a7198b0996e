import type { DataSource } from 'typeorm';

/** Warehouses to start a shop's floor with (`npm start`'s demo shop): ids are inventory's. */
export interface FulfillmentSeed {
  warehouses: {
    id: string;
    /** The big one gets more orders a slot and longer hours. */
    big: boolean;
    /** The SKUs it stocks, given bins along aisles A-F in this order. */
    skus: string[];
  }[];
}

/**
 * Capacities and bins for the seed's warehouses, once (nothing when any capacity exists):
 * the big one 6 orders a slot, 07-22 UTC, the others 3, 08-18, so capacity-aware
 * assignment has something to choose.
 */
export async function seedFulfillment(db: DataSource, seed: FulfillmentSeed): Promise<boolean> {
  const [{ count }] = await db.query(
    `SELECT count(*)::int AS count FROM fulfillment.warehouse_capacity`,
  );
  if (count > 0) return false;
  await db.transaction(async (tx) => {
    for (const warehouse of seed.warehouses) {
      const big = warehouse.big;
      await tx.query(
        `INSERT INTO fulfillment.warehouse_capacity
           (warehouse_id, orders_per_day, items_per_hour, orders_per_slot, open_hour, close_hour)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [warehouse.id, big ? 90 : 40, big ? 60 : 25, big ? 6 : 3, big ? 7 : 8, big ? 22 : 18],
      );
      await tx.query(
        `INSERT INTO fulfillment.bin (warehouse_id, sku, location)
         SELECT $1, sku, location FROM unnest($2::text[], $3::text[]) AS t(sku, location)`,
        [warehouse.id, warehouse.skus, warehouse.skus.map(binLocation)],
      );
    }
  });
  return true;
}

/** The i-th bin: aisle A-F, rack 01-20, shelf 1-6. */
function binLocation(_sku: string, i: number): string {
  const aisle = 'ABCDEF'[Math.floor(i / 120) % 6];
  const rack = String(Math.floor((i % 120) / 6) + 1).padStart(2, '0');
  return `${aisle}-${rack}-${(i % 6) + 1}`;
}
