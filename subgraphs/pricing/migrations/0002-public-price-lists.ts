import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A list is public (shoppers are priced from it) unless staff keep it internal, such as WHOLESALE. */
export class PricingPublicLists1764200000000 implements MigrationInterface {
  name = 'PricingPublicLists1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE pricing.price_list ADD COLUMN public boolean NOT NULL DEFAULT true`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE pricing.price_list DROP COLUMN public`);
  }
}
