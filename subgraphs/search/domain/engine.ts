import type { EntityManager } from 'typeorm';

/**
 * What the index holds of one product: built by search from the events it was told
 * (domain/sources.ts), handed to whichever engine indexes it. Plain values only, so the
 * same contract tests (engine-contract.ts) run against every engine.
 */
export interface IndexDocument {
  productId: string;
  /** ACTIVE and not removed: the only products customers find. */
  visible: boolean;
  name: string;
  description: string;
  /** BCP 47, e.g. en or de: the stemming the texts get. */
  locale: string;
  brand: { id: string; name: string } | null;
  /** Root first; the product is in each of them for facets and filters. */
  categories: { id: string; name: string; parentId: string | null }[];
  /** Variant options, e.g. { name: 'Size', value: 'M' }, distinct. */
  options: { name: string; value: string }[];
  skus: string[];
  /** Catalog's filterable or facetable attributes, values in canonical text (e.g. 12.5, true). */
  attributes: { code: string; values: string[] }[];
  /** Shoppers younger than this (or of unknown age) do not find the product; null: anyone. */
  minimumAge: number | null;
  /** ISO country codes whose shoppers do not find it. */
  deniedCountries: string[];
  /** Lowest and highest variant price per currency, integer minor units. */
  prices: Record<string, { min: number; max: number }>;
  inStock: boolean;
  rating: { average: number; count: number } | null;
  createdAt: Date;
}

export type SearchSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST' | 'RATING';

export const FACET_NAMES = ['category', 'brand', 'price', 'inStock', 'rating'] as const;
export type FixedFacetName = (typeof FACET_NAMES)[number];
/**
 * A fixed facet, `option:<name>` for a variant option such as `option:Size`, or
 * `attr:<code>` for a catalog attribute such as `attr:material`.
 */
export type FacetName = FixedFacetName | `option:${string}` | `attr:${string}`;

export interface SearchFilters {
  categoryIds?: string[];
  brandIds?: string[];
  /** In the request's currency, minor units: min inclusive, max exclusive. */
  price?: { min?: number | null; max?: number | null };
  inStock?: boolean;
  minRating?: number;
  options?: { name: string; values: string[] }[];
  /** Catalog attributes by code: any of the values. */
  attributes?: { code: string; values: string[] }[];
}

/** Who searches: what the visibility rules of products are checked against. */
export interface Shopper {
  /** ISO 3166-1 alpha-2, or null when the shop does not know (country rules then apply at the cart). */
  country: string | null;
  /** Whole years from a verified birth date; null: unknown (age-restricted products stay hidden). */
  age: number | null;
}

/** A validated request (domain/request.ts checks what callers send). */
export interface SearchRequest {
  /** Normalised words (letters and digits only); empty: browse. */
  terms: string[];
  filters: SearchFilters;
  sort: SearchSort;
  currency: string;
  locale: string;
  facets: FacetName[];
  shopper: Shopper;
  offset: number;
  limit: number;
}

export interface SearchHighlight {
  field: 'name' | 'description';
  /** HTML-escaped text with the matches in <mark></mark>. */
  snippet: string;
}

export interface SearchHit {
  productId: string;
  score: number;
  highlights: SearchHighlight[];
  price: { min: number; max: number } | null;
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
  /** Price buckets: their bounds (min inclusive, max exclusive; null: open). */
  range?: { min: number | null; max: number | null };
  /** Categories: the parent category's id, so clients draw the tree. */
  parent?: string | null;
}

export interface SearchPage {
  hits: SearchHit[];
  totalCount: number;
  facets: { name: FacetName; values: FacetValue[] }[];
  /** Query words that matched nothing as written, and the indexed words tried instead. */
  corrections: { term: string; suggestions: string[] }[];
}

export interface Suggestion {
  kind: 'PRODUCT' | 'BRAND' | 'CATEGORY';
  id: string;
  text: string;
}

/** Where the documents come from during a rebuild. */
export interface RebuildSource {
  /**
   * The moment changes are caught up from: every change of the sources recorded before it
   * has committed (a rebuild reads `all()` after it and `changedSince` it at the swap).
   */
  mark(): Promise<Date>;
  /** Every document, in batches. */
  all(): AsyncIterable<IndexDocument[]>;
  /** What changed since `since` (events handled while the rebuild ran). */
  changedSince(since: Date): Promise<{ documents: IndexDocument[]; removed: string[] }>;
}

/**
 * An index of products. PostgreSQL's (pg-engine.ts) is the default; another engine
 * (OpenSearch) implements the same and passes the same contract tests.
 * `tx`: the event's inbox transaction, for engines that live in the same database (an
 * engine elsewhere ignores it and relies on its writes being idempotent upserts).
 */
export interface SearchEngine {
  readonly name: string;
  index(documents: IndexDocument[], tx?: EntityManager): Promise<void>;
  remove(productIds: string[], tx?: EntityManager): Promise<void>;
  search(request: SearchRequest): Promise<SearchPage>;
  suggest(prefixTerms: string[], limit: number, shopper: Shopper): Promise<Suggestion[]>;
  /** Builds a new index beside the live one and swaps it in; searches never stop. */
  rebuild(source: RebuildSource): Promise<{ documents: number }>;
  /** Every document gone (tests). */
  clear(): Promise<void>;
}
