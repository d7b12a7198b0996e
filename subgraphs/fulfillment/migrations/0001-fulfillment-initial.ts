import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FulfillmentInitial1765000000000 implements MigrationInterface {
  name = 'FulfillmentInitial1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS fulfillment`);
    await db.query(`
      CREATE TABLE fulfillment.fulfillment_order (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL UNIQUE,
        customer_id text,
        reservation_id uuid NOT NULL,
        currency char(3) NOT NULL,
        ship_to jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('OPEN', 'IN_PROGRESS', 'SHIPPED', 'DELIVERED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE fulfillment.fulfillment_order_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fulfillment_order_id uuid NOT NULL REFERENCES fulfillment.fulfillment_order (id),
        order_line_id uuid NOT NULL,
        position int NOT NULL,
        variant_id uuid NOT NULL,
        sku text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        backordered int NOT NULL DEFAULT 0 CHECK (backordered BETWEEN 0 AND quantity),
        expected_at text
      )`);
    await db.query(
      `CREATE INDEX fulfillment_order_line_order_idx ON fulfillment.fulfillment_order_line (fulfillment_order_id)`,
    );
    await db.query(
      `CREATE INDEX fulfillment_order_line_backorder_idx ON fulfillment.fulfillment_order_line (sku) WHERE backordered > 0`,
    );
    await db.query(`
      CREATE TABLE fulfillment.pick_list (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        warehouse_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE fulfillment.fulfillment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fulfillment_order_id uuid NOT NULL REFERENCES fulfillment.fulfillment_order (id),
        order_id uuid NOT NULL,
        warehouse_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('ASSIGNED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED')),
        slot_start timestamptz NOT NULL,
        strategy text NOT NULL,
        hold_reason text,
        pick_list_id uuid REFERENCES fulfillment.pick_list (id),
        carrier text,
        tracking_number text,
        shipment_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        shipped_at timestamptz,
        delivered_at timestamptz
      )`);
    await db.query(`CREATE INDEX fulfillment_order_idx ON fulfillment.fulfillment (order_id)`);
    await db.query(
      `CREATE INDEX fulfillment_queue_idx ON fulfillment.fulfillment (warehouse_id, status, slot_start)`,
    );
    await db.query(`
      CREATE TABLE fulfillment.fulfillment_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fulfillment_id uuid NOT NULL REFERENCES fulfillment.fulfillment (id),
        fulfillment_order_line_id uuid NOT NULL REFERENCES fulfillment.fulfillment_order_line (id),
        sku text NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        picked int NOT NULL DEFAULT 0 CHECK (picked >= 0),
        short int NOT NULL DEFAULT 0 CHECK (short >= 0),
        short_reason text,
        CHECK (picked + short <= quantity)
      )`);
    await db.query(
      `CREATE INDEX fulfillment_line_fulfillment_idx ON fulfillment.fulfillment_line (fulfillment_id)`,
    );
    await db.query(`
      CREATE TABLE fulfillment.warehouse_capacity (
        warehouse_id uuid PRIMARY KEY,
        orders_per_day int NOT NULL CHECK (orders_per_day > 0),
        items_per_hour int NOT NULL CHECK (items_per_hour > 0),
        orders_per_slot int NOT NULL CHECK (orders_per_slot > 0),
        open_hour int NOT NULL CHECK (open_hour BETWEEN 0 AND 23),
        close_hour int NOT NULL CHECK (close_hour BETWEEN 1 AND 24),
        CHECK (open_hour < close_hour)
      )`);
    await db.query(`
      CREATE TABLE fulfillment.slot_booking (
        warehouse_id uuid NOT NULL,
        slot_start timestamptz NOT NULL,
        orders int NOT NULL CHECK (orders >= 0),
        items int NOT NULL CHECK (items >= 0),
        PRIMARY KEY (warehouse_id, slot_start)
      )`);
    await db.query(`
      CREATE TABLE fulfillment.bin (
        warehouse_id uuid NOT NULL,
        sku text NOT NULL,
        location text NOT NULL CHECK (location ~ '^[A-Z0-9][A-Z0-9-]{0,31}$'),
        PRIMARY KEY (warehouse_id, sku)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA fulfillment CASCADE`);
  }
}
