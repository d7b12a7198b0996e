import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Variants get a shipping weight and parcel dimensions: shipping prices by weight bands. */
export class CatalogVariantWeight1765000000000 implements MigrationInterface {
  name = 'CatalogVariantWeight1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE catalog.product_variant
         ADD COLUMN weight_grams int CHECK (weight_grams > 0),
         ADD COLUMN length_mm int CHECK (length_mm > 0),
         ADD COLUMN width_mm int CHECK (width_mm > 0),
         ADD COLUMN height_mm int CHECK (height_mm > 0),
         ADD CONSTRAINT product_variant_dimensions_all_or_none CHECK (
           (length_mm IS NULL) = (width_mm IS NULL) AND (width_mm IS NULL) = (height_mm IS NULL))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE catalog.product_variant DROP COLUMN weight_grams, DROP COLUMN length_mm,
         DROP COLUMN width_mm, DROP COLUMN height_mm`,
    );
  }
}
