/** Codes this domain returns in userErrors and as `extensions.reason` of BAD_USER_INPUT. */
export const NotificationsErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ID: 'INVALID_ID',
  INVALID_EMAIL: 'INVALID_EMAIL',
  DELIVERY_ALREADY_SENT: 'DELIVERY_ALREADY_SENT',
} as const;
export type NotificationsErrorCode =
  (typeof NotificationsErrorCode)[keyof typeof NotificationsErrorCode];
