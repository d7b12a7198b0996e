import type { DataSource, EntityManager } from 'typeorm';
import {
  RATING_CHANGED_TOPIC,
  type RatingChangedEvent,
} from '../../../platform/events/product-topics';
import { recordEvent } from '../../../platform/outbox';

export interface Rating {
  productId: string;
  count: number;
  /** Null while no review is published. */
  average: number | null;
}

/** Two decimals: what a storefront shows and search facets on. */
export const averageOf = (sum: number, count: number): number | null =>
  count === 0 ? null : Math.round((sum / count) * 100) / 100;

/**
 * A product's rating, recounted from its published reviews whenever one is published or
 * withdrawn, under a per-product lock so two publications at once both count (each sees
 * the other's committed row); announced to search in the same transaction.
 */
export async function recountRating(tx: EntityManager, productId: string): Promise<Rating> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('reviews.rating:' || $1))`, [productId]);
  const [row]: { count: number; sum: number }[] = await tx.query(
    `INSERT INTO reviews.product_rating (product_id, review_count, rating_sum)
     SELECT $1, count(*), coalesce(sum(rating), 0) FROM reviews.review
     WHERE product_id = $1 AND status = 'PUBLISHED'
     ON CONFLICT (product_id) DO UPDATE
       SET review_count = EXCLUDED.review_count, rating_sum = EXCLUDED.rating_sum, updated_at = now()
     RETURNING review_count AS count, rating_sum AS sum`,
    [productId],
  );
  const rating = { productId, count: row!.count, average: averageOf(row!.sum, row!.count) };
  const event: RatingChangedEvent = {
    productId,
    count: rating.count,
    average: rating.average ?? 0,
  };
  await recordEvent(tx, 'reviews', RATING_CHANGED_TOPIC, event);
  return rating;
}

export async function ratingsOf(db: DataSource, productIds: readonly string[]): Promise<Rating[]> {
  const rows: { productId: string; count: number; sum: number }[] = await db.query(
    `SELECT product_id AS "productId", review_count AS count, rating_sum AS sum
     FROM reviews.product_rating WHERE product_id = ANY($1::uuid[])`,
    [productIds],
  );
  return rows.map((r) => ({
    productId: r.productId,
    count: r.count,
    average: averageOf(r.sum, r.count),
  }));
}
