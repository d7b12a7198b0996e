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
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];
