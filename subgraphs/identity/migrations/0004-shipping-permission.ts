import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * shipping:manage (shipping zones, rates, shipments and labels), held by the built-in roles that
 * run the shop. A migration of its own so that existing databases get it too.
 */
export class IdentityShippingPermission1765100000000 implements MigrationInterface {
  name = 'IdentityShippingPermission1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description)
       VALUES ('shipping:manage', 'Manage shipping zones, methods and rates; buy labels and return labels')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT name, 'shipping:manage' FROM identity.role WHERE name IN ('super_admin', 'admin')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'shipping:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'shipping:manage'`);
  }
}
