import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unit prices pricing gave for a cart's lines when they were last set (cartCreate's
 * check), so checkout need not ask for them again; checkout's final quote proves them
 * current (domain/priced-lines.ts) or they are asked again.
 */
export class OrdersCartPricedLines1768300000000 implements MigrationInterface {
  name = 'OrdersCartPricedLines1768300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.cart ADD COLUMN priced_lines jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.cart DROP COLUMN priced_lines`);
  }
}
