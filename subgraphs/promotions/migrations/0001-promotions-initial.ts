import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PromotionsInitial1764100000000 implements MigrationInterface {
  name = 'PromotionsInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS promotions`);
    await db.query(`
      CREATE TABLE promotions.campaign (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaign_window CHECK (ends_at IS NULL OR ends_at > starts_at)
      )`);
    // campaigns pages newest window first by (starts_at, id).
    await db.query(
      `CREATE INDEX campaign_starts_idx ON promotions.campaign (starts_at DESC, id DESC)`,
    );
    await db.query(`
      CREATE TABLE promotions.promotion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES promotions.campaign(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('PERCENTAGE_ORDER', 'FIXED_ORDER', 'PERCENTAGE_LINE', 'FIXED_LINE', 'BUY_X_GET_Y', 'FREE_SHIPPING')),
        value bigint,
        currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
        buy_quantity int CHECK (buy_quantity > 0),
        get_quantity int CHECK (get_quantity > 0),
        min_subtotals jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(min_subtotals) = 'array'),
        product_ids uuid[] NOT NULL DEFAULT '{}',
        category_ids uuid[] NOT NULL DEFAULT '{}',
        brand_ids uuid[] NOT NULL DEFAULT '{}',
        customer_segments text[] NOT NULL DEFAULT '{}',
        exclusive boolean NOT NULL DEFAULT false,
        priority int NOT NULL DEFAULT 0,
        requires_coupon boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT promotion_value_fits_kind CHECK (
          (kind IN ('PERCENTAGE_ORDER', 'PERCENTAGE_LINE') AND value BETWEEN 1 AND 10000 AND currency IS NULL)
          OR (kind IN ('FIXED_ORDER', 'FIXED_LINE') AND value > 0 AND currency IS NOT NULL)
          OR (kind = 'BUY_X_GET_Y' AND value IS NULL AND buy_quantity IS NOT NULL AND get_quantity IS NOT NULL)
          OR (kind = 'FREE_SHIPPING' AND value IS NULL))
      )`);
    await db.query(`CREATE INDEX promotion_campaign_idx ON promotions.promotion (campaign_id)`);
    // The automatic promotions every quote considers.
    await db.query(`
      CREATE INDEX promotion_automatic_idx ON promotions.promotion (campaign_id)
        WHERE active AND NOT requires_coupon`);
    await db.query(`
      CREATE TABLE promotions.coupon (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES promotions.promotion(id),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{2,63}$'),
        usage_limit int CHECK (usage_limit > 0),
        per_customer_limit int CHECK (per_customer_limit > 0),
        used_count int NOT NULL DEFAULT 0 CHECK (used_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coupon_used_within_limit CHECK (usage_limit IS NULL OR used_count <= usage_limit)
      )`);
    await db.query(`CREATE INDEX coupon_promotion_idx ON promotions.coupon (promotion_id, code)`);
    await db.query(`
      CREATE TABLE promotions.order_redemption (
        order_ref text PRIMARY KEY CHECK (length(order_ref) BETWEEN 1 AND 200),
        customer_key text,
        status text NOT NULL DEFAULT 'RESERVED' CHECK (status IN ('RESERVED', 'CONFIRMED', 'RELEASED')),
        input_hash text NOT NULL,
        quote jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE promotions.coupon_redemption (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        coupon_id uuid NOT NULL REFERENCES promotions.coupon(id),
        order_ref text NOT NULL REFERENCES promotions.order_redemption(order_ref),
        customer_key text,
        status text NOT NULL DEFAULT 'RESERVED' CHECK (status IN ('RESERVED', 'CONFIRMED', 'RELEASED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coupon_redemption_coupon_order_key UNIQUE (coupon_id, order_ref)
      )`);
    // Per-customer limits count the uses that hold.
    await db.query(`
      CREATE INDEX coupon_redemption_customer_idx ON promotions.coupon_redemption (coupon_id, customer_key)
        WHERE status <> 'RELEASED'`);
    await db.query(
      `CREATE INDEX coupon_redemption_order_idx ON promotions.coupon_redemption (order_ref)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA promotions CASCADE`);
  }
}
