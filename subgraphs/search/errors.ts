/** Codes this domain returns in userErrors and as `extensions.reason` of BAD_USER_INPUT. */
export const SearchErrorCode = {
  SEARCH_QUERY_EMPTY: 'SEARCH_QUERY_EMPTY',
  SEARCH_QUERY_TOO_LONG: 'SEARCH_QUERY_TOO_LONG',
  SEARCH_FACET_UNKNOWN: 'SEARCH_FACET_UNKNOWN',
  SEARCH_PAGE_TOO_DEEP: 'SEARCH_PAGE_TOO_DEEP',
  /** A facet or filter naming an attribute code that cannot exist (codes are like `material`). */
  SEARCH_ATTRIBUTE_UNKNOWN: 'SEARCH_ATTRIBUTE_UNKNOWN',
  INVALID_COUNTRY: 'INVALID_COUNTRY',
  INVALID_ID: 'INVALID_ID',
  INVALID_PRICE_RANGE: 'INVALID_PRICE_RANGE',
  INVALID_RATING: 'INVALID_RATING',
  INVALID_CURRENCY: 'INVALID_CURRENCY',
  INVALID_LOCALE: 'INVALID_LOCALE',
  INVALID_PAGE_SIZE: 'INVALID_PAGE_SIZE',
  TOO_MANY_VALUES: 'TOO_MANY_VALUES',
  REINDEX_RUNNING: 'REINDEX_RUNNING',
} as const;
export type SearchErrorCode = (typeof SearchErrorCode)[keyof typeof SearchErrorCode];
