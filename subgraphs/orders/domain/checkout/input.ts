import { z } from 'zod';
import { DomainError } from '../../../../platform/errors';
import { email, postalAddress, text, userErrorsFrom } from '../../../../platform/validation';
import type { AddressValue } from '../../entities';
import { OrdersErrorCode } from '../../errors';

export interface CheckoutInput {
  cartId: string;
  idempotencyKey: string;
  email: string;
  shippingAddress: AddressValue;
  billingAddress?: AddressValue | null;
  payment: { token: string };
  /** The total the buyer was shown; a different quote now is PRICE_CHANGED, not a surprise charge. */
  expectedTotal?: { amount: number; currency: string } | null;
}

const address = postalAddress.transform((a): AddressValue => ({
  name: a.name ?? '',
  line1: a.line1,
  line2: a.line2 || null,
  city: a.city,
  postalCode: a.postalCode,
  region: a.region || null,
  country: a.country,
  phone: a.phone || null,
}));

const checkoutInput = z.object({
  cartId: z.string(),
  idempotencyKey: text(200).pipe(z.string().min(8, { message: 'Must be 8 to 200 characters' })),
  email,
  shippingAddress: address,
  billingAddress: address.nullish(),
  payment: z.object({ token: text(200) }),
  expectedTotal: z.object({ amount: z.number().int(), currency: text(3) }).nullish(),
});

/** The code of an issue, by the field it is about (clients branch on these). */
function codeFor(path: string[]): string {
  const [top, field] = path;
  if (top === 'idempotencyKey') return OrdersErrorCode.INVALID_IDEMPOTENCY_KEY;
  if (top === 'email') return OrdersErrorCode.INVALID_EMAIL;
  if (top === 'shippingAddress' || top === 'billingAddress') {
    return field === 'country' ? 'INVALID_COUNTRY' : OrdersErrorCode.INVALID_ADDRESS;
  }
  return OrdersErrorCode.INVALID_INPUT;
}

/**
 * Bounds and normalizes checkout's input with the platform's schemas (addresses with a
 * real country and a postal code of its form, one email rule, no control characters
 * anywhere): the first problem is a DomainError with its path under ["input", ...].
 */
export function parseCheckoutInput(value: CheckoutInput): CheckoutInput {
  // Countries are compared upper-cased, as buyers type them in any case.
  const upper = (a: AddressValue | null | undefined) =>
    a ? { ...a, country: a.country.trim().toUpperCase() } : a;
  const parsed = checkoutInput.safeParse({
    ...value,
    shippingAddress: upper(value.shippingAddress),
    billingAddress: upper(value.billingAddress),
  });
  if (parsed.success) return { ...parsed.data, cartId: value.cartId };
  const issue = parsed.error.issues[0]!;
  const [first] = userErrorsFrom(parsed.error, ['input']);
  throw new DomainError(codeFor(issue.path.map(String)), first!.message, first!.field);
}
