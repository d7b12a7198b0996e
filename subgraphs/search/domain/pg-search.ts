import type { DataSource } from 'typeorm';
import type { FacetName, FacetValue, SearchHighlight, SearchPage, SearchRequest } from './engine';
import { languageOf } from './pg-index';

/** Price buckets in minor units of the asked currency: min inclusive, max exclusive. */
export const PRICE_BUCKETS: [number, number | null][] = [
  [0, 2000],
  [2000, 5000],
  [5000, 10000],
  [10000, 20000],
  [20000, null],
];
const RATING_BUCKETS = [4, 3, 2, 1];
const MARK_START = '\uE000';
const MARK_END = '\uE001';
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}`;
/** The currency is always $1 (the q CTE names it, so it is typed even where unused). */
const PRICE_SQL = `(d.prices -> $1::text ->> 'min')::bigint`;

class Params {
  readonly values: unknown[] = [];
  /** Typed, so that PostgreSQL never has to guess (every value is also referenced once). */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

interface Term {
  term: string;
  known: boolean;
  suggestions: string[];
}

/** Each query word as written, accents folded, and indexed words near it when it has no match. */
async function resolveTerms(db: DataSource, terms: string[]): Promise<Term[]> {
  if (terms.length === 0) return [];
  return db.query(
    `SELECT n.term,
       length(n.term) < 3 OR EXISTS (SELECT 1 FROM search.lexicon l
          WHERE l.word COLLATE "C" >= n.term AND l.word COLLATE "C" < n.term || chr(1114111)) AS known,
       ARRAY(SELECT l.word FROM search.lexicon l WHERE length(n.term) >= 3
               AND l.word OPERATOR(public.%) n.term
             ORDER BY public.similarity(l.word, n.term) DESC, l.word LIMIT 3) AS suggestions
     FROM unnest($1::text[]) WITH ORDINALITY AS t(raw, ord),
       LATERAL (SELECT lower(public.unaccent('public.unaccent'::regdictionary, t.raw)) AS term) n
     ORDER BY t.ord`,
    [terms],
  );
}

/** The tsquery of all words: each as a prefix, stemmed or as written, or a correction of it. */
function tsQuery(params: Params, terms: Term[], language: string): string {
  const lang = params.add(language, 'regconfig');
  return terms
    .map(({ term, known, suggestions }) => {
      const simple = [`'${term}':*`, ...(known ? [] : suggestions.map((s) => `'${s}'`))];
      return `(to_tsquery('search.unaccented', ${params.add(simple.join(' | '), 'text')})
        || to_tsquery(${lang}, public.unaccent('public.unaccent'::regdictionary, ${params.add(`'${term}':*`, 'text')})))`;
    })
    .join(' && ');
}

/** Each filter as a condition on `d`, by the facet it belongs to (a facet ignores its own). */
function filterConditions(params: Params, request: SearchRequest): Map<string, string> {
  const f = request.filters;
  const conditions = new Map<string, string>();
  const price = PRICE_SQL;
  if (f.categoryIds?.length)
    conditions.set('category', `d.category_ids && ${params.add(f.categoryIds, 'uuid[]')}`);
  if (f.brandIds?.length)
    conditions.set('brand', `d.brand_id = ANY(${params.add(f.brandIds, 'uuid[]')})`);
  if (f.price) {
    const parts = [`${price} IS NOT NULL`];
    if (f.price.min != null) parts.push(`${price} >= ${params.add(f.price.min, 'bigint')}`);
    if (f.price.max != null) parts.push(`${price} < ${params.add(f.price.max, 'bigint')}`);
    conditions.set('price', parts.join(' AND '));
  }
  if (f.inStock != null)
    conditions.set('inStock', `d.in_stock = ${params.add(f.inStock, 'boolean')}`);
  if (f.minRating != null)
    conditions.set('rating', `d.rating >= ${params.add(f.minRating, 'real')}`);
  for (const option of f.options ?? []) {
    const values = option.values.map((value) => `${option.name}=${value}`);
    conditions.set(`option:${option.name}`, `d.options && ${params.add(values, 'text[]')}`);
  }
  return conditions;
}

function allBut(conditions: Map<string, string>, facet: string | null): string {
  const parts = [...conditions].filter(([name]) => name !== facet).map(([, sql]) => sql);
  return parts.length ? parts.join(' AND ') : 'true';
}

function orderBy(request: SearchRequest, price: string, hasQuery: boolean): string {
  switch (request.sort) {
    case 'PRICE_ASC':
      return `${price} ASC NULLS LAST, d.product_id`;
    case 'PRICE_DESC':
      return `${price} DESC NULLS LAST, d.product_id`;
    case 'NEWEST':
      return `d.created_at DESC, d.product_id`;
    case 'RATING':
      return `d.rating DESC NULLS LAST, d.rating_count DESC, d.product_id`;
    default:
      return hasQuery ? `score DESC, d.product_id` : `d.created_at DESC, d.product_id`;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function highlight(field: SearchHighlight['field'], raw: string | null): SearchHighlight[] {
  if (!raw || !raw.includes(MARK_START)) return [];
  const snippet = escapeHtml(raw).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
  return [{ field, snippet }];
}

export async function pgSearch(db: DataSource, request: SearchRequest): Promise<SearchPage> {
  const terms = await resolveTerms(db, request.terms);
  const params = new Params();
  params.add(request.currency, 'text');
  const hasQuery = terms.length > 0;
  const query = hasQuery ? tsQuery(params, terms, languageOf(request.locale)) : `NULL::tsquery`;
  const conditions = filterConditions(params, request);
  const price = PRICE_SQL;
  const matched = `SELECT d.* FROM search.document d, q WHERE d.visible${hasQuery ? ' AND d.tsv @@ q.query' : ''}`;
  const cte = `WITH q AS (SELECT ${query} AS query, $1::text AS currency), m AS (${matched})`;

  const pageParams = new Params();
  pageParams.values.push(...params.values);
  const rows: {
    product_id: string;
    score: number;
    total: number;
    price: { min: number; max: number } | null;
    name_hl: string | null;
    description_hl: string | null;
  }[] = await db.query(
    `${cte}, page AS (
       SELECT d.product_id, d.name, d.description, d.language, d.prices, d.created_at, d.rating,
              d.rating_count,
              ${hasQuery ? 'ts_rank(d.tsv, q.query)' : '0'}::float8 AS score,
              count(*) OVER ()::int AS total
         FROM m d, q WHERE ${allBut(conditions, null)}
        ORDER BY ${orderBy(request, price, hasQuery)}
        LIMIT ${pageParams.add(request.limit, 'int')} OFFSET ${pageParams.add(request.offset, 'int')})
     SELECT p.product_id, p.score, p.total, p.prices -> $1::text AS price,
       ${hasQuery ? `ts_headline('search.unaccented', p.name, q.query, ${pageParams.add(`HighlightAll=true, ${HEADLINE}`, 'text')})` : 'NULL'} AS name_hl,
       ${hasQuery ? `ts_headline(p.language, left(p.description, 3000), q.query, ${pageParams.add(`MaxFragments=1, MaxWords=24, MinWords=8, ${HEADLINE}`, 'text')})` : 'NULL'} AS description_hl
     FROM page p, q
     ORDER BY ${orderBy(request, price, hasQuery).replaceAll('d.', 'p.')}`,
    pageParams.values,
  );
  let totalCount = rows[0]?.total ?? 0;
  if (rows.length === 0 && request.offset > 0) {
    const [{ count }] = await db.query(
      `${cte} SELECT count(*)::int AS count FROM m d WHERE ${allBut(conditions, null)}`,
      params.values,
    );
    totalCount = count;
  }
  const facets = request.facets.length
    ? await pgFacets(db, request, cte, params, conditions, price)
    : [];
  return {
    hits: rows.map((row) => ({
      productId: row.product_id,
      score: row.score,
      price: row.price ? { min: Number(row.price.min), max: Number(row.price.max) } : null,
      highlights: [
        ...highlight('name', row.name_hl),
        ...highlight('description', row.description_hl),
      ],
    })),
    totalCount,
    facets,
    corrections: terms
      .filter((t) => !t.known && t.suggestions.length > 0)
      .map((t) => ({ term: t.term, suggestions: t.suggestions })),
  };
}

async function pgFacets(
  db: DataSource,
  request: SearchRequest,
  cte: string,
  params: Params,
  conditions: Map<string, string>,
  price: string,
): Promise<SearchPage['facets']> {
  const p = new Params();
  p.values.push(...params.values);
  const parts = request.facets.map((facet) => {
    const name = p.add(facet, 'text');
    const where = allBut(conditions, facet);
    switch (facet) {
      case 'category':
        return `SELECT ${name} AS facet, c.id::text AS value, c.name AS label, c.parent::text AS parent, count(*)::int AS count
          FROM m d, unnest(d.category_ids, d.category_names, d.category_parents) AS c(id, name, parent)
          WHERE ${where} GROUP BY c.id, c.name, c.parent`;
      case 'brand':
        return `SELECT ${name} AS facet, d.brand_id::text AS value, d.brand_name AS label, NULL AS parent, count(*)::int AS count FROM m d
          WHERE d.brand_id IS NOT NULL AND ${where} GROUP BY d.brand_id, d.brand_name`;
      case 'price': {
        const buckets = PRICE_BUCKETS.map(([lo, hi]) => `(${lo}, ${hi ?? 'NULL'}::bigint)`).join(
          ', ',
        );
        return `SELECT ${name} AS facet, b.lo::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d, (VALUES ${buckets}) AS b(lo, hi)
          WHERE ${price} >= b.lo AND (b.hi IS NULL OR ${price} < b.hi) AND ${where} GROUP BY b.lo`;
      }
      case 'inStock':
        return `SELECT ${name} AS facet, d.in_stock::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d WHERE ${where} GROUP BY d.in_stock`;
      case 'rating':
        return `SELECT ${name} AS facet, r.min::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d, (VALUES ${RATING_BUCKETS.map((r) => `(${r})`).join(', ')}) AS r(min)
          WHERE d.rating >= r.min AND ${where} GROUP BY r.min`;
      default: {
        const prefix = p.add(`${facet.slice('option:'.length)}=`, 'text');
        return `SELECT ${name} AS facet, substr(o, length(${prefix}) + 1) AS value, substr(o, length(${prefix}) + 1) AS label, NULL AS parent, count(*)::int AS count
          FROM m d, unnest(d.options) AS o WHERE left(o, length(${prefix})) = ${prefix} AND ${where}
          GROUP BY o`;
      }
    }
  });
  const rows: {
    facet: string;
    value: string;
    label: string | null;
    parent: string | null;
    count: number;
  }[] = await db.query(`${cte} ${parts.map((part) => `(${part})`).join(' UNION ALL ')}`, p.values);
  return request.facets.map((facet) => ({
    name: facet,
    values: sortFacet(
      facet,
      rows
        .filter((row) => row.facet === facet)
        .map((row) => toFacetValue(facet, row, request.currency)),
    ),
  }));
}

function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}

function toFacetValue(
  facet: FacetName,
  row: { value: string; label: string | null; parent: string | null; count: number },
  currency: string,
): FacetValue {
  if (facet === 'price') {
    const lo = Number(row.value);
    const hi = PRICE_BUCKETS.find(([min]) => min === lo)?.[1] ?? null;
    const label =
      hi === null
        ? `${money(lo, currency)} and more`
        : `${money(lo, currency)} – ${money(hi, currency)}`;
    return { value: `${lo}-${hi ?? ''}`, label, count: row.count, range: { min: lo, max: hi } };
  }
  if (facet === 'inStock')
    return {
      value: row.value,
      label: row.value === 'true' ? 'In stock' : 'Out of stock',
      count: row.count,
    };
  if (facet === 'rating')
    return { value: row.value, label: `${row.value} stars and more`, count: row.count };
  return { value: row.value, label: row.label ?? row.value, count: row.count, parent: row.parent };
}

function sortFacet(facet: FacetName, values: FacetValue[]): FacetValue[] {
  if (facet === 'price') return values.sort((a, b) => a.range!.min! - b.range!.min!);
  if (facet === 'rating') return values.sort((a, b) => Number(b.value) - Number(a.value));
  return values.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}
