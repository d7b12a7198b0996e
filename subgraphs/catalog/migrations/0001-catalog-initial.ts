import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogInitial1764100000000 implements MigrationInterface {
  name = 'CatalogInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS catalog`);
    await db.query(`
      CREATE TABLE catalog.category (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) > 0),
        slug text NOT NULL UNIQUE,
        parent_id uuid REFERENCES catalog.category(id),
        position int NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX category_parent_idx ON catalog.category (parent_id)`);
    await db.query(`
      CREATE TABLE catalog.brand (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) > 0),
        slug text NOT NULL UNIQUE
      )`);
    await db.query(`
      CREATE TABLE catalog.product (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL CHECK (length(name) > 0),
        description text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('DRAFT', 'ACTIVE', 'ARCHIVED')),
        brand_id uuid REFERENCES catalog.brand(id),
        category_id uuid REFERENCES catalog.category(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', name), 'A') ||
          setweight(to_tsvector('english', description), 'B')
        ) STORED
      )`);
    await db.query(`CREATE INDEX product_listing_idx ON catalog.product (status, name, id)`);
    await db.query(`CREATE INDEX product_category_idx ON catalog.product (category_id)`);
    await db.query(`CREATE INDEX product_search_idx ON catalog.product USING gin (search)`);
    await db.query(`
      CREATE TABLE catalog.product_variant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES catalog.product(id),
        sku text NOT NULL UNIQUE CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        title text NOT NULL,
        options jsonb NOT NULL DEFAULT '[]',
        price_amount bigint NOT NULL CHECK (price_amount >= 0),
        currency char(3) NOT NULL,
        position int NOT NULL DEFAULT 0,
        archived_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX product_variant_product_idx ON catalog.product_variant (product_id, position)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA catalog CASCADE`);
  }
}
