/** Codes this domain returns in userErrors and extensions.code. */
export const CatalogErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  REQUIRED: 'REQUIRED',
  INVALID_TEXT: 'INVALID_TEXT',
  INVALID_SKU: 'INVALID_SKU',
  INVALID_SLUG: 'INVALID_SLUG',
  SKU_TAKEN: 'SKU_TAKEN',
  SLUG_TAKEN: 'SLUG_TAKEN',
  SEARCH_TOO_LONG: 'SEARCH_TOO_LONG',
  /** A variant weight of 0 grams or less, or more than 1,000 kg. */
  WEIGHT_INVALID: 'WEIGHT_INVALID',
  /** A dimension of 0 mm or less, or more than 10 m. */
  DIMENSION_INVALID: 'DIMENSION_INVALID',
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];
