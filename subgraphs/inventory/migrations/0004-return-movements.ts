import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Returned goods put back on the shelf are a movement kind of their own (orders' returns). */
export class InventoryReturnMovements1766100000000 implements MigrationInterface {
  name = 'InventoryReturnMovements1766100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE inventory.stock_movement DROP CONSTRAINT stock_movement_kind_check`,
    );
    await db.query(
      `ALTER TABLE inventory.stock_movement ADD CONSTRAINT stock_movement_kind_check
       CHECK (kind IN ('RECEIPT', 'ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT', 'RETURN'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE inventory.stock_movement DROP CONSTRAINT stock_movement_kind_check`,
    );
    await db.query(
      `ALTER TABLE inventory.stock_movement ADD CONSTRAINT stock_movement_kind_check
       CHECK (kind IN ('RECEIPT', 'ADJUSTMENT', 'RESERVATION', 'RELEASE', 'SHIPMENT'))`,
    );
  }
}
