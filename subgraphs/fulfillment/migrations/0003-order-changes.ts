import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order version a fulfillment order reflects (1: as confirmed): orders' change events
 * apply once each, in version order, so a redelivered or late one changes nothing. A line
 * an edit removed stays with 0 units (its parcels may still refer to it). A parcel a claim
 * reported lost keeps SHIPPED with `lost_at`: the order is delivered without it.
 */
export class FulfillmentOrderChanges1767000000001 implements MigrationInterface {
  name = 'FulfillmentOrderChanges1767000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE fulfillment.fulfillment_order ADD COLUMN order_version int NOT NULL DEFAULT 1`,
    );
    await db.query(`
      ALTER TABLE fulfillment.fulfillment_order_line
        DROP CONSTRAINT fulfillment_order_line_quantity_check,
        ADD CONSTRAINT fulfillment_order_line_quantity_check CHECK (quantity >= 0)`);
    await db.query(`ALTER TABLE fulfillment.fulfillment ADD COLUMN lost_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE fulfillment.fulfillment DROP COLUMN lost_at`);
    await db.query(`
      ALTER TABLE fulfillment.fulfillment_order_line
        DROP CONSTRAINT fulfillment_order_line_quantity_check,
        ADD CONSTRAINT fulfillment_order_line_quantity_check CHECK (quantity > 0)`);
    await db.query(`ALTER TABLE fulfillment.fulfillment_order DROP COLUMN order_version`);
  }
}
