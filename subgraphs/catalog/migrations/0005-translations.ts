import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A product's name and description per locale (BCP 47, e.g. de or de-AT). */
export class CatalogTranslations1767100000002 implements MigrationInterface {
  name = 'CatalogTranslations1767100000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE catalog.product_translation (
        product_id uuid NOT NULL REFERENCES catalog.product(id),
        locale text NOT NULL CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
        name text NOT NULL CHECK (length(name) > 0),
        description text NOT NULL DEFAULT '',
        PRIMARY KEY (product_id, locale)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE catalog.product_translation`);
  }
}
