import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviews' own schema: what it was told (products and their variants from catalog's
 * events, purchases from orders' confirmed and fulfillment's delivered events), the
 * reviews, helpful votes (one per customer and review: the primary key), and each product's
 * rating as published reviews make it.
 */
export class ReviewsInitial1767200000002 implements MigrationInterface {
  name = 'ReviewsInitial1767200000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS reviews`);
    await db.query(`
      CREATE TABLE reviews.product_source (
        product_id uuid PRIMARY KEY,
        version bigint NOT NULL,
        status text NOT NULL,
        removed boolean NOT NULL DEFAULT false
      )`);
    await db.query(`
      CREATE TABLE reviews.variant_source (
        variant_id uuid PRIMARY KEY,
        product_id uuid NOT NULL
      )`);
    await db.query(
      `CREATE INDEX variant_source_product_idx ON reviews.variant_source (product_id)`,
    );
    await db.query(`
      CREATE TABLE reviews.purchase (
        order_id uuid NOT NULL,
        variant_id uuid NOT NULL,
        customer_id text NOT NULL,
        delivered_at timestamptz,
        PRIMARY KEY (order_id, variant_id)
      )`);
    await db.query(`CREATE INDEX purchase_customer_idx ON reviews.purchase (customer_id)`);
    await db.query(`
      CREATE TABLE reviews.review (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL,
        customer_id text NOT NULL,
        author_name text NOT NULL,
        rating int NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('PUBLISHED', 'HELD', 'REJECTED')),
        verified_purchase boolean NOT NULL,
        hold_reasons text[] NOT NULL DEFAULT '{}',
        helpful_count int NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
        moderated_by text,
        moderation_note text,
        moderated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        -- One review per customer and product (a second post is refused).
        CONSTRAINT review_once UNIQUE (product_id, customer_id)
      )`);
    await db.query(
      `CREATE INDEX review_product_idx ON reviews.review (product_id, created_at DESC, id DESC)
       WHERE status = 'PUBLISHED'`,
    );
    await db.query(`CREATE INDEX review_status_idx ON reviews.review (status, created_at, id)`);
    await db.query(`CREATE INDEX review_customer_idx ON reviews.review (customer_id)`);
    await db.query(`
      CREATE TABLE reviews.helpful_vote (
        review_id uuid NOT NULL REFERENCES reviews.review (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (review_id, customer_id)
      )`);
    await db.query(`
      CREATE TABLE reviews.product_rating (
        product_id uuid PRIMARY KEY,
        review_count int NOT NULL CHECK (review_count >= 0),
        rating_sum int NOT NULL CHECK (rating_sum >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA reviews CASCADE`);
  }
}
