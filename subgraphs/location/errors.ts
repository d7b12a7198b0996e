/** Codes this domain returns in userErrors and extensions.code. */
export const LocationErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  COUNTRY_UNKNOWN: 'COUNTRY_UNKNOWN',
  REGION_UNKNOWN: 'REGION_UNKNOWN',
  POSTAL_CODE_INVALID: 'POSTAL_CODE_INVALID',
  PHONE_INVALID: 'PHONE_INVALID',
  REQUIRED: 'REQUIRED',
  TOO_LONG: 'TOO_LONG',
  INVALID_TEXT: 'INVALID_TEXT',
  INVALID_CODE: 'INVALID_CODE',
  INVALID_KIND: 'INVALID_KIND',
  CODE_TAKEN: 'CODE_TAKEN',
  LOCATION_FIXED: 'LOCATION_FIXED',
  HAS_CHILDREN: 'HAS_CHILDREN',
} as const;
export type LocationErrorCode = (typeof LocationErrorCode)[keyof typeof LocationErrorCode];
