import { createHash } from 'node:crypto';
import { DomainError } from '../../../../platform/errors';
import { isUuid } from '../../../../platform/ids';
import type { Viewer } from '../../../../platform/identity';
import type { AddressValue, DraftOrderRow, DraftOrderStatus } from '../../entities';
import { OrdersErrorCode } from '../../errors';
import type { PaymentMethod } from '../checkout/input';
import type { ShippingFields } from '../shipping-choice';
import type { DraftLineInput } from './draft-input';

/** What draft orders take and refuse, and the small rules the service applies. */
export const DraftErrorCode = {
  DRAFT_NOT_OPEN: 'DRAFT_NOT_OPEN',
  DRAFT_INCOMPLETE: 'DRAFT_INCOMPLETE',
  DRAFT_ALREADY_PAID: 'DRAFT_ALREADY_PAID',
  DRAFT_CANCELLED: 'DRAFT_CANCELLED',
} as const;

export interface DraftCreateInput {
  email: string;
  customerId?: string | null;
  currency?: string | null;
  lines: DraftLineInput[];
  shippingAddress?: AddressValue | null;
  shippingMethodId?: string | null;
}

export interface DraftUpdateInput {
  email?: string | null;
  customerId?: string | null;
  lines?: DraftLineInput[] | null;
  shippingAddress?: AddressValue | null;
  shippingMethodId?: string | null;
}

export interface DraftPayInput {
  payToken: string;
  idempotencyKey: string;
  payment: { method?: PaymentMethod | null; token?: string | null; savedMethodId?: string | null };
  billingAddress?: AddressValue | null;
  expectedTotal?: { amount: number; currency: string } | null;
}

export const MAX_LIST = 100;
/** Where shipping's refusals point when staff save a draft. */
export const DRAFT_FIELDS: ShippingFields = {
  destination: ['input', 'shippingAddress', 'country'],
  method: ['input', 'shippingMethodId'],
};

export function parseMethodId(value: string | null | undefined, base: string[]): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value))
    throw new DomainError(OrdersErrorCode.INVALID_ID, 'Must be a shipping method id', [
      ...base,
      'shippingMethodId',
    ]);
  return value.toLowerCase();
}
export const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export function notFound(id: string): DomainError {
  return new DomainError(OrdersErrorCode.NOT_FOUND, `Draft order ${id} was not found`, ['id']);
}

export function assertStatus(draft: DraftOrderRow, allowed: DraftOrderStatus[]): void {
  if (allowed.includes(draft.status)) return;
  if (draft.status === 'CANCELLED')
    throw new DomainError(DraftErrorCode.DRAFT_CANCELLED, 'This draft order was cancelled', ['id']);
  if (draft.status === 'COMPLETED')
    throw new DomainError(DraftErrorCode.DRAFT_ALREADY_PAID, 'This draft order is paid', ['id']);
  throw new DomainError(
    DraftErrorCode.DRAFT_NOT_OPEN,
    'Only an OPEN draft order changes; cancel and start again',
    ['id'],
  );
}

/** The order is the draft's customer's (a guest's without one), whoever pays it. */
export function buyerOf(draft: DraftOrderRow): Viewer {
  return draft.customerId
    ? { kind: 'customer', customerId: draft.customerId }
    : { kind: 'anonymous' };
}

export function pick(draft: DraftOrderRow) {
  const { email, customerId, lines, shippingAddress, shippingMethodId } = draft;
  return { email, customerId, lines, shippingAddress, shippingMethodId };
}
