import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The throttle table counts more than sign-ins (registrations, reset requests, mails),
 * and sign-in counters slow a source down instead of locking the account: the old
 * account/ip counters mean something else now, so they are dropped.
 */
export class IdentityThrottles1764200000000 implements MigrationInterface {
  name = 'IdentityThrottles1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.login_throttle`);
    await db.query(
      `ALTER TABLE identity.login_throttle DROP CONSTRAINT IF EXISTS login_throttle_scope_check`,
    );
    await db.query(
      `ALTER TABLE identity.login_throttle ADD CONSTRAINT login_throttle_scope_check CHECK (scope ~ '^[a-z_]{1,40}$')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM identity.login_throttle WHERE scope NOT IN ('account', 'ip')`);
    await db.query(
      `ALTER TABLE identity.login_throttle DROP CONSTRAINT IF EXISTS login_throttle_scope_check`,
    );
    await db.query(
      `ALTER TABLE identity.login_throttle ADD CONSTRAINT login_throttle_scope_check CHECK (scope IN ('account', 'ip'))`,
    );
  }
}
