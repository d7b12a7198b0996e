/** Codes this domain returns in userErrors and as `extensions.reason` of BAD_USER_INPUT. */
export const ReviewsErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ID: 'INVALID_ID',
  INVALID_RATING: 'INVALID_RATING',
  TITLE_TOO_LONG: 'TITLE_TOO_LONG',
  BODY_TOO_SHORT: 'BODY_TOO_SHORT',
  BODY_TOO_LONG: 'BODY_TOO_LONG',
  PRODUCT_UNKNOWN: 'PRODUCT_UNKNOWN',
  ALREADY_REVIEWED: 'ALREADY_REVIEWED',
  CUSTOMERS_ONLY: 'CUSTOMERS_ONLY',
  OWN_REVIEW: 'OWN_REVIEW',
  REVIEW_NOT_PUBLISHED: 'REVIEW_NOT_PUBLISHED',
  ALREADY_MODERATED: 'ALREADY_MODERATED',
} as const;
export type ReviewsErrorCode = (typeof ReviewsErrorCode)[keyof typeof ReviewsErrorCode];
