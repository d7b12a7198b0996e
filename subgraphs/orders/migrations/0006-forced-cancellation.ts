import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Force-cancellation of a stuck order: what staff must still settle with the payment
 * processor by hand, and who made each status change (the audit of the order). And how
 * the order is paid: cash on delivery ships before the money arrives.
 */
export class OrdersForcedCancellation1765000000001 implements MigrationInterface {
  name = 'OrdersForcedCancellation1765000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.customer_order ADD COLUMN payment_attention text`);
    await db.query(`ALTER TABLE orders.order_status_change ADD COLUMN actor text`);
    await db.query(`
      ALTER TABLE orders.customer_order ADD COLUMN payment_method text NOT NULL DEFAULT 'CARD'
        CHECK (payment_method IN ('CARD', 'BANK_TRANSFER', 'CASH_ON_DELIVERY'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.customer_order DROP COLUMN payment_method`);
    await db.query(`ALTER TABLE orders.order_status_change DROP COLUMN actor`);
    await db.query(`ALTER TABLE orders.customer_order DROP COLUMN payment_attention`);
  }
}
