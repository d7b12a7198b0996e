import type { DataSource, EntityManager } from 'typeorm';
import type {
  PriceChangedEvent,
  ProductChangedEvent,
  RatingChangedEvent,
  StockChangedEvent,
} from '../../../platform/events/product-topics';
import type { IndexDocument, RebuildSource } from './engine';

type Db = DataSource | EntityManager;

/**
 * Search's copy of what catalog, pricing, inventory and reviews announced: the sources
 * every index document is built from, and what a rebuild reads. Never another domain's
 * tables. Each `apply*` returns the products whose document must be indexed again.
 */
export class SearchSources {
  constructor(private readonly db: DataSource) {}

  /**
   * Every change of the sources runs under this (shared) lock, so that a rebuild's mark,
   * taken under the exclusive one, comes after every change it cannot see.
   */
  async guard(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock_shared(hashtext('search:sources'))`);
  }

  /** A snapshot older than the one kept (events crossing on the way) changes nothing. */
  async applyProduct(tx: EntityManager, event: ProductChangedEvent): Promise<string[]> {
    const kept: unknown[] = await tx.query(
      `INSERT INTO search.product_source (product_id, version, snapshot, removed)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (product_id) DO UPDATE
         SET version = EXCLUDED.version, snapshot = EXCLUDED.snapshot,
             removed = EXCLUDED.removed, changed_at = clock_timestamp()
       WHERE search.product_source.version < EXCLUDED.version
       RETURNING product_id`,
      [event.productId, event.version, JSON.stringify(event), event.removed === true],
    );
    if (kept.length === 0) return [];
    const variants = event.removed ? [] : event.variants;
    await tx.query(
      `DELETE FROM search.variant_source WHERE product_id = $1 AND NOT (variant_id = ANY($2::uuid[]))`,
      [event.productId, variants.map((v) => v.id)],
    );
    if (variants.length > 0) {
      await tx.query(
        `INSERT INTO search.variant_source (variant_id, product_id, sku)
         SELECT v, $1, s FROM unnest($2::uuid[], $3::text[]) AS t(v, s)
         ON CONFLICT (variant_id) DO UPDATE SET product_id = EXCLUDED.product_id, sku = EXCLUDED.sku`,
        [event.productId, variants.map((v) => v.id), variants.map((v) => v.sku)],
      );
    }
    return [event.productId];
  }

  async applyPrice(tx: EntityManager, event: PriceChangedEvent): Promise<string[]> {
    await tx.query(
      `INSERT INTO search.variant_price (variant_id, currency, price_list, priority, public, amount)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (variant_id, currency, price_list) DO UPDATE
         SET priority = EXCLUDED.priority, public = EXCLUDED.public, amount = EXCLUDED.amount,
             changed_at = clock_timestamp()`,
      [
        event.variantId,
        event.currency,
        event.priceList,
        event.priority,
        event.public,
        event.amount,
      ],
    );
    return this.productsOf(tx, `variant_id = $1`, [event.variantId]);
  }

  /**
   * A document holds only whether a product can be bought (some warehouse has stock
   * beyond its reservations), so a change that leaves this warehouse's row on the same
   * side of zero reindexes nothing: most sales and reservations are such changes. The
   * row is read under its lock, so a replica's concurrent change is seen, not raced.
   */
  async applyStock(tx: EntityManager, event: StockChangedEvent): Promise<string[]> {
    const before: { available: boolean }[] = await tx.query(
      `SELECT on_hand - reserved > 0 AS available FROM search.sku_stock
        WHERE sku = $1 AND warehouse_id = $2 FOR UPDATE`,
      [event.sku, event.warehouseId],
    );
    await tx.query(
      `INSERT INTO search.sku_stock (sku, warehouse_id, on_hand, reserved) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sku, warehouse_id) DO UPDATE
         SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, changed_at = clock_timestamp()`,
      [event.sku, event.warehouseId, event.onHand, event.reserved],
    );
    if (before[0] && before[0].available === event.onHand - event.reserved > 0) return [];
    return this.productsOf(tx, `sku = $1`, [event.sku]);
  }

  async applyRating(tx: EntityManager, event: RatingChangedEvent): Promise<string[]> {
    await tx.query(
      `INSERT INTO search.product_rating (product_id, average, count) VALUES ($1, $2, $3)
       ON CONFLICT (product_id) DO UPDATE
         SET average = EXCLUDED.average, count = EXCLUDED.count, changed_at = clock_timestamp()`,
      [event.productId, Math.min(5, Math.max(0, event.average)), Math.max(0, event.count)],
    );
    return [event.productId];
  }

  private async productsOf(tx: EntityManager, where: string, params: unknown[]) {
    const rows: { product_id: string }[] = await tx.query(
      `SELECT DISTINCT product_id FROM search.variant_source WHERE ${where}`,
      params,
    );
    return rows.map((row) => row.product_id);
  }

  /** The documents of these products as the sources say now; removed ones are left out. */
  async documents(productIds: string[], db: Db = this.db): Promise<IndexDocument[]> {
    if (productIds.length === 0) return [];
    const rows: DocumentRow[] = await db.query(
      `${DOCUMENTS_SQL} WHERE s.product_id = ANY($1::uuid[])`,
      [productIds],
    );
    return rows.filter((row) => !row.removed).map(toDocument);
  }

  /** What a rebuild reads: every product, in batches, then what changed meanwhile. */
  rebuildSource(batchSize = 500): RebuildSource {
    const db = this.db;
    return {
      mark: () =>
        db.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(hashtext('search:sources'))`);
          const [{ now }] = await tx.query(`SELECT clock_timestamp() AS now`);
          return new Date(now);
        }),
      async *all() {
        let after = '00000000-0000-0000-0000-000000000000';
        for (;;) {
          const rows: DocumentRow[] = await db.query(
            `${DOCUMENTS_SQL} WHERE s.product_id > $1 AND NOT s.removed ORDER BY s.product_id LIMIT $2`,
            [after, batchSize],
          );
          if (rows.length === 0) return;
          yield rows.map(toDocument);
          after = rows[rows.length - 1]!.product_id;
        }
      },
      async changedSince(since: Date) {
        const rows: DocumentRow[] = await db.query(
          `${DOCUMENTS_SQL} WHERE s.changed_at > $1
              OR s.product_id IN (
                SELECT v.product_id FROM search.variant_source v
                  JOIN search.variant_price p ON p.variant_id = v.variant_id WHERE p.changed_at > $1
                UNION SELECT v.product_id FROM search.variant_source v
                  JOIN search.sku_stock k ON k.sku = v.sku WHERE k.changed_at > $1
                UNION SELECT product_id FROM search.product_rating WHERE changed_at > $1)`,
          [since],
        );
        return {
          documents: rows.filter((row) => !row.removed).map(toDocument),
          removed: rows.filter((row) => row.removed).map((row) => row.product_id),
        };
      },
    };
  }
}

interface DocumentRow {
  product_id: string;
  snapshot: ProductChangedEvent;
  removed: boolean;
  prices: Record<string, { min: number | string; max: number | string }>;
  in_stock: boolean;
  average: number | null;
  count: number | null;
}

// The price shown per currency is the one checkout charges for one unit: the public list
// of highest priority that prices the variant.
const DOCUMENTS_SQL = `
  SELECT s.product_id, s.snapshot, s.removed,
    (SELECT coalesce(jsonb_object_agg(currency, jsonb_build_object('min', lo, 'max', hi)), '{}'::jsonb)
       FROM (SELECT currency, min(amount) AS lo, max(amount) AS hi FROM (
               SELECT DISTINCT ON (p.variant_id, p.currency) p.currency, p.amount
                 FROM search.variant_price p
                 JOIN search.variant_source v ON v.variant_id = p.variant_id
                WHERE v.product_id = s.product_id AND p.public
                ORDER BY p.variant_id, p.currency, p.priority DESC, p.price_list) one
             GROUP BY currency) per_currency) AS prices,
    EXISTS (SELECT 1 FROM search.variant_source v JOIN search.sku_stock k ON k.sku = v.sku
             WHERE v.product_id = s.product_id AND k.on_hand - k.reserved > 0) AS in_stock,
    r.average, r.count
  FROM search.product_source s LEFT JOIN search.product_rating r ON r.product_id = s.product_id`;

function toDocument(row: DocumentRow): IndexDocument {
  const snapshot = row.snapshot;
  const options = new Map<string, { name: string; value: string }>();
  for (const variant of snapshot.variants) {
    for (const option of variant.options ?? [])
      options.set(`${option.name}=${option.value}`, option);
  }
  return {
    productId: row.product_id,
    visible: !row.removed && snapshot.status === 'ACTIVE',
    name: snapshot.name,
    description: snapshot.description ?? '',
    locale: snapshot.locale ?? 'en',
    brand: snapshot.brand,
    categories: snapshot.categories ?? [],
    options: [...options.values()],
    skus: snapshot.variants.map((variant) => variant.sku),
    attributes: (snapshot.attributes ?? []).map((a) => ({ code: a.code, values: a.values })),
    minimumAge: snapshot.minimumAge ?? null,
    deniedCountries: snapshot.deniedCountries ?? [],
    prices: Object.fromEntries(
      Object.entries(row.prices).map(([currency, p]) => [
        currency,
        { min: Number(p.min), max: Number(p.max) },
      ]),
    ),
    inStock: row.in_stock,
    rating: row.average == null ? null : { average: row.average, count: row.count ?? 0 },
    createdAt: new Date(snapshot.createdAt),
  };
}
