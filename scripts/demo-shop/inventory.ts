import type { DataSource } from 'typeorm';
import { uuidFromName } from '../../platform/ids';
import type { DemoShop } from './demo-data';

/**
 * Writes the demo warehouses and stock once. Stock arrives as RECEIPT movements, so the
 * ledger explains every unit from the first day (on_hand = sum of movements).
 */
export async function seedInventory(db: DataSource, shop: DemoShop): Promise<boolean> {
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM inventory.warehouse`);
  if (count > 0) return false;
  const warehouseId = new Map(shop.warehouses.map((w) => [w.code, w.id]));
  const items = shop.products.flatMap((product) =>
    product.variants.flatMap((variant) =>
      Object.entries(variant.stock).map(([code, onHand]) => ({
        id: uuidFromName(`inventory-item:${variant.sku}:${code}`),
        sku: variant.sku,
        warehouseId: warehouseId.get(code)!,
        onHand,
      })),
    ),
  );
  await db.transaction(async (tx) => {
    for (const w of shop.warehouses) {
      await tx.query(
        `INSERT INTO inventory.warehouse (id, code, name, country_code) VALUES ($1, $2, $3, $4)`,
        [w.id, w.code, w.name, w.countryCode],
      );
    }
    await tx.query(
      `INSERT INTO inventory.inventory_item (id, sku, warehouse_id, on_hand)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[])`,
      [
        items.map((i) => i.id),
        items.map((i) => i.sku),
        items.map((i) => i.warehouseId),
        items.map((i) => i.onHand),
      ],
    );
    const received = items.filter((i) => i.onHand > 0);
    await tx.query(
      `INSERT INTO inventory.stock_movement (inventory_item_id, sku, warehouse_id, kind, on_hand_delta, reserved_delta, reason)
       SELECT item, sku, warehouse, 'RECEIPT', quantity, 0, 'Opening stock'
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[]) AS t(item, sku, warehouse, quantity)`,
      [
        received.map((i) => i.id),
        received.map((i) => i.sku),
        received.map((i) => i.warehouseId),
        received.map((i) => i.onHand),
      ],
    );
  });
  return true;
}
