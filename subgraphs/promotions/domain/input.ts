import { createHash } from 'node:crypto';
import { DomainError } from '../../../platform/errors';
import { currencyCode } from '../../../platform/validation';
import { BASIS_POINTS, type Cart, type Conditions, type MinimumSubtotal } from '../discounts';
import type { PromotionRow } from '../entities';
import { PromotionsErrorCode } from '../errors';
import type { ConditionsInput, DiscountInput, PromotionInput } from './types';

/**
 * The checks of every input this domain takes: each refusal is a DomainError with the
 * field path of the offending value, so mutations answer it as a userError.
 */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_NAME_LENGTH = 200;
const MAX_KEY_LENGTH = 200;
const MAX_CUSTOMER_KEY_LENGTH = 320;
const MAX_SEGMENT_LENGTH = 64;
const MAX_CONDITION_ITEMS = 1000;
const MAX_LINES = 500;
const MAX_QUANTITY = 100_000;
const MAX_UNIT_PRICE = 1_000_000_000_000;
const MAX_COUPONS_PER_CART = 10;
export const MAX_INT32 = 2_147_483_647;

/** A coupon entered at checkout, with where it was entered (its index in couponCodes). */
export interface EnteredCode {
  index: number;
  code: string;
}

export interface NormalizedDiscountInput {
  cart: Cart;
  customerKey: string | null;
  codes: EnteredCode[];
}

const isCurrency = (value: string) => currencyCode.safeParse(value).success;

/** The value columns a kind needs, and nothing else. */
export function checkKindShape(
  input: PromotionInput,
): Pick<PromotionRow, 'value' | 'currency' | 'buyQuantity' | 'getQuantity'> {
  const none = { value: null, currency: null, buyQuantity: null, getQuantity: null };
  const value = input.value ?? null;
  switch (input.kind) {
    case 'PERCENTAGE_ORDER':
    case 'PERCENTAGE_LINE':
      if (value === null || !Number.isSafeInteger(value) || value < 1 || value > BASIS_POINTS) {
        throw new DomainError(
          PromotionsErrorCode.INVALID_VALUE,
          'A percentage is 1-10000 basis points (1000 = 10 %)',
          ['value'],
        );
      }
      if (input.currency)
        throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'A percentage has no currency', [
          'currency',
        ]);
      return { ...none, value };
    case 'FIXED_ORDER':
    case 'FIXED_LINE': {
      if (value === null || !Number.isSafeInteger(value) || value < 1 || value > MAX_INT32) {
        throw new DomainError(
          PromotionsErrorCode.INVALID_VALUE,
          'A fixed amount is a positive number of minor units',
          ['value'],
        );
      }
      const currency = (input.currency ?? '').trim().toUpperCase();
      if (!isCurrency(currency)) {
        throw new DomainError(
          PromotionsErrorCode.INVALID_CURRENCY,
          'A fixed amount needs an ISO 4217 currency',
          ['currency'],
        );
      }
      return { ...none, value, currency };
    }
    case 'BUY_X_GET_Y': {
      const buy = input.buyQuantity ?? 0;
      const get = input.getQuantity ?? 0;
      if (!Number.isSafeInteger(buy) || buy < 1 || buy > 1000) {
        throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'buyQuantity must be 1-1000', [
          'buyQuantity',
        ]);
      }
      if (!Number.isSafeInteger(get) || get < 1 || get > 1000) {
        throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'getQuantity must be 1-1000', [
          'getQuantity',
        ]);
      }
      if (value !== null)
        throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'BUY_X_GET_Y takes no value', [
          'value',
        ]);
      return { ...none, buyQuantity: buy, getQuantity: get };
    }
    case 'FREE_SHIPPING':
      if (value !== null)
        throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'FREE_SHIPPING takes no value', [
          'value',
        ]);
      return none;
  }
}

export function checkConditions(input: ConditionsInput): Conditions {
  const field = (name: string) => ['conditions', name];
  const minSubtotals: MinimumSubtotal[] = [];
  for (const minimum of input.minSubtotals ?? []) {
    const currency = minimum.currency.trim().toUpperCase();
    if (!isCurrency(currency)) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_CURRENCY,
        'A minimum subtotal needs an ISO 4217 currency',
        field('minSubtotals'),
      );
    }
    if (!Number.isSafeInteger(minimum.amount) || minimum.amount < 0) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        'A minimum subtotal is a whole number of minor units',
        field('minSubtotals'),
      );
    }
    if (minSubtotals.some((m) => m.currency === currency)) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        `Two minimum subtotals in ${currency}`,
        field('minSubtotals'),
      );
    }
    minSubtotals.push({ amount: minimum.amount, currency });
  }
  const ids = (list: string[] | null | undefined, name: string) => {
    const unique = [...new Set(list ?? [])];
    if (unique.length > MAX_CONDITION_ITEMS) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        `At most ${MAX_CONDITION_ITEMS} ${name}`,
        field(name),
      );
    }
    return unique;
  };
  const customerSegments = ids(input.customerSegments, 'customerSegments').map((s) =>
    checkSegment(s, field('customerSegments')),
  );
  return {
    minSubtotals,
    productIds: ids(input.productIds, 'productIds'),
    categoryIds: ids(input.categoryIds, 'categoryIds'),
    brandIds: ids(input.brandIds, 'brandIds'),
    customerSegments: [...new Set(customerSegments)],
  };
}

/** Segments are case-insensitive labels such as "vip"; stored and compared lower-case. */
export function checkSegment(segment: string, field: string[]): string {
  const normalized = segment.trim().toLowerCase();
  if (!normalized || normalized.length > MAX_SEGMENT_LENGTH) {
    throw new DomainError(
      PromotionsErrorCode.INVALID_VALUE,
      `A segment is 1-${MAX_SEGMENT_LENGTH} characters`,
      field,
    );
  }
  return normalized;
}

export function checkLimits(input: {
  usageLimit?: number | null;
  perCustomerLimit?: number | null;
}) {
  const usageLimit = input.usageLimit ?? null;
  const perCustomerLimit = input.perCustomerLimit ?? null;
  for (const [name, limit] of [
    ['usageLimit', usageLimit],
    ['perCustomerLimit', perCustomerLimit],
  ] as const) {
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_INT32)) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        `${name} must be a positive whole number or null`,
        [name],
      );
    }
  }
  return { usageLimit, perCustomerLimit };
}

export function normalizeDiscountInput(input: Omit<DiscountInput, 'at'>): NormalizedDiscountInput {
  const currency = input.currency.trim().toUpperCase();
  if (!isCurrency(currency))
    throw new DomainError(
      PromotionsErrorCode.INVALID_CURRENCY,
      'currency must be an ISO 4217 code',
      ['currency'],
    );
  const shippingAmount = input.shippingAmount ?? 0;
  if (!Number.isSafeInteger(shippingAmount) || shippingAmount < 0) {
    throw new DomainError(
      PromotionsErrorCode.INVALID_VALUE,
      'shippingAmount must be a whole number of minor units',
      ['shippingAmount'],
    );
  }
  if (input.lines.length > MAX_LINES) {
    throw new DomainError(
      PromotionsErrorCode.INVALID_VALUE,
      `A cart has at most ${MAX_LINES} lines`,
      ['lines'],
    );
  }
  for (const [index, line] of input.lines.entries()) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        `quantity must be 1-${MAX_QUANTITY}`,
        ['lines', String(index), 'quantity'],
      );
    }
    if (
      !Number.isSafeInteger(line.unitPrice) ||
      line.unitPrice < 0 ||
      line.unitPrice > MAX_UNIT_PRICE
    ) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        'unitPrice must be a whole number of minor units',
        ['lines', String(index), 'unitPrice'],
      );
    }
  }
  const customerKey = input.customerKey?.trim().toLowerCase() || null;
  if (customerKey && customerKey.length > MAX_CUSTOMER_KEY_LENGTH) {
    throw new DomainError(PromotionsErrorCode.INVALID_VALUE, 'customerKey is too long', [
      'customerKey',
    ]);
  }
  const rawCodes = input.couponCodes ?? [];
  if (rawCodes.length > MAX_COUPONS_PER_CART) {
    throw new DomainError(
      PromotionsErrorCode.INVALID_VALUE,
      `At most ${MAX_COUPONS_PER_CART} coupon codes`,
      ['couponCodes'],
    );
  }
  const codes: EnteredCode[] = [];
  for (const [index, raw] of rawCodes.entries()) {
    const code = raw.trim().toUpperCase();
    if (code && !codes.some((c) => c.code === code)) codes.push({ index, code });
  }
  const segments = (input.customerSegments ?? []).map((s) => checkSegment(s, ['customerSegments']));
  return {
    cart: {
      currency,
      customerSegments: [...new Set(segments)],
      shippingAmount,
      lines: input.lines.map((line) => ({
        variantId: line.variantId,
        productId: line.productId,
        categoryIds: [...line.categoryIds],
        brandId: line.brandId ?? null,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
      })),
    },
    customerKey,
    codes,
  };
}

export function hashInput(input: NormalizedDiscountInput): string {
  const canonical = {
    ...input.cart,
    customerSegments: [...input.cart.customerSegments].sort(),
    customerKey: input.customerKey,
    codes: input.codes.map((c) => c.code),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function checkOrderRef(orderRef: string): string {
  const ref = orderRef.trim();
  if (!ref || ref.length > MAX_KEY_LENGTH) {
    throw new DomainError(
      PromotionsErrorCode.INVALID_VALUE,
      `orderRef must be 1-${MAX_KEY_LENGTH} characters`,
      ['orderRef'],
    );
  }
  return ref;
}

export function requireName(value: string | null | undefined, field: string): string {
  const text = value?.trim();
  if (!text)
    throw new DomainError(PromotionsErrorCode.REQUIRED, `${field} cannot be empty`, [field]);
  if (text.length > MAX_NAME_LENGTH)
    throw new DomainError(
      PromotionsErrorCode.TOO_LONG,
      `${field} is longer than ${MAX_NAME_LENGTH}`,
      [field],
    );
  return text;
}

export function parseTime(value: string, field: string): Date {
  const time = new Date(value);
  if (!ISO_TIME.test(value.trim()) || Number.isNaN(time.getTime())) {
    throw new DomainError(PromotionsErrorCode.INVALID_VALUE, `${field} must be an ISO 8601 time`, [
      field,
    ]);
  }
  return time;
}
