import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What fulfillment needs of inventory: shipments of part of a reservation (one per
 * fulfillment, keyed for idempotency), and backorders (a SKU that may be sold beyond its
 * stock, with the date more is expected; the units a reservation could not hold yet).
 */
export class InventoryFulfillment1765000000000 implements MigrationInterface {
  name = 'InventoryFulfillment1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE inventory.reservation_shipment (
        reference text PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 200),
        reservation_id uuid NOT NULL REFERENCES inventory.reservation (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE inventory.backorder_policy (
        sku text PRIMARY KEY CHECK (length(sku) > 0),
        expected_at date,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE inventory.reservation_backorder (
        reservation_id uuid NOT NULL REFERENCES inventory.reservation (id),
        sku text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (reservation_id, sku)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE inventory.reservation_backorder`);
    await db.query(`DROP TABLE inventory.backorder_policy`);
    await db.query(`DROP TABLE inventory.reservation_shipment`);
  }
}
