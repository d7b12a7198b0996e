import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An order records the shipping method it was placed with (shipping subgraph's method). */
export class OrdersShippingMethod1765000000000 implements MigrationInterface {
  name = 'OrdersShippingMethod1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.customer_order ADD COLUMN shipping_method jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.customer_order DROP COLUMN shipping_method`);
  }
}
