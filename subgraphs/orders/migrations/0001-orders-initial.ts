import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `('PENDING', 'CONFIRMED', 'FULFILLED', 'DELIVERED', 'CANCELLED', 'REFUNDED')`;

export class OrdersInitial1764100000000 implements MigrationInterface {
  name = 'OrdersInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS orders`);
    await db.query(`
      CREATE TABLE orders.cart (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id text,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CHECKED_OUT')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE orders.cart_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cart_id uuid NOT NULL REFERENCES orders.cart(id) ON DELETE CASCADE,
        variant_id uuid NOT NULL,
        sku text NOT NULL,
        product_name text NOT NULL,
        variant_title text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        unit_price_amount bigint NOT NULL CHECK (unit_price_amount >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (cart_id, variant_id)
      )`);
    await db.query(`CREATE SEQUENCE orders.order_number_seq START 1001`);
    await db.query(`
      CREATE TABLE orders.customer_order (
        id uuid PRIMARY KEY,
        number bigint NOT NULL UNIQUE DEFAULT nextval('orders.order_number_seq'),
        customer_id text,
        email text NOT NULL,
        status text NOT NULL CHECK (status IN ${STATUSES}),
        currency char(3) NOT NULL,
        subtotal_amount bigint NOT NULL CHECK (subtotal_amount >= 0),
        total_amount bigint NOT NULL CHECK (total_amount >= 0),
        shipping_address jsonb NOT NULL,
        cart_id uuid NOT NULL REFERENCES orders.cart(id),
        idempotency_key text NOT NULL UNIQUE,
        reservation_id uuid NOT NULL,
        payment_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX customer_order_customer_idx ON orders.customer_order (customer_id, created_at DESC)`,
    );
    await db.query(`
      CREATE TABLE orders.order_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders.customer_order(id),
        position int NOT NULL,
        variant_id uuid NOT NULL,
        sku text NOT NULL,
        product_name text NOT NULL,
        variant_title text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        unit_price_amount bigint NOT NULL CHECK (unit_price_amount >= 0),
        line_total_amount bigint NOT NULL CHECK (line_total_amount = unit_price_amount * quantity)
      )`);
    await db.query(`CREATE INDEX order_line_order_idx ON orders.order_line (order_id, position)`);
    await db.query(`
      CREATE TABLE orders.order_status_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders.customer_order(id),
        status text NOT NULL CHECK (status IN ${STATUSES}),
        note text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(
      `CREATE INDEX order_status_change_order_idx ON orders.order_status_change (order_id, created_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA orders CASCADE`);
  }
}
