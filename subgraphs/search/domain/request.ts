import { DomainError } from '../../../platform/errors';
import { isUuid } from '../../../platform/ids';
import { decodeCursor, encodeCursor } from '../../../platform/pagination';
import { SearchErrorCode as Code } from '../errors';
import {
  FACET_NAMES,
  type FacetName,
  type SearchFilters,
  type SearchRequest,
  type SearchSort,
} from './engine';

export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 10;
const MAX_TERM_LENGTH = 60;
const MAX_OFFSET = 10_000;
const MAX_IDS = 50;
/** Catalog's attribute codes (catalog.attribute's CHECK). */
const ATTRIBUTE_CODE = /^[a-z][a-z0-9_]{0,39}$/;

export interface SearchArgs {
  query?: string | null;
  filters?: {
    categoryIds?: string[] | null;
    brandIds?: string[] | null;
    price?: { min?: number | null; max?: number | null } | null;
    inStock?: boolean | null;
    minRating?: number | null;
    options?: { name: string; values: string[] }[] | null;
    attributes?: { code: string; values: string[] }[] | null;
  } | null;
  country?: string | null;
  sort?: SearchSort | null;
  currency?: string | null;
  locale?: string | null;
  facets?: string[] | null;
  first?: number | null;
  after?: string | null;
}

/**
 * The words of a query: letters and digits, lower case, at most ten. Operators, quotes,
 * SQL and markup are only separators here, so nothing a caller types reaches a query
 * parser; accents are folded by the engine.
 */
export function queryTerms(query: string, field: string[] = ['query']): string[] {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new DomainError(
      Code.SEARCH_QUERY_TOO_LONG,
      `A search is at most ${MAX_QUERY_LENGTH} characters`,
      field,
    );
  }
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) {
    throw new DomainError(Code.SEARCH_QUERY_EMPTY, 'The search has no words to look for', field);
  }
  return [...new Set(words.map((word) => word.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
}

function ids(values: string[] | null | undefined, field: string): string[] | undefined {
  if (!values) return undefined;
  if (values.length > MAX_IDS) {
    throw new DomainError(Code.TOO_MANY_VALUES, `At most ${MAX_IDS} ids`, ['filters', field]);
  }
  values.forEach((value, index) => {
    if (!isUuid(value)) {
      throw new DomainError(Code.INVALID_ID, `${String(value).slice(0, 40)} is not an id`, [
        'filters',
        field,
        String(index),
      ]);
    }
  });
  return values.map((value) => value.toLowerCase());
}

function parseFilters(input: SearchArgs['filters']): SearchFilters {
  if (!input) return {};
  const filters: SearchFilters = {
    categoryIds: ids(input.categoryIds, 'categoryIds'),
    brandIds: ids(input.brandIds, 'brandIds'),
  };
  if (input.price) {
    const { min, max } = input.price;
    const bad = [min, max].some((v) => v != null && (!Number.isSafeInteger(v) || v < 0));
    if (bad || (min != null && max != null && min >= max)) {
      throw new DomainError(
        Code.INVALID_PRICE_RANGE,
        'price needs whole minor units, min below max',
        ['filters', 'price'],
      );
    }
    filters.price = { min: min ?? null, max: max ?? null };
  }
  if (input.inStock != null) filters.inStock = input.inStock;
  if (input.minRating != null) {
    if (!(input.minRating >= 0 && input.minRating <= 5)) {
      throw new DomainError(Code.INVALID_RATING, 'minRating is between 0 and 5', [
        'filters',
        'minRating',
      ]);
    }
    filters.minRating = input.minRating;
  }
  if (input.options) {
    if (input.options.length > 10 || input.options.some((o) => o.values.length > MAX_IDS)) {
      throw new DomainError(Code.TOO_MANY_VALUES, 'At most 10 options of 50 values', [
        'filters',
        'options',
      ]);
    }
    filters.options = input.options.filter((o) => o.values.length > 0);
  }
  if (input.attributes) {
    if (input.attributes.length > 10 || input.attributes.some((a) => a.values.length > MAX_IDS)) {
      throw new DomainError(Code.TOO_MANY_VALUES, 'At most 10 attributes of 50 values', [
        'filters',
        'attributes',
      ]);
    }
    input.attributes.forEach((attribute, index) => {
      if (!ATTRIBUTE_CODE.test(attribute.code)) {
        throw new DomainError(Code.SEARCH_ATTRIBUTE_UNKNOWN, 'An attribute code is like material', [
          'filters',
          'attributes',
          String(index),
          'code',
        ]);
      }
    });
    filters.attributes = input.attributes.filter((a) => a.values.length > 0);
  }
  return filters;
}

function parseFacets(facets: string[] | null | undefined): FacetName[] {
  if (!facets) return [...FACET_NAMES];
  if (facets.length > 20) {
    throw new DomainError(Code.TOO_MANY_VALUES, 'At most 20 facets', ['facets']);
  }
  return facets.map((facet, index) => {
    if ((FACET_NAMES as readonly string[]).includes(facet)) return facet as FacetName;
    if (/^option:\P{Cc}{1,100}$/u.test(facet)) return facet as FacetName;
    if (facet.startsWith('attr:') && ATTRIBUTE_CODE.test(facet.slice(5))) return facet as FacetName;
    throw new DomainError(
      Code.SEARCH_FACET_UNKNOWN,
      `Unknown facet ${facet.slice(0, 40)}: one of ${FACET_NAMES.join(', ')} option:<name> or attr:<code>`,
      ['facets', String(index)],
    );
  });
}

export function parseCountry(country: string | null | undefined): string | null {
  if (country == null) return null;
  if (!/^[A-Za-z]{2}$/.test(country)) {
    throw new DomainError(Code.INVALID_COUNTRY, 'country is an ISO 3166-1 alpha-2 code', [
      'country',
    ]);
  }
  return country.toUpperCase();
}

/** Checks everything a caller sends to `search` before any engine sees it. */
export function parseSearchArgs(
  args: SearchArgs,
  defaultLocale: string,
  age: number | null = null,
): SearchRequest {
  const currency = (args.currency ?? 'EUR').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainError(Code.INVALID_CURRENCY, 'currency is an ISO 4217 code', ['currency']);
  }
  const locale = args.locale ?? defaultLocale;
  if (!/^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(locale)) {
    throw new DomainError(Code.INVALID_LOCALE, 'locale is a language tag such as en or de-AT', [
      'locale',
    ]);
  }
  const limit = args.first ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new DomainError(Code.INVALID_PAGE_SIZE, 'first is between 1 and 100', ['first']);
  }
  const offset = args.after ? Number(decodeCursor(args.after, 1)[0]) + 1 : 0;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw new DomainError(
      Code.SEARCH_PAGE_TOO_DEEP,
      `Results go ${MAX_OFFSET} deep; narrow the search`,
      ['after'],
    );
  }
  return {
    terms: args.query == null ? [] : queryTerms(args.query),
    filters: parseFilters(args.filters),
    sort: args.sort ?? 'RELEVANCE',
    currency,
    locale: locale.slice(0, 2),
    facets: parseFacets(args.facets),
    shopper: { country: parseCountry(args.country), age },
    offset,
    limit,
  };
}

export function hitCursor(position: number): string {
  return encodeCursor([position]);
}
