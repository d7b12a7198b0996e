import type { DataSource, EntityManager } from 'typeorm';
import type { IndexDocument } from './engine';

/** PostgreSQL's stemming per language; anything else is indexed word by word. */
const LANGUAGES: Record<string, string> = {
  da: 'danish',
  de: 'german',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  hu: 'hungarian',
  it: 'italian',
  nl: 'dutch',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sv: 'swedish',
  tr: 'turkish',
};

export function languageOf(locale: string): string {
  return LANGUAGES[locale.slice(0, 2).toLowerCase()] ?? 'simple';
}

/** How much of a description is indexed: far below tsvector's 1 MB, cut on a character. */
const INDEXED_DESCRIPTION_CHARS = 50_000;

const UNACCENT = `public.unaccent('public.unaccent'::regdictionary, %s)`;
const fold = (expr: string) => UNACCENT.replace('%s', expr);

/**
 * Writes documents into `table` (the live index, or the one a rebuild fills). Weights:
 * A name, B brand and categories, C variants (titles, options, SKUs), D description;
 * each text both stemmed in its language and as written, accents folded, so "dresses"
 * finds "dress" and a prefix of any word finds it.
 */
export async function writeDocuments(
  db: DataSource | EntityManager,
  documents: IndexDocument[],
  table = 'document',
): Promise<void> {
  if (documents.length === 0) return;
  const rows = documents.map((doc) => ({
    product_id: doc.productId,
    visible: doc.visible,
    name: doc.name,
    description: doc.description.slice(0, INDEXED_DESCRIPTION_CHARS),
    language: languageOf(doc.locale),
    brand_id: doc.brand?.id ?? null,
    brand_name: doc.brand?.name ?? null,
    category_ids: doc.categories.map((c) => c.id),
    category_names: doc.categories.map((c) => c.name),
    category_parents: doc.categories.map((c) => c.parentId),
    options: doc.options.map((o) => `${o.name}=${o.value}`),
    attributes: doc.attributes.flatMap((a) => a.values.map((v) => `${a.code}=${v}`)),
    min_age: doc.minimumAge,
    denied_countries: doc.deniedCountries,
    facet_text: [doc.brand?.name ?? '', ...doc.categories.map((c) => c.name)].join(' '),
    variant_text: [
      ...doc.options.map((o) => o.value),
      ...doc.skus,
      ...doc.attributes.flatMap((a) => a.values),
    ].join(' '),
    prices: doc.prices,
    in_stock: doc.inStock,
    rating: doc.rating?.average ?? null,
    rating_count: doc.rating?.count ?? 0,
    created_at: doc.createdAt.toISOString(),
  }));
  // Surrogate-safe: a description cut inside a UTF-16 pair would end in half a character.
  for (const row of rows) row.description = row.description.replace(/[\uD800-\uDBFF]$/, '');
  await db.query(
    `INSERT INTO search.${table} (product_id, visible, name, name_norm, description, language,
       brand_id, brand_name, category_ids, category_names, category_parents, options, attributes,
       min_age, denied_countries, prices, in_stock, rating, rating_count, created_at, tsv, indexed_at)
     SELECT d.product_id, d.visible, d.name, lower(${fold('d.name')}), d.description,
       d.language::regconfig, d.brand_id, d.brand_name, d.category_ids, d.category_names,
       d.category_parents, d.options, d.attributes, d.min_age, d.denied_countries, d.prices, d.in_stock, d.rating, d.rating_count, d.created_at,
       setweight(to_tsvector(d.language::regconfig, ${fold('d.name')}), 'A')
         || setweight(to_tsvector('search.unaccented', d.name), 'A')
         || setweight(to_tsvector(d.language::regconfig, ${fold('d.facet_text')}), 'B')
         || setweight(to_tsvector('search.unaccented', d.facet_text), 'B')
         || setweight(to_tsvector('search.unaccented', d.variant_text), 'C')
         || setweight(to_tsvector(d.language::regconfig, ${fold('d.description')}), 'D'),
       clock_timestamp()
     FROM jsonb_to_recordset($1::jsonb) AS d(product_id uuid, visible boolean, name text,
       description text, language text, brand_id uuid, brand_name text, category_ids uuid[],
       category_names text[], category_parents uuid[], options text[], attributes text[],
       min_age int, denied_countries text[], facet_text text,
       variant_text text, prices jsonb, in_stock boolean, rating real, rating_count int,
       created_at timestamptz)
     ON CONFLICT (product_id) DO UPDATE SET
       visible = EXCLUDED.visible, name = EXCLUDED.name, name_norm = EXCLUDED.name_norm,
       description = EXCLUDED.description, language = EXCLUDED.language,
       brand_id = EXCLUDED.brand_id, brand_name = EXCLUDED.brand_name,
       category_ids = EXCLUDED.category_ids, category_names = EXCLUDED.category_names,
       category_parents = EXCLUDED.category_parents, options = EXCLUDED.options,
       attributes = EXCLUDED.attributes, min_age = EXCLUDED.min_age,
       denied_countries = EXCLUDED.denied_countries,
       prices = EXCLUDED.prices, in_stock = EXCLUDED.in_stock, rating = EXCLUDED.rating,
       rating_count = EXCLUDED.rating_count, created_at = EXCLUDED.created_at,
       tsv = EXCLUDED.tsv, indexed_at = EXCLUDED.indexed_at`,
    [JSON.stringify(rows)],
  );
  // The words typos are corrected to: only visible products', so a draft's name never leaks.
  await db.query(
    `INSERT INTO search.lexicon (word)
     SELECT DISTINCT w FROM jsonb_to_recordset($1::jsonb) AS d(visible boolean, name text,
         facet_text text, variant_text text, description text),
       regexp_split_to_table(lower(${fold(
         `d.name || ' ' || d.facet_text || ' ' || d.variant_text || ' ' || left(d.description, 5000)`,
       )}), '[^[:alnum:]]+') AS w
      WHERE d.visible AND length(w) BETWEEN 3 AND 40
      ORDER BY w
     ON CONFLICT (word) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  await db.query(
    `INSERT INTO search.label (kind, id, name, name_norm, parent_id)
     SELECT DISTINCT ON (kind, id) kind, id, name, lower(${fold('name')}), parent FROM (
       SELECT 'BRAND' AS kind, d.brand_id AS id, d.brand_name AS name, NULL::uuid AS parent
         FROM jsonb_to_recordset($1::jsonb) AS d(visible boolean, brand_id uuid, brand_name text)
        WHERE d.visible AND d.brand_id IS NOT NULL
       UNION ALL
       SELECT 'CATEGORY', c.id, c.name, c.parent
         FROM jsonb_to_recordset($1::jsonb) AS d(visible boolean, category_ids uuid[],
                category_names text[], category_parents uuid[]),
              unnest(d.category_ids, d.category_names, d.category_parents) AS c(id, name, parent)
        WHERE d.visible) named
     ORDER BY kind, id
     ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, name_norm = EXCLUDED.name_norm,
       parent_id = EXCLUDED.parent_id
       WHERE search.label.name <> EXCLUDED.name
          OR search.label.parent_id IS DISTINCT FROM EXCLUDED.parent_id`,
    [JSON.stringify(rows)],
  );
}
