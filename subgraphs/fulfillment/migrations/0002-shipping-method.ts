import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The method the buyer chose (from orders' confirmed event): its carrier buys the label. */
export class FulfillmentShippingMethod1765000000003 implements MigrationInterface {
  name = 'FulfillmentShippingMethod1765000000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE fulfillment.fulfillment_order ADD COLUMN shipping_method jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE fulfillment.fulfillment_order DROP COLUMN shipping_method`);
  }
}
