import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims (goods lost in transit or arrived damaged: sent again or refunded) and settlement
 * attempts: a change counts its refused settlements, so each try holds stock and
 * authorizes under keys of its own; a claim is keyed by the client's idempotency key.
 */
export class OrdersClaims1767000000000 implements MigrationInterface {
  name = 'OrdersClaims1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE orders.order_change
        ADD COLUMN attempt int NOT NULL DEFAULT 0,
        ADD COLUMN idempotency_key text,
        ADD COLUMN claim_reason text CHECK (claim_reason IN ('LOST', 'DAMAGED')),
        ADD COLUMN resolution text CHECK (resolution IN ('RESHIP', 'REFUND'))`);
    await db.query(
      `CREATE UNIQUE INDEX order_change_idempotency_idx
         ON orders.order_change (order_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await db.query(`ALTER TABLE orders.order_change DROP CONSTRAINT order_change_status_check`);
    await db.query(`
      ALTER TABLE orders.order_change ADD CONSTRAINT order_change_status_check
        CHECK (status IN ('PREVIEWED', 'COMMITTING', 'COMMITTED', 'FAILED', 'REQUESTED',
          'APPROVED', 'RECEIVED', 'REFUNDED', 'EXCHANGED', 'RESHIPPED', 'REJECTED'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE orders.order_change DROP CONSTRAINT order_change_status_check`);
    await db.query(`
      ALTER TABLE orders.order_change ADD CONSTRAINT order_change_status_check
        CHECK (status IN ('PREVIEWED', 'COMMITTING', 'COMMITTED', 'FAILED', 'REQUESTED',
          'APPROVED', 'RECEIVED', 'REFUNDED', 'EXCHANGED', 'REJECTED'))`);
    await db.query(`DROP INDEX orders.order_change_idempotency_idx`);
    await db.query(`
      ALTER TABLE orders.order_change
        DROP COLUMN attempt, DROP COLUMN idempotency_key,
        DROP COLUMN claim_reason, DROP COLUMN resolution`);
  }
}
