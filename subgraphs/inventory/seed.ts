import type { DataSource } from 'typeorm';
import { uuidFromName } from '../../platform/ids';
import type { WarehouseAddress } from './entities';

/** Warehouses and opening stock to start a shop with (`npm start`'s demo shop). */
export interface InventorySeed {
  warehouses: {
    id: string;
    code: string;
    name: string;
    countryCode: string;
    regionCode?: string | null;
    address?: WarehouseAddress | null;
  }[];
  /** Units on hand per warehouse code, for each variant's SKU. */
  products: { variants: { sku: string; stock: Record<string, number> }[] }[];
}

/**
 * Writes the seed warehouses and stock once. Stock arrives as RECEIPT movements, so the
 * ledger explains every unit from the first day (on_hand = sum of movements).
 */
export async function seedInventory(db: DataSource, shop: InventorySeed): Promise<boolean> {
  // Seed warehouses written before warehouses had addresses get theirs (labels need one).
  for (const w of shop.warehouses.filter((w) => w.address)) {
    await db.query(
      `UPDATE inventory.warehouse SET address = $2, region_code = $3 WHERE id = $1 AND address IS NULL`,
      [w.id, JSON.stringify(w.address), w.regionCode ?? null],
    );
  }
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
        `INSERT INTO inventory.warehouse (id, code, name, country_code, region_code, address)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          w.id,
          w.code,
          w.name,
          w.countryCode,
          w.regionCode ?? null,
          w.address ? JSON.stringify(w.address) : null,
        ],
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
