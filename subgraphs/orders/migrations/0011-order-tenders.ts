import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How an order is paid, when not by one method alone: loyalty's points and gift cards held
 * at checkout, and the card for the rest. Empty for orders paid wholly by `payment_method`.
 */
export class OrdersTenders1767300000001 implements MigrationInterface {
  name = 'OrdersTenders1767300000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE orders.customer_order ADD COLUMN tenders jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.customer_order DROP COLUMN tenders`);
  }
}
