import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * location:manage (the location tree's cities and zones), held by the built-in roles that
 * run the shop. A migration of its own so that existing databases get it too.
 */
export class IdentityLocationPermission1764600000000 implements MigrationInterface {
  name = 'IdentityLocationPermission1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description)
       VALUES ('location:manage', 'Add, rename and remove cities and zones in the location tree')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT name, 'location:manage' FROM identity.role WHERE name IN ('super_admin', 'admin')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'location:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'location:manage'`);
  }
}
