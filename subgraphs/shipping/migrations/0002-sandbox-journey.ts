import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where each sandbox parcel is on its journey, and when it last moved (carriers/sandbox-network.ts). */
export class ShippingSandboxJourney1767400000000 implements MigrationInterface {
  name = 'ShippingSandboxJourney1767400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE shipping.sandbox_parcel
        ADD COLUMN journey_step int NOT NULL DEFAULT 0,
        ADD COLUMN last_event_at timestamptz NOT NULL DEFAULT now()`);
    await db.query(
      `CREATE INDEX sandbox_parcel_due ON shipping.sandbox_parcel (last_event_at) WHERE journey_step < 3 AND kind = 'OUTBOUND'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX shipping.sandbox_parcel_due`);
    await db.query(
      `ALTER TABLE shipping.sandbox_parcel DROP COLUMN journey_step, DROP COLUMN last_event_at`,
    );
  }
}
