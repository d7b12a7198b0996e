import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Apps: a merchant's integration (webhooks, an ERP) with an API key and a fixed permission
 * list, which staff with apps:manage create. The key is stored as its SHA-256 only (it is
 * 32 random bytes, so a slow hash adds nothing); `key_prefix` lets staff tell keys apart.
 * apps:manage is held by the roles that run the shop.
 */
export class IdentityApps1767500000000 implements MigrationInterface {
  name = 'IdentityApps1767500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE identity.app (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        permissions text[] NOT NULL,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await db.query(
      `INSERT INTO identity.permission (name, description) VALUES
         ('apps:manage', 'Create apps (API keys), their webhooks, and read webhook deliveries')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT r.name, 'apps:manage' FROM identity.role r
       WHERE r.name IN ('super_admin', 'admin')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.role_permission WHERE permission = 'apps:manage'`);
    await db.query(`DELETE FROM identity.permission WHERE name = 'apps:manage'`);
    await db.query(`DROP TABLE identity.app`);
  }
}
