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
  /** An attribute code or definition that is malformed or already used. */
  ATTRIBUTE_INVALID: 'ATTRIBUTE_INVALID',
  ATTRIBUTE_CODE_TAKEN: 'ATTRIBUTE_CODE_TAKEN',
  /** No attribute of that code. */
  ATTRIBUTE_UNKNOWN: 'ATTRIBUTE_UNKNOWN',
  /** A value of the wrong type for its attribute (text for a number, a choice not offered …). */
  ATTRIBUTE_VALUE_INVALID: 'ATTRIBUTE_VALUE_INVALID',
  MEDIA_URL_INVALID: 'MEDIA_URL_INVALID',
  /** Not an image (or video) type catalog serves. */
  MEDIA_TYPE_INVALID: 'MEDIA_TYPE_INVALID',
  /** Width or height beyond what a product page shows. */
  MEDIA_TOO_LARGE: 'MEDIA_TOO_LARGE',
  INVALID_AGE: 'INVALID_AGE',
  INVALID_COUNTRY: 'INVALID_COUNTRY',
  /** Not a locale like de or de-AT. */
  INVALID_LOCALE: 'INVALID_LOCALE',
  /** The age verification provider did not confirm a birth date. */
  AGE_VERIFICATION_FAILED: 'AGE_VERIFICATION_FAILED',
  /** Only a signed-in customer verifies their own age. */
  CUSTOMER_REQUIRED: 'CUSTOMER_REQUIRED',
  /** A CSV import that cannot be read at all (no header, no sku column, too many rows). */
  IMPORT_INVALID: 'IMPORT_INVALID',
  /** A CSV row's column that is missing or unknown. */
  IMPORT_COLUMN_INVALID: 'IMPORT_COLUMN_INVALID',
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];
