import type { DataSource } from 'typeorm';
import type {
  PriceChangedEvent,
  ProductChangedEvent,
  StockChangedEvent,
} from '../../platform/events/product-topics';
import { PostgresSearchEngine } from './domain/pg-engine';
import { SearchSources } from './domain/sources';

/**
 * Search's part of a demo shop: what catalog, pricing and inventory would have announced
 * of their seeded rows (their seeds write in bulk, without events).
 */
export interface SearchSeed {
  products: Omit<ProductChangedEvent, 'eventId'>[];
  prices: Omit<PriceChangedEvent, 'eventId'>[];
  stock: Omit<StockChangedEvent, 'eventId'>[];
}

/** Writes the sources once (bulk statements) and builds the index from them. */
export async function seedSearch(db: DataSource, seed: SearchSeed): Promise<boolean> {
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM search.product_source`);
  if (count > 0) return false;
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO search.product_source (product_id, version, snapshot)
       SELECT (p->>'productId')::uuid, (p->>'version')::bigint, p FROM jsonb_array_elements($1::jsonb) p`,
      [JSON.stringify(seed.products)],
    );
    await tx.query(
      `INSERT INTO search.variant_source (variant_id, product_id, sku)
       SELECT (v->>'id')::uuid, (p->>'productId')::uuid, v->>'sku'
         FROM jsonb_array_elements($1::jsonb) p, jsonb_array_elements(p->'variants') v`,
      [JSON.stringify(seed.products)],
    );
    await tx.query(
      `INSERT INTO search.variant_price (variant_id, currency, price_list, priority, public, amount)
       SELECT "variantId", currency, "priceList", priority, public, amount
         FROM jsonb_to_recordset($1::jsonb) AS t("variantId" uuid, currency text, "priceList" text,
           priority int, public boolean, amount bigint)`,
      [JSON.stringify(seed.prices)],
    );
    await tx.query(
      `INSERT INTO search.sku_stock (sku, warehouse_id, on_hand, reserved)
       SELECT sku, "warehouseId", "onHand", reserved
         FROM jsonb_to_recordset($1::jsonb) AS t(sku text, "warehouseId" uuid, "onHand" int, reserved int)`,
      [JSON.stringify(seed.stock)],
    );
  });
  await new PostgresSearchEngine(db).rebuild(new SearchSources(db).rebuildSource());
  return true;
}
