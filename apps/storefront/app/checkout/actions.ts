'use server';

import { createHash } from 'node:crypto';
import { redirect } from 'next/navigation';
import { WebCheckoutDocument, type CheckoutInput } from '../../../../sdk';
import { CHECKOUT_FIELDS, checkoutMessage } from '../../lib/checkout-errors';
import { formErrors, NO_ERRORS, type FormErrors } from '../../lib/errors';
import { rememberCart } from '../../lib/session';
import { shop } from '../../lib/shop';
import { currentCart } from '../../lib/catalog';

export interface CheckoutState {
  values: Record<string, string>;
  errors: FormErrors;
  /** With PAYMENT_ACTION_REQUIRED: the bank's page; placing the order again continues. */
  paymentActionUrl?: string;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const MAX_IN_PROGRESS_RETRIES = 3;

/**
 * Places the order. The idempotency key is derived from the form's nonce and the input:
 * the same submission sent twice is one order, a changed one (another card after a
 * decline) is a new attempt instead of IDEMPOTENCY_KEY_REUSED.
 */
export async function placeOrder(_: CheckoutState, form: FormData): Promise<CheckoutState> {
  const values = Object.fromEntries(
    [...form.keys()].map((key) => [key, text(form, key)]),
  ) as Record<string, string>;
  const cart = await currentCart();
  if (!cart)
    return {
      values,
      errors: { fields: {}, form: [checkoutMessage({ message: '', code: 'CART_EMPTY' })] },
    };
  const input: Omit<CheckoutInput, 'idempotencyKey'> = {
    cartId: cart.id,
    email: values.email ?? '',
    shippingAddress: {
      name: values.name ?? '',
      line1: values.line1 ?? '',
      line2: values.line2 || null,
      city: values.city ?? '',
      postalCode: values.postalCode ?? '',
      region: values.region || null,
      country: values.country ?? '',
    },
    shippingMethodId: values.shippingMethodId || null,
    payment: { token: values.card || null },
    // The total shown is for the page's country; another destination costs otherwise.
    expectedTotal:
      values.expectedAmount && values.expectedCurrency && values.country === values.pricedCountry
        ? { amount: Number(values.expectedAmount), currency: values.expectedCurrency }
        : null,
  };
  const idempotencyKey = createHash('sha256')
    .update(`${values.nonce ?? ''}:${JSON.stringify(input)}`)
    .digest('hex')
    .slice(0, 40);
  const client = await shop();
  for (let attempt = 0; ; attempt++) {
    const { checkout } = await client.request(WebCheckoutDocument, {
      input: { ...input, idempotencyKey },
    });
    if (checkout.order) {
      await rememberCart(null);
      const token = checkout.orderAccessToken
        ? `?token=${encodeURIComponent(checkout.orderAccessToken)}`
        : '';
      redirect(`/orders/${checkout.order.id}${token}`);
    }
    const inProgress = checkout.userErrors.some((e) => e.code === 'CHECKOUT_IN_PROGRESS');
    if (inProgress && attempt < MAX_IN_PROGRESS_RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, checkout.retryAfterMs ?? 500));
      continue;
    }
    return {
      values,
      errors: checkout.userErrors.length
        ? formErrors(checkout.userErrors, checkoutMessage, CHECKOUT_FIELDS)
        : { ...NO_ERRORS, form: ['The order could not be placed. Try again.'] },
      paymentActionUrl: checkout.paymentAction?.url,
    };
  }
}
