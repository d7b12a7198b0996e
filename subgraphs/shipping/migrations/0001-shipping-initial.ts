import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ShippingInitial1765000000000 implements MigrationInterface {
  name = 'ShippingInitial1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS shipping`);
    await db.query(`
      CREATE TABLE shipping.zone (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        countries text[] NOT NULL CHECK (cardinality(countries) > 0),
        regions text[] NOT NULL DEFAULT '{}'
      )`);
    await db.query(`
      CREATE TABLE shipping.method (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        zone_id uuid NOT NULL REFERENCES shipping.zone(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('STANDARD', 'EXPRESS', 'PICKUP_POINT', 'LOCAL_PICKUP')),
        carrier text NOT NULL,
        basis text NOT NULL CHECK (basis IN ('ORDER_VALUE', 'WEIGHT', 'ITEM_COUNT')),
        rates jsonb NOT NULL CHECK (jsonb_typeof(rates) = 'array'),
        active boolean NOT NULL DEFAULT true,
        UNIQUE (zone_id, name)
      )`);
    await db.query(`
      CREATE TABLE shipping.shipment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        request_hash text NOT NULL,
        carrier text NOT NULL,
        method_id uuid REFERENCES shipping.method(id),
        tracking_number text NOT NULL UNIQUE,
        status text NOT NULL,
        from_address jsonb NOT NULL,
        to_address jsonb NOT NULL,
        parcels jsonb NOT NULL,
        weight_grams int NOT NULL CHECK (weight_grams > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        status_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX shipment_order_idx ON shipping.shipment (order_id, created_at)`);
    await db.query(`
      CREATE TABLE shipping.tracking_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shipment_id uuid NOT NULL REFERENCES shipping.shipment(id),
        event_id text NOT NULL UNIQUE,
        status text NOT NULL,
        description text NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX tracking_event_shipment_idx ON shipping.tracking_event (shipment_id, occurred_at)`,
    );
    await db.query(`
      CREATE TABLE shipping.return_label (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        shipment_id uuid NOT NULL REFERENCES shipping.shipment(id),
        idempotency_key text NOT NULL UNIQUE,
        tracking_number text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE shipping.label_document (
        tracking_number text PRIMARY KEY,
        pdf bytea NOT NULL
      )`);
    // The sandbox carriers' own books, as a carrier keeps them on its side.
    await db.query(`
      CREATE TABLE shipping.sandbox_parcel (
        tracking_number text PRIMARY KEY,
        carrier text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('OUTBOUND', 'RETURN')),
        to_country text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE SEQUENCE shipping.sandbox_tracking_seq START 1000001`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA shipping CASCADE`);
  }
}
