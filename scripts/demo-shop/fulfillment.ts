import type { DataSource } from 'typeorm';
import type { DemoShop } from './demo-data';

/**
 * The demo warehouses' capacities and bins, once. The first warehouse is the big one
 * (6 orders a slot, 07-22 UTC), the others smaller, so capacity-aware assignment has
 * something to choose; bins walk aisles A-F in SKU order.
 */
export async function seedFulfillment(db: DataSource, shop: DemoShop): Promise<boolean> {
  const [{ count }] = await db.query(
    `SELECT count(*)::int AS count FROM fulfillment.warehouse_capacity`,
  );
  if (count > 0) return false;
  await db.transaction(async (tx) => {
    for (const [index, warehouse] of shop.warehouses.entries()) {
      const big = index === 0;
      await tx.query(
        `INSERT INTO fulfillment.warehouse_capacity
           (warehouse_id, orders_per_day, items_per_hour, orders_per_slot, open_hour, close_hour)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [warehouse.id, big ? 90 : 40, big ? 60 : 25, big ? 6 : 3, big ? 7 : 8, big ? 22 : 18],
      );
      const skus = shop.products
        .flatMap((p) => p.variants)
        .filter((v) => (v.stock[warehouse.code] ?? 0) > 0)
        .map((v) => v.sku)
        .sort();
      const aisles = 'ABCDEF';
      await tx.query(
        `INSERT INTO fulfillment.bin (warehouse_id, sku, location)
         SELECT $1, sku, location FROM unnest($2::text[], $3::text[]) AS t(sku, location)`,
        [
          warehouse.id,
          skus,
          skus.map((_, i) => {
            const aisle = aisles[Math.floor(i / 120) % aisles.length];
            const rack = String(Math.floor((i % 120) / 6) + 1).padStart(2, '0');
            return `${aisle}-${rack}-${(i % 6) + 1}`;
          }),
        ],
      );
    }
  });
  return true;
}
