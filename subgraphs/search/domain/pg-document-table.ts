/**
 * The index table, one row per product. A rebuild creates a second one beside it
 * (`document_next`) and swaps the names, so the shape lives here once.
 */
export function documentTableSql(table: string): string {
  return `
    CREATE TABLE search.${table} (
      product_id uuid PRIMARY KEY,
      visible boolean NOT NULL,
      name text NOT NULL,
      name_norm text NOT NULL,
      description text NOT NULL,
      language regconfig NOT NULL,
      brand_id uuid,
      brand_name text,
      category_ids uuid[] NOT NULL,
      category_names text[] NOT NULL,
      category_parents uuid[] NOT NULL,
      options text[] NOT NULL,
      attributes text[] NOT NULL DEFAULT '{}',
      min_age int,
      denied_countries text[] NOT NULL DEFAULT '{}',
      prices jsonb NOT NULL,
      in_stock boolean NOT NULL,
      rating real,
      rating_count int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      tsv tsvector NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX ON search.${table} USING gin (tsv);
    CREATE INDEX ON search.${table} USING gin (name_norm public.gin_trgm_ops);
    CREATE INDEX ON search.${table} USING gin (category_ids);
    CREATE INDEX ON search.${table} (brand_id);
    CREATE INDEX ON search.${table} (created_at)`;
}
