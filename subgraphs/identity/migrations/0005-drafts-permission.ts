import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * drafts:manage (build draft orders for customers, send them, mark them paid), held by the
 * built-in roles that run the shop. A migration of its own so that existing databases get it too.
 */
export class IdentityDraftsPermission1765200000000 implements MigrationInterface {
  name = 'IdentityDraftsPermission1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description)
       VALUES ('drafts:manage', 'Build draft orders for customers, send them to pay, mark them paid')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT name, 'drafts:manage' FROM identity.role WHERE name IN ('super_admin', 'admin')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'drafts:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'drafts:manage'`);
  }
}
