import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shipped and delivered units per order line, one row per parcel, from fulfillment's
 * parcel events: shipped lines are not edited, delivered ones may be returned (before the
 * whole order is), and a return label is bought against the shipment that carried the line.
 */
export class OrdersLineParcels1767000000002 implements MigrationInterface {
  name = 'OrdersLineParcels1767000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE orders.order_line_parcel (
        order_line_id uuid NOT NULL,
        fulfillment_id uuid NOT NULL,
        order_id uuid NOT NULL REFERENCES orders.customer_order (id),
        shipment_id text,
        quantity int NOT NULL CHECK (quantity > 0),
        shipped_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        PRIMARY KEY (order_line_id, fulfillment_id)
      )`);
    await db.query(
      `CREATE INDEX order_line_parcel_order_idx ON orders.order_line_parcel (order_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE orders.order_line_parcel`);
  }
}
