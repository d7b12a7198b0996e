import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * loyalty:manage: issue gift cards and read any customer's points account. The roles that
 * run the shop hold it; `staff`, who answer customers, too (a goodwill gift card, a look at
 * a customer's points).
 */
export class IdentityLoyaltyPermission1767300000002 implements MigrationInterface {
  name = 'IdentityLoyaltyPermission1767300000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description) VALUES
         ('loyalty:manage', 'Issue gift cards; read customers'' points accounts')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT r.name, 'loyalty:manage' FROM identity.role r
       WHERE r.name IN ('super_admin', 'admin', 'staff')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'loyalty:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'loyalty:manage'`);
  }
}
