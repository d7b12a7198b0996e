import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An app's key can be rotated: each key is a generation, and the tokens a key bought carry
 * it in their `sid` (`app:<id>:<generation>`), so the router refuses them once the key is
 * rotated or the app revoked, through the same revocation list as staff sessions.
 */
export class IdentityAppKeyGenerations1768100000000 implements MigrationInterface {
  name = 'IdentityAppKeyGenerations1768100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE identity.app
        ADD COLUMN key_generation integer NOT NULL DEFAULT 1,
        ADD COLUMN key_rotated_at timestamptz,
        ADD COLUMN revoked_by uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE identity.app
        DROP COLUMN key_generation, DROP COLUMN key_rotated_at, DROP COLUMN revoked_by`);
  }
}
