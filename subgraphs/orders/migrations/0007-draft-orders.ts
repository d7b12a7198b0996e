import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Draft orders: staff build an order for a customer (lines, price overrides with a reason,
 * address, email), send it (the customer pays with the pay token) or mark it paid. Paying
 * goes through checkout on a cart made from the draft, whose lines carry the overrides.
 */
export class OrdersDraftOrders1765200000000 implements MigrationInterface {
  name = 'OrdersDraftOrders1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders.draft_order (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'OPEN'
          CHECK (status IN ('OPEN', 'SENT', 'COMPLETED', 'CANCELLED')),
        email text NOT NULL,
        customer_id text,
        currency char(3) NOT NULL,
        lines jsonb NOT NULL DEFAULT '[]',
        shipping_address jsonb,
        shipping_method_id uuid,
        pay_token text UNIQUE,
        cart_id uuid,
        order_id uuid,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX draft_order_created ON orders.draft_order (created_at DESC, id)`);
    // A draft paid twice at once: the loser finds the order its cart became.
    await db.query(`CREATE INDEX customer_order_cart_idx ON orders.customer_order (cart_id)`);
    // Staff's price for a draft's line, carried into checkout's quote; null: the lists' price.
    await db.query(`ALTER TABLE orders.cart_line ADD COLUMN unit_price_override integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.cart_line DROP COLUMN unit_price_override`);
    await db.query(`DROP INDEX orders.customer_order_cart_idx`);
    await db.query(`DROP TABLE orders.draft_order`);
  }
}
