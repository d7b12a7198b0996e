import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Prices belong to the pricing subgraph (price lists, tiers, schedules, history). */
export class CatalogPricesMoveToPricing1764300000000 implements MigrationInterface {
  name = 'CatalogPricesMoveToPricing1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE catalog.product_variant DROP COLUMN price_amount, DROP COLUMN currency`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE catalog.product_variant ADD COLUMN price_amount bigint NOT NULL DEFAULT 0, ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR'`,
    );
  }
}
