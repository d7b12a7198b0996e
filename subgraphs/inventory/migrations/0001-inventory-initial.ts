import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InventoryInitial1764100000000 implements MigrationInterface {
  name = 'InventoryInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS inventory`);
    await db.query(`
      CREATE TABLE inventory.warehouse (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
        name text NOT NULL CHECK (length(name) > 0),
        country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE inventory.inventory_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku text NOT NULL CHECK (length(sku) > 0),
        warehouse_id uuid NOT NULL REFERENCES inventory.warehouse(id),
        on_hand int NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
        reserved int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        low_stock_threshold int NOT NULL DEFAULT 20 CHECK (low_stock_threshold >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inventory_item_sku_warehouse_key UNIQUE (sku, warehouse_id),
        CONSTRAINT inventory_item_reserved_within_on_hand CHECK (reserved <= on_hand)
      )`);
    // lowStockItems pages by (sku, id) over this partial index only.
    await db.query(`
      CREATE INDEX inventory_item_low_stock_idx ON inventory.inventory_item (sku, id)
        WHERE on_hand - reserved < low_stock_threshold`);
    await db.query(`
      CREATE TABLE inventory.stock_movement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        inventory_item_id uuid NOT NULL REFERENCES inventory.inventory_item(id),
        sku text NOT NULL,
        warehouse_id uuid NOT NULL REFERENCES inventory.warehouse(id),
        kind text NOT NULL CHECK (kind IN ('RECEIPT', 'ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT')),
        on_hand_delta int NOT NULL,
        reserved_delta int NOT NULL,
        reason text,
        reference text,
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (on_hand_delta <> 0 OR reserved_delta <> 0)
      )`);
    await db.query(
      `CREATE INDEX stock_movement_sku_created_idx ON inventory.stock_movement (sku, created_at)`,
    );
    await db.query(
      `CREATE INDEX stock_movement_sku_seq_idx ON inventory.stock_movement (sku, seq)`,
    );
    await db.query(
      `CREATE INDEX stock_movement_item_seq_idx ON inventory.stock_movement (inventory_item_id, seq)`,
    );
    await db.query(`
      CREATE TABLE inventory.reservation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference text NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 200),
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'COMMITTED', 'RELEASED', 'FULFILLED')),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The sweeper looks only at active holds, oldest expiry first.
    await db.query(`
      CREATE INDEX reservation_expiry_idx ON inventory.reservation (expires_at)
        WHERE status = 'ACTIVE'`);
    await db.query(`
      CREATE TABLE inventory.reservation_line (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reservation_id uuid NOT NULL REFERENCES inventory.reservation(id),
        inventory_item_id uuid NOT NULL REFERENCES inventory.inventory_item(id),
        sku text NOT NULL,
        warehouse_id uuid NOT NULL REFERENCES inventory.warehouse(id),
        quantity int NOT NULL CHECK (quantity > 0)
      )`);
    await db.query(
      `CREATE INDEX reservation_line_reservation_idx ON inventory.reservation_line (reservation_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA inventory CASCADE`);
  }
}
