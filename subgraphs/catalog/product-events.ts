import type { EntityManager } from 'typeorm';
import {
  PRODUCT_CHANGED_TOPIC,
  type ProductChangedEvent,
} from '../../platform/events/product-topics';
import { recordEvent } from '../../platform/outbox';

/** The language of catalog's texts until products carry translations. */
const CATALOG_LOCALE = 'en';

/**
 * Records the product as the caller's transaction leaves it (search and any other view
 * of the catalog rebuild from it). The product's row is locked first, so two changes of
 * one product take their snapshots, and their versions, in commit order.
 */
export async function recordProductChanged(tx: EntityManager, productId: string): Promise<void> {
  const rows: {
    id: string;
    name: string;
    description: string;
    status: string;
    created_at: Date;
    version: string;
    brand: { id: string; name: string } | null;
    categories: ProductChangedEvent['categories'];
    variants: ProductChangedEvent['variants'];
    attributes: NonNullable<ProductChangedEvent['attributes']>;
    minimum_age: number | null;
    denied_countries: string[];
  }[] = await tx.query(
    `SELECT p.id, p.name, p.description, p.status, p.created_at,
            (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS version,
            (SELECT jsonb_build_object('id', b.id, 'name', b.name)
               FROM catalog.brand b WHERE b.id = p.brand_id) AS brand,
            (WITH RECURSIVE up AS (
               SELECT c.id, c.name, c.parent_id, 0 AS depth FROM catalog.category c
                WHERE c.id = p.category_id
               UNION ALL
               SELECT c.id, c.name, c.parent_id, up.depth + 1
                 FROM catalog.category c JOIN up ON c.id = up.parent_id WHERE up.depth < 20)
             SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'parentId', parent_id)
                    ORDER BY depth DESC), '[]'::jsonb) FROM up) AS categories,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', v.id, 'sku', v.sku, 'title', v.title,
                    'options', v.options) ORDER BY v.position, v.sku), '[]'::jsonb)
               FROM catalog.product_variant v
              WHERE v.product_id = p.id AND v.archived_at IS NULL) AS variants,
            -- Filterable and facetable attributes only, the product's and its sellable variants' values together.
            (SELECT coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'values', av.vals)
                    ORDER BY a.position, a.code), '[]'::jsonb)
               FROM (SELECT v.attribute_id, array_agg(DISTINCT x ORDER BY x) AS vals
                       FROM catalog.attribute_value v
                       LEFT JOIN catalog.product_variant pv ON pv.id = v.variant_id,
                       unnest(v."values") AS x
                      WHERE v.product_id = p.id AND (v.variant_id IS NULL OR pv.archived_at IS NULL)
                      GROUP BY v.attribute_id) av
               JOIN catalog.attribute a ON a.id = av.attribute_id
              WHERE a.filterable OR a.facetable) AS attributes,
            p.minimum_age, p.denied_countries
       FROM catalog.product p WHERE p.id = $1 FOR UPDATE OF p`,
    [productId],
  );
  const row = rows[0];
  if (!row) return;
  const event: ProductChangedEvent = {
    productId: row.id,
    version: row.version,
    name: row.name,
    description: row.description,
    status: row.status,
    locale: CATALOG_LOCALE,
    brand: row.brand,
    categories: row.categories,
    variants: row.variants,
    createdAt: new Date(row.created_at).toISOString(),
    attributes: row.attributes,
    minimumAge: row.minimum_age,
    deniedCountries: row.denied_countries,
  };
  await recordEvent(tx, 'catalog', PRODUCT_CHANGED_TOPIC, event);
}
