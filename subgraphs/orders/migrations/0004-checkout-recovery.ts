import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkout survives a crash: each attempt records the steps it took (and what they
 * returned) so a retry adopts them and the recovery sweeper can undo them by name; the
 * generation names the effects (references), and moves on only once they were undone.
 */
export class OrdersCheckoutRecovery1764500000000 implements MigrationInterface {
  name = 'OrdersCheckoutRecovery1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE orders.checkout_attempt
        ADD COLUMN generation int NOT NULL DEFAULT 1,
        ADD COLUMN steps jsonb NOT NULL DEFAULT '{}'`);
    await db.query(
      `CREATE INDEX checkout_attempt_lease_idx ON orders.checkout_attempt (lease_until) WHERE status = 'IN_PROGRESS'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX orders.checkout_attempt_lease_idx`);
    await db.query(`ALTER TABLE orders.checkout_attempt DROP COLUMN generation, DROP COLUMN steps`);
  }
}
