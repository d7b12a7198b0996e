import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * orders:edit (edit a confirmed order: lines, address, method; the difference charged or
 * refunded) and returns:manage (approve, reject, receive and settle returns and
 * exchanges). The roles that run the shop hold both; `staff`, who handle orders and
 * customers, handle returns too.
 */
export class IdentityOrderChangesPermissions1766100000000 implements MigrationInterface {
  name = 'IdentityOrderChangesPermissions1766100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description) VALUES
         ('orders:edit', 'Edit confirmed orders: lines, address, shipping method; settle the difference'),
         ('returns:manage', 'Approve, reject, receive and refund returns and exchanges')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT r.name, p.permission FROM identity.role r
       CROSS JOIN (VALUES ('orders:edit'), ('returns:manage')) AS p (permission)
       WHERE r.name IN ('super_admin', 'admin')
       UNION ALL
       SELECT name, 'returns:manage' FROM identity.role WHERE name = 'staff'
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DELETE FROM identity.role_permission WHERE permission IN ('orders:edit', 'returns:manage')`,
    );
    await db.query(
      `DELETE FROM identity.permission WHERE name IN ('orders:edit', 'returns:manage')`,
    );
  }
}
