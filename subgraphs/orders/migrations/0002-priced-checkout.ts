import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkout priced by the pricing and promotions domains: carts carry discount codes and
 * no prices of their own; orders keep every total (discounts, tax, shipping) to the
 * minor unit; checkout attempts make the idempotency key's first result the answer.
 */
export class OrdersPricedCheckout1764300000000 implements MigrationInterface {
  name = 'OrdersPricedCheckout1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE orders.cart ADD COLUMN discount_codes text[] NOT NULL DEFAULT '{}'`,
    );
    await db.query(`ALTER TABLE orders.cart_line DROP COLUMN unit_price_amount`);
    // Lines keep the order they were added in, also when added in one statement.
    await db.query(
      `ALTER TABLE orders.cart_line ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`,
    );
    await db.query(`
      ALTER TABLE orders.customer_order
        ADD COLUMN discount_total_amount bigint NOT NULL DEFAULT 0 CHECK (discount_total_amount >= 0),
        ADD COLUMN shipping_amount bigint NOT NULL DEFAULT 0 CHECK (shipping_amount >= 0),
        ADD COLUMN tax_total_amount bigint NOT NULL DEFAULT 0 CHECK (tax_total_amount >= 0),
        ADD COLUMN tax_inclusive boolean NOT NULL DEFAULT false,
        ADD COLUMN discount_codes text[] NOT NULL DEFAULT '{}',
        ADD COLUMN discounts jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN billing_address jsonb`);
    await db.query(`ALTER TABLE orders.order_line DROP CONSTRAINT IF EXISTS order_line_check`);
    await db.query(
      `ALTER TABLE orders.order_line DROP CONSTRAINT IF EXISTS order_line_line_total_amount_check`,
    );
    await db.query(`
      ALTER TABLE orders.order_line
        ADD COLUMN discount_amount bigint NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
        ADD COLUMN tax_amount bigint NOT NULL DEFAULT 0 CHECK (tax_amount >= 0)`);
    await db.query(`
      CREATE TABLE orders.checkout_attempt (
        idempotency_key text PRIMARY KEY,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'RETRYABLE')),
        attempt int NOT NULL DEFAULT 1,
        order_id uuid NOT NULL,
        failure jsonb,
        lease_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX checkout_attempt_created_idx ON orders.checkout_attempt (created_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE orders.checkout_attempt`);
    await db.query(
      `ALTER TABLE orders.order_line DROP COLUMN discount_amount, DROP COLUMN tax_amount`,
    );
    await db.query(`
      ALTER TABLE orders.customer_order DROP COLUMN discount_total_amount, DROP COLUMN shipping_amount,
        DROP COLUMN tax_total_amount, DROP COLUMN tax_inclusive, DROP COLUMN discount_codes,
        DROP COLUMN discounts, DROP COLUMN billing_address`);
    await db.query(
      `ALTER TABLE orders.cart_line DROP COLUMN seq, ADD COLUMN unit_price_amount bigint NOT NULL DEFAULT 0`,
    );
    await db.query(`ALTER TABLE orders.cart DROP COLUMN discount_codes`);
  }
}
