import { z } from 'zod';
import { DomainError } from '../../../../platform/errors';
import { email, text, userErrorsFrom } from '../../../../platform/validation';
import type { AddressValue } from '../../entities';
import { OrdersErrorCode } from '../../errors';

export interface CheckoutInput {
  cartId: string;
  idempotencyKey: string;
  email: string;
  shippingAddress: AddressValue;
  billingAddress?: AddressValue | null;
  /** Shipping's method id; null: the default method (shipping-choice.ts). */
  shippingMethodId?: string | null;
  payment: { method?: PaymentMethod | null; token?: string | null; savedMethodId?: string | null };
  /** The total the buyer was shown; a different quote now is PRICE_CHANGED, not a surprise charge. */
  expectedTotal?: { amount: number; currency: string } | null;
  /** Points and a gift card paying part of the order (loyalty holds them); the card pays the rest. */
  loyalty?: LoyaltyTenderInput | null;
}

export interface LoyaltyTenderInput {
  points?: number | null;
  giftCardCode?: string | null;
  giftCardAmount?: number | null;
}

/**
 * An address is checked by location (checkout.ts asks it); here only its shape, so that
 * location gets strings and nothing else.
 */
const address = z.object({
  name: z.string(),
  line1: z.string(),
  line2: z.string().nullish(),
  city: z.string(),
  postalCode: z.string(),
  region: z.string().nullish(),
  country: z.string(),
  phone: z.string().nullish(),
});

export type PaymentMethod = 'CARD' | 'BANK_TRANSFER' | 'CASH_ON_DELIVERY';

/** A card needs its token; a bank transfer or cash on delivery takes none. */
const payment = z
  .object({
    method: z.enum(['CARD', 'BANK_TRANSFER', 'CASH_ON_DELIVERY']).nullish(),
    token: text(200).nullish(),
    savedMethodId: z.uuid({ message: 'Not a valid id' }).nullish(),
  })
  .superRefine((value, ctx) => {
    const method = value.method ?? 'CARD';
    if (value.savedMethodId) {
      if (method !== 'CARD' || value.token)
        ctx.addIssue({
          code: 'custom',
          path: ['savedMethodId'],
          message: 'A saved card is paid with neither a token nor another method',
        });
      return;
    }
    if (method === 'CARD' && !value.token?.trim())
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'A card payment needs a token' });
    if (method !== 'CARD' && value.token)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `A ${method} payment takes no card token`,
      });
  });

const checkoutInput = z.object({
  cartId: z.string(),
  idempotencyKey: text(200).pipe(z.string().min(8, { message: 'Must be 8 to 200 characters' })),
  email,
  shippingAddress: address,
  billingAddress: address.nullish(),
  shippingMethodId: z.string().uuid({ message: 'Must be a shipping method id' }).nullish(),
  payment,
  expectedTotal: z.object({ amount: z.number().int(), currency: text(3) }).nullish(),
  loyalty: z
    .object({
      points: z.number().int().min(0, { message: 'Points are 0 or more' }).nullish(),
      giftCardCode: text(64).nullish(),
      giftCardAmount: z.number().int().positive({ message: 'A positive amount' }).nullish(),
    })
    .nullish(),
});

/** The code of an issue, by the field it is about (clients branch on these). */
function codeFor(path: string[]): string {
  const [top] = path;
  if (top === 'idempotencyKey') return OrdersErrorCode.INVALID_IDEMPOTENCY_KEY;
  if (top === 'email') return OrdersErrorCode.INVALID_EMAIL;
  if (top === 'shippingMethodId') return OrdersErrorCode.INVALID_ID;
  return OrdersErrorCode.INVALID_INPUT;
}

/**
 * Bounds and normalizes checkout's input with the platform's schemas (one email rule, no
 * control characters anywhere; addresses are location's): the first problem is a
 * DomainError with its path under ["input", ...].
 */
export function parseCheckoutInput(value: CheckoutInput): CheckoutInput {
  const parsed = checkoutInput.safeParse(value);
  if (parsed.success) return { ...parsed.data, cartId: value.cartId };
  const issue = parsed.error.issues[0]!;
  const [first] = userErrorsFrom(parsed.error, ['input']);
  throw new DomainError(codeFor(issue.path.map(String)), first!.message, first!.field);
}
