import type { UserError } from './errors';

/**
 * What the shopper reads for each code checkout can answer with (subgraphs/orders/errors.ts,
 * and payments' codes that checkout passes on for the card). Messages say what to do next.
 */
export const CHECKOUT_MESSAGES: Record<string, string> = {
  CART_EMPTY: 'Your cart is empty. Add something before checking out.',
  CART_ALREADY_CHECKED_OUT: 'This cart has already been ordered. Start a new cart to order again.',
  NOT_FOUND: 'We could not find your cart. Please add the items again.',
  VARIANT_UNAVAILABLE: 'An item in your cart is out of stock or no longer sold. Update your cart.',
  AGE_RESTRICTED: 'An item in your cart needs a verified age. Verify your age or remove it.',
  COUNTRY_DENIED: 'An item in your cart cannot be shipped to this country.',
  COUPON_NOT_FOUND: 'A discount code in your cart does not exist. Remove it in your cart.',
  COUPON_EXPIRED: 'A discount code in your cart has expired. Remove it in your cart.',
  COUPON_NOT_APPLICABLE: 'A discount code in your cart does not apply to this order.',
  COUPON_EXHAUSTED: 'A discount code in your cart has been used up. Remove it in your cart.',
  COUPON_CUSTOMER_LIMIT:
    'You have already used a discount code in your cart. Remove it in your cart.',
  PRICE_CHANGED: 'Prices changed since you looked. Check the new total and place the order again.',
  PAYMENT_DECLINED: 'Your card was declined. Try another card.',
  PAYMENT_FAILED: 'The payment did not go through. Try again or use another card.',
  FRAUD_REJECTED: 'We could not accept this payment. Try another card or contact us.',
  INVALID_TOKEN: 'This card could not be read. Choose the card again.',
  PAYMENT_ACTION_REQUIRED: 'Your bank asks you to confirm this payment (3-D Secure).',
  PAYMENT_METHOD_NOT_FOUND: 'That saved card is no longer available. Choose another card.',
  PAYMENT_METHOD_EXPIRED: 'That saved card has expired. Choose another card.',
  CONCURRENT_UPDATE: 'Your cart changed while ordering. Check it and place the order again.',
  IDEMPOTENCY_KEY_REUSED: 'This order form was already used for another order. Reload the page.',
  INVALID_IDEMPOTENCY_KEY: 'This order form has expired. Reload the page.',
  CHECKOUT_IN_PROGRESS: 'Your order is still being placed. Wait a moment; we are checking again.',
  CHECKOUT_INTERRUPTED: 'Placing your order was interrupted. Nothing was charged; try again.',
  UPSTREAM_UNAVAILABLE: 'Part of the shop is not answering right now. Try again in a minute.',
  SHIPPING_UNAVAILABLE: 'We do not ship to this address yet. Choose another address.',
  SHIPPING_METHOD_UNAVAILABLE: 'This delivery option does not serve your address. Choose another.',
  INVALID_EMAIL: 'Enter a valid email address.',
  INVALID_ID: 'Choose a delivery option from the list.',
  INVALID_TOTAL: 'The order total could not be computed. Check your cart.',
  INVALID_INPUT: 'Check this field.',
  REQUIRED: 'This field is required.',
};

/** The shopper's message for a checkout error; a field's own detail where it has one. */
export function checkoutMessage(error: UserError): string {
  const general = error.code ? CHECKOUT_MESSAGES[error.code] : undefined;
  // A field's validation message ("Must be a valid postal code") is more precise there.
  if ((error.code === 'INVALID_INPUT' || error.code === 'REQUIRED') && error.field?.length)
    return error.message;
  // The card network's own reason ("Your card has insufficient funds.") says most.
  if (error.code === 'PAYMENT_DECLINED' && error.message)
    return `${error.message.replace(/\.?$/, '.')} Try another card.`;
  if (error.code === 'PAYMENT_FAILED' && error.message) return `${general} (${error.message})`;
  return general ?? error.message;
}

/** The checkout form's fields, as userErrors name them (`input` dropped). */
export const CHECKOUT_FIELDS = [
  'email',
  'shippingAddress.name',
  'shippingAddress.line1',
  'shippingAddress.line2',
  'shippingAddress.city',
  'shippingAddress.postalCode',
  'shippingAddress.region',
  'shippingAddress.country',
  'shippingMethodId',
  'payment',
] as const;
