import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler of unclaimed authorizations: when orders confirmed a payment's order
 * exists (never looked at again), and an index over the authorizations still to look at.
 */
export class PaymentsUnclaimed1764900000000 implements MigrationInterface {
  name = 'PaymentsUnclaimed1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments.payment ADD COLUMN order_confirmed_at timestamptz`);
    await db.query(`
      CREATE INDEX payment_unclaimed_idx ON payments.payment (created_at)
        WHERE status = 'AUTHORIZED' AND order_confirmed_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX payments.payment_unclaimed_idx`);
    await db.query(`ALTER TABLE payments.payment DROP COLUMN order_confirmed_at`);
  }
}
