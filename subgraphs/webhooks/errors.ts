/** Codes this domain returns in userErrors and as `extensions.reason` of BAD_USER_INPUT. */
export const WebhooksErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ID: 'INVALID_ID',
  INVALID_URL: 'INVALID_URL',
  /** The URL's host is (or resolves to) a loopback, private or other non-public address. */
  URL_NOT_ALLOWED: 'URL_NOT_ALLOWED',
  INVALID_DOCUMENT: 'INVALID_DOCUMENT',
  NO_TOPICS: 'NO_TOPICS',
  UNKNOWN_APP: 'UNKNOWN_APP',
  DELIVERY_ALREADY_DELIVERED: 'DELIVERY_ALREADY_DELIVERED',
  ENDPOINT_INACTIVE: 'ENDPOINT_INACTIVE',
} as const;
export type WebhooksErrorCode = (typeof WebhooksErrorCode)[keyof typeof WebhooksErrorCode];
