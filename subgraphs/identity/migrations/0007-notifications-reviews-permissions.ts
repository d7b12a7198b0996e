import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notifications:manage (see the email queue and its dead letter, send a dead email again,
 * read the development mailbox) and reviews:moderate (publish or reject held reviews). The
 * roles that run the shop hold both; `staff`, who answer customers, moderate reviews and
 * look into emails that did not arrive.
 */
export class IdentityNotificationsReviewsPermissions1767200000001 implements MigrationInterface {
  name = 'IdentityNotificationsReviewsPermissions1767200000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO identity.permission (name, description) VALUES
         ('notifications:manage', 'See the email queue and its dead letter; send failed emails again'),
         ('reviews:moderate', 'Publish or reject reviews held by moderation')
       ON CONFLICT (name) DO NOTHING`,
    );
    await db.query(
      `INSERT INTO identity.role_permission (role, permission)
       SELECT r.name, p.permission FROM identity.role r
       CROSS JOIN (VALUES ('notifications:manage'), ('reviews:moderate')) AS p (permission)
       WHERE r.name IN ('super_admin', 'admin', 'staff')
       ON CONFLICT DO NOTHING`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DELETE FROM identity.role_permission WHERE permission IN ('notifications:manage', 'reviews:moderate')`,
    );
    await db.query(
      `DELETE FROM identity.permission WHERE name IN ('notifications:manage', 'reviews:moderate')`,
    );
  }
}
