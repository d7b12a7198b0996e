import type { FacetName, FacetValue, SearchPage, SearchRequest } from './engine';

/** Price buckets in minor units of the asked currency: min inclusive, max exclusive. */
export const PRICE_BUCKETS: [number, number | null][] = [
  [0, 2000],
  [2000, 5000],
  [5000, 10000],
  [10000, 20000],
  [20000, null],
];
const RATING_BUCKETS = [4, 3, 2, 1];

export class Params {
  readonly values: unknown[] = [];
  /** Typed, so that PostgreSQL never has to guess (every value is also referenced once). */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** The conditions of every filter but the facet's own (a facet ignores its own filter). */
export function allBut(conditions: Map<string, string>, facet: string | null): string {
  const parts = [...conditions].filter(([name]) => name !== facet).map(([, sql]) => sql);
  return parts.length ? parts.join(' AND ') : 'true';
}

/**
 * Every asked facet as one part of a UNION ALL over the matched set `m` (materialised
 * once by the caller's statement, narrow columns only): one pass per facet over a few
 * thousand rows in memory, no second look at the index.
 */
export function facetSql(
  request: SearchRequest,
  p: Params,
  conditions: Map<string, string>,
): string {
  const parts = request.facets.map((facet) => {
    const name = p.add(facet, 'text');
    const where = allBut(conditions, facet);
    switch (facet) {
      case 'category':
        // Counted by id alone (unnesting names and parents too costs twice as much per
        // row); names and parents come from the labels, one row per category.
        return `SELECT ${name} AS facet, c.id::text AS value, l.name AS label, l.parent_id::text AS parent, c.count
          FROM (SELECT c.id, count(*)::int AS count FROM m d, unnest(d.category_ids) AS c(id)
                 WHERE ${where} GROUP BY c.id) c
          LEFT JOIN search.label l ON l.kind = 'CATEGORY' AND l.id = c.id`;
      case 'brand':
        return `SELECT ${name} AS facet, d.brand_id::text AS value, d.brand_name AS label, NULL AS parent, count(*)::int AS count FROM m d
          WHERE d.brand_id IS NOT NULL AND ${where} GROUP BY d.brand_id, d.brand_name`;
      case 'price': {
        const buckets = PRICE_BUCKETS.map(([lo, hi]) => `(${lo}, ${hi ?? 'NULL'}::bigint)`).join(
          ', ',
        );
        return `SELECT ${name} AS facet, b.lo::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d, (VALUES ${buckets}) AS b(lo, hi)
          WHERE d.price >= b.lo AND (b.hi IS NULL OR d.price < b.hi) AND ${where} GROUP BY b.lo`;
      }
      case 'inStock':
        return `SELECT ${name} AS facet, d.in_stock::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d WHERE ${where} GROUP BY d.in_stock`;
      case 'rating':
        return `SELECT ${name} AS facet, r.min::text AS value, NULL AS label, NULL AS parent, count(*)::int AS count FROM m d, (VALUES ${RATING_BUCKETS.map((r) => `(${r})`).join(', ')}) AS r(min)
          WHERE d.rating >= r.min AND ${where} GROUP BY r.min`;
      default: {
        // option:<name> over variant options, attr:<code> over catalog attributes: both "key=value".
        const [column, key] = facet.startsWith('attr:')
          ? ['attributes', facet.slice('attr:'.length)]
          : ['options', facet.slice('option:'.length)];
        const prefix = p.add(`${key}=`, 'text');
        return `SELECT ${name} AS facet, substr(o, length(${prefix}) + 1) AS value, substr(o, length(${prefix}) + 1) AS label, NULL AS parent, count(*)::int AS count
          FROM m d, unnest(d.${column}) AS o WHERE left(o, length(${prefix})) = ${prefix} AND ${where}
          GROUP BY o`;
      }
    }
  });
  return parts.length ? parts.map((part) => `(${part})`).join(' UNION ALL ') : '';
}

export interface FacetRow {
  facet: string;
  value: string;
  label: string | null;
  parent: string | null;
  count: number;
}

export function toFacets(request: SearchRequest, rows: FacetRow[]): SearchPage['facets'] {
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

function toFacetValue(facet: FacetName, row: FacetRow, currency: string): FacetValue {
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
