import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'AUTHORIZED', 'DECLINED', 'FAILED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED'`;

/**
 * 3-D Secure: a payment may wait for the cardholder (REQUIRES_ACTION) with where the
 * buyer completes the bank's challenge and until when.
 */
export class PaymentsActions1765000000002 implements MigrationInterface {
  name = 'PaymentsActions1765000000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE payments.payment
        DROP CONSTRAINT payment_status_check,
        ADD CONSTRAINT payment_status_check CHECK (status IN (${BEFORE}, 'REQUIRES_ACTION')),
        ADD COLUMN action_url text,
        ADD COLUMN action_expires_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE payments.payment
        DROP COLUMN action_url, DROP COLUMN action_expires_at,
        DROP CONSTRAINT payment_status_check,
        ADD CONSTRAINT payment_status_check CHECK (status IN (${BEFORE}))`);
  }
}
