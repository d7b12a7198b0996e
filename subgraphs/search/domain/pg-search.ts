import type { DataSource } from 'typeorm';
import type { SearchHighlight, SearchPage, SearchRequest, Shopper } from './engine';
import { allBut, facetSql, type FacetRow, Params, toFacets } from './pg-facets';
import { languageOf } from './pg-index';

const MARK_START = '\uE000';
const MARK_END = '\uE001';
const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}`;

interface Term {
  term: string;
  known: boolean;
  suggestions: string[];
}

/**
 * Each query word as written, accents folded, and indexed words near it only when it has
 * no match: the trigram lookup is the expensive part and a known word never needs it.
 */
async function resolveTerms(db: DataSource, terms: string[]): Promise<Term[]> {
  if (terms.length === 0) return [];
  return db.query(
    `SELECT n.term, k.known,
       CASE WHEN k.known THEN '{}'::text[] ELSE ARRAY(
         SELECT l.word FROM search.lexicon l WHERE l.word OPERATOR(public.%) n.term
          ORDER BY public.similarity(l.word, n.term) DESC, l.word LIMIT 3) END AS suggestions
     FROM unnest($1::text[]) WITH ORDINALITY AS t(raw, ord),
       LATERAL (SELECT lower(public.unaccent('public.unaccent'::regdictionary, t.raw)) AS term) n,
       LATERAL (SELECT length(n.term) < 3 OR EXISTS (SELECT 1 FROM search.lexicon l
          WHERE l.word COLLATE "C" >= n.term AND l.word COLLATE "C" < n.term || chr(1114111)) AS known) k
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

/**
 * The visibility rules, on the document table `d`: an age-restricted product only for a
 * shopper of known, sufficient age; a country-denied one not for shoppers of that country.
 */
export function shopperCondition(params: Params, shopper: Shopper): string {
  const age =
    shopper.age === null
      ? `d.min_age IS NULL`
      : `(d.min_age IS NULL OR d.min_age <= ${params.add(shopper.age, 'int')})`;
  if (!shopper.country) return age;
  return `${age} AND NOT (d.denied_countries @> ARRAY[${params.add(shopper.country, 'text')}])`;
}

/** Each filter as a condition on the matched row `d`, by the facet it belongs to. */
function filterConditions(params: Params, request: SearchRequest): Map<string, string> {
  const f = request.filters;
  const conditions = new Map<string, string>();
  if (f.categoryIds?.length)
    conditions.set('category', `d.category_ids && ${params.add(f.categoryIds, 'uuid[]')}`);
  if (f.brandIds?.length)
    conditions.set('brand', `d.brand_id = ANY(${params.add(f.brandIds, 'uuid[]')})`);
  if (f.price) {
    const parts = [`d.price IS NOT NULL`];
    if (f.price.min != null) parts.push(`d.price >= ${params.add(f.price.min, 'bigint')}`);
    if (f.price.max != null) parts.push(`d.price < ${params.add(f.price.max, 'bigint')}`);
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
  for (const attribute of f.attributes ?? []) {
    const values = attribute.values.map((value) => `${attribute.code}=${value}`);
    conditions.set(`attr:${attribute.code}`, `d.attributes && ${params.add(values, 'text[]')}`);
  }
  return conditions;
}

function orderBy(request: SearchRequest, hasQuery: boolean, row: string): string {
  const order = (() => {
    switch (request.sort) {
      case 'PRICE_ASC':
        return `d.price ASC NULLS LAST, d.product_id`;
      case 'PRICE_DESC':
        return `d.price DESC NULLS LAST, d.product_id`;
      case 'NEWEST':
        return `d.created_at DESC, d.product_id`;
      case 'RATING':
        return `d.rating DESC NULLS LAST, d.rating_count DESC, d.product_id`;
      default:
        // Unqualified: the page's output column (its rank may be computed there).
        return hasQuery ? `score DESC, d.product_id` : `d.created_at DESC, d.product_id`;
    }
  })();
  return order.replaceAll('d.', `${row}.`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function highlight(field: SearchHighlight['field'], raw: string | null): SearchHighlight[] {
  if (!raw || !raw.includes(MARK_START)) return [];
  const snippet = escapeHtml(raw).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
  return [{ field, snippet }];
}

interface HitRow {
  product_id: string;
  score: number;
  price: { min: number; max: number } | null;
  name_hl: string | null;
  description_hl: string | null;
}

/**
 * One statement after the words are resolved: the matched set `m` is read from the index
 * once (narrow columns, the price of the asked currency pulled out of its jsonb once per
 * row) and materialised; the page, the total and every facet are counted over it, and
 * only the page's rows go back to the table for their rank and highlights.
 */
export async function pgSearch(db: DataSource, request: SearchRequest): Promise<SearchPage> {
  const terms = await resolveTerms(db, request.terms);
  const p = new Params();
  p.add(request.currency, 'text');
  const hasQuery = terms.length > 0;
  const query = hasQuery ? tsQuery(p, terms, languageOf(request.locale)) : `NULL::tsquery`;
  const visible = shopperCondition(p, request.shopper);
  const conditions = filterConditions(p, request);
  // ts_rank is the dearest part per row (about 4 µs): with filters it is computed for the
  // filtered rows only, back in the table; without, for the whole matched set, which is
  // then exactly the rows the page is sorted from.
  const rankLater = hasQuery && conditions.size > 0;
  const rank = hasQuery && !rankLater ? `ts_rank(d.tsv, q.query)` : `0`;
  const headlines = hasQuery
    ? `ts_headline('search.unaccented', t.name, q.query, ${p.add(`HighlightAll=true, ${HEADLINE}`, 'text')}) AS name_hl,
       ts_headline(t.language, left(t.description, 3000), q.query, ${p.add(`MaxFragments=1, MaxWords=24, MinWords=8, ${HEADLINE}`, 'text')}) AS description_hl`
    : `NULL AS name_hl, NULL AS description_hl`;
  const facets = facetSql(request, p, conditions);
  const [row]: { hits: HitRow[] | null; total: number; facets: FacetRow[] | null }[] =
    await db.query(
      `WITH q AS (SELECT ${query} AS query),
       m AS MATERIALIZED (
         SELECT d.product_id, d.brand_id, d.brand_name, d.category_ids, d.category_names,
                d.category_parents, d.options, d.attributes, d.in_stock, d.rating, d.rating_count,
                d.created_at, (d.prices -> $1::text ->> 'min')::bigint AS price,
                ${rank}::float8 AS score
           FROM search.document d, q
          WHERE d.visible AND ${visible}${hasQuery ? ' AND d.tsv @@ q.query' : ''}),
       page AS (
         SELECT d.product_id, ${rankLater ? 'ts_rank(t.tsv, q.query)::float8' : 'd.score'} AS score,
                d.price, d.created_at, d.rating, d.rating_count
           FROM m d${rankLater ? ' JOIN search.document t ON t.product_id = d.product_id, q' : ''}
          WHERE ${allBut(conditions, null)}
          ORDER BY ${orderBy(request, hasQuery, 'd')}
          LIMIT ${p.add(request.limit, 'int')} OFFSET ${p.add(request.offset, 'int')}),
       hits AS (
         SELECT g.*, t.prices -> $1::text AS price_range, ${headlines}
           FROM page g JOIN search.document t ON t.product_id = g.product_id, q)
       SELECT
         (SELECT json_agg(json_build_object('product_id', h.product_id, 'score', h.score,
                   'price', h.price_range, 'name_hl', h.name_hl, 'description_hl', h.description_hl)
                 ORDER BY ${orderBy(request, hasQuery, 'h')}) FROM hits h) AS hits,
         (SELECT count(*)::int FROM m d WHERE ${allBut(conditions, null)}) AS total,
         ${facets ? `(SELECT json_agg(f) FROM (${facets}) f)` : 'NULL'} AS facets`,
      p.values,
    );
  return {
    hits: (row?.hits ?? []).map((hit) => ({
      productId: hit.product_id,
      score: hit.score,
      price: hit.price ? { min: Number(hit.price.min), max: Number(hit.price.max) } : null,
      highlights: [
        ...highlight('name', hit.name_hl),
        ...highlight('description', hit.description_hl),
      ],
    })),
    totalCount: row?.total ?? 0,
    facets: toFacets(request, row?.facets ?? []),
    corrections: terms
      .filter((t) => !t.known && t.suggestions.length > 0)
      .map((t) => ({ term: t.term, suggestions: t.suggestions })),
  };
}
