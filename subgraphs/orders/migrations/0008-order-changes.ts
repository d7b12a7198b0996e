import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order changes: edits, returns, exchanges and claims, one versioned model. The order
 * keeps a version (bumped by every committed change) and the change being committed
 * (`pending_change_id`, the compare-and-set that lets one of two concurrent commits win),
 * plus what fulfillment told about delivery (when, and the shipments a return label is
 * bought against).
 */
export class OrdersOrderChanges1766100000000 implements MigrationInterface {
  name = 'OrdersOrderChanges1766100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE orders.customer_order
        ADD COLUMN version int NOT NULL DEFAULT 1,
        ADD COLUMN pending_change_id uuid,
        ADD COLUMN delivered_at timestamptz,
        ADD COLUMN shipment_ids text[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      CREATE TABLE orders.order_change (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders.customer_order (id),
        kind text NOT NULL CHECK (kind IN ('EDIT', 'RETURN', 'EXCHANGE', 'CLAIM')),
        status text NOT NULL CHECK (status IN ('PREVIEWED', 'COMMITTING', 'COMMITTED', 'FAILED',
          'REQUESTED', 'APPROVED', 'RECEIVED', 'REFUNDED', 'EXCHANGED', 'REJECTED')),
        base_version int NOT NULL,
        committed_version int,
        items jsonb NOT NULL DEFAULT '[]',
        preview jsonb,
        difference_amount bigint NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        reason text,
        return_label jsonb,
        failure text,
        requested_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX order_change_order_idx ON orders.order_change (order_id, created_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE orders.order_change`);
    await db.query(`
      ALTER TABLE orders.customer_order
        DROP COLUMN version, DROP COLUMN pending_change_id,
        DROP COLUMN delivered_at, DROP COLUMN shipment_ids`);
  }
}
