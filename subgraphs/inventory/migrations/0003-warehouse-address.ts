import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A warehouse's region and street address (checked by location): labels are sent from it. */
export class InventoryWarehouseAddress1766000000000 implements MigrationInterface {
  name = 'InventoryWarehouseAddress1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inventory.warehouse ADD COLUMN region_code text`);
    await db.query(`ALTER TABLE inventory.warehouse ADD COLUMN address jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE inventory.warehouse DROP COLUMN address`);
    await db.query(`ALTER TABLE inventory.warehouse DROP COLUMN region_code`);
  }
}
