import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `fulfillment:manage` (pick, pack, ship, holds, capacities and bins), for the roles that run the warehouse. */
export class IdentityFulfillmentPermission1765000000100 implements MigrationInterface {
  name = 'IdentityFulfillmentPermission1765000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description)
       VALUES ('fulfillment:manage', 'Run the warehouse: pick lists, pick, pack, ship, holds, capacities and bins')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT name, 'fulfillment:manage' FROM identity.role WHERE name IN ('super_admin', 'admin', 'staff')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'fulfillment:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'fulfillment:manage'`);
  }
}
