import type { EntityManager } from 'typeorm';
import type { ProductChangedEvent } from '../../../platform/events/product-topics';
import type { OrderConfirmedEvent, OrderFulfillmentEvent } from '../../../platform/topics';

/**
 * What reviews keeps of other domains' news, each applied in the event's inbox
 * transaction: which products exist and which variants are theirs (catalog), who bought
 * which variant (orders' confirmed event) and when it arrived (fulfillment's delivered
 * event). "Verified purchase" is read from these at post time, never by asking orders.
 */
export class ReviewSources {
  async applyProduct(tx: EntityManager, e: ProductChangedEvent): Promise<void> {
    // Newest version wins: an older snapshot arriving late changes nothing.
    const newer: unknown[] = await tx.query(
      `INSERT INTO reviews.product_source (product_id, version, status, removed)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (product_id) DO UPDATE
         SET version = EXCLUDED.version, status = EXCLUDED.status, removed = EXCLUDED.removed
         WHERE reviews.product_source.version < EXCLUDED.version
       RETURNING product_id`,
      [e.productId, e.version, e.status, e.removed ?? false],
    );
    if (newer.length === 0) return;
    await tx.query(`DELETE FROM reviews.variant_source WHERE product_id = $1`, [e.productId]);
    if (e.variants.length) {
      await tx.query(
        `INSERT INTO reviews.variant_source (variant_id, product_id)
         SELECT unnest($1::uuid[]), $2
         ON CONFLICT (variant_id) DO UPDATE SET product_id = EXCLUDED.product_id`,
        [e.variants.map((v) => v.id), e.productId],
      );
    }
  }

  /** A signed-in customer's order: each variant bought, not yet delivered. Guests cannot review. */
  async applyOrderConfirmed(tx: EntityManager, e: OrderConfirmedEvent): Promise<void> {
    if (!e.customerId || e.lines.length === 0) return;
    await tx.query(
      `INSERT INTO reviews.purchase (order_id, variant_id, customer_id)
       SELECT $1, unnest($2::uuid[]), $3
       ON CONFLICT (order_id, variant_id) DO NOTHING`,
      [e.orderId, [...new Set(e.lines.map((l) => l.variantId))], e.customerId],
    );
  }

  async applyOrderDelivered(tx: EntityManager, e: OrderFulfillmentEvent): Promise<void> {
    await tx.query(
      `UPDATE reviews.purchase SET delivered_at = now()
       WHERE order_id = $1 AND delivered_at IS NULL`,
      [e.orderId],
    );
  }

  /** Whether the customer had the product (any of its variants) delivered. */
  async deliveredTo(tx: EntityManager, customerId: string, productId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM reviews.purchase p
       JOIN reviews.variant_source v ON v.variant_id = p.variant_id
       WHERE p.customer_id = $1 AND v.product_id = $2 AND p.delivered_at IS NOT NULL
       LIMIT 1`,
      [customerId, productId],
    );
    return rows.length > 0;
  }

  async productReviewable(tx: EntityManager, productId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM reviews.product_source WHERE product_id = $1 AND NOT removed`,
      [productId],
    );
    return rows.length > 0;
  }
}
