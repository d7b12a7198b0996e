import { createHash } from 'node:crypto';
import { IsNull } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { isUuid, uuidFromName } from '../../../platform/ids';
import { parseInput, text } from '../../../platform/validation';
import { SavedPaymentMethodRow } from '../entities';
import { PaymentsErrorCode } from '../errors';
import { ProviderUnavailableError } from '../provider';
import type { PaymentsDeps } from './shared';

const cardToken = text(200);

/**
 * Keeps a customer's card in the processor's vault for later checkouts. Saving the same
 * card token again returns the first saved method (the processor call is keyed by it).
 */
export async function savePaymentMethod(
  deps: PaymentsDeps,
  customerId: string,
  token: string,
): Promise<SavedPaymentMethodRow> {
  if (!token.trim()) {
    throw new DomainError(PaymentsErrorCode.REQUIRED, 'A card token is required', ['token']);
  }
  const parsed = parseInput(cardToken, token, ['token'], PaymentsErrorCode.INVALID_TOKEN);
  if (!deps.provider.vault) {
    throw new DomainError(
      PaymentsErrorCode.PAYMENT_METHOD_NOT_SAVED,
      `The ${deps.provider.name} processor cannot save cards`,
      ['token'],
    );
  }
  const key = `vault:${customerId}:${createHash('sha256').update(parsed).digest('hex')}`;
  const id = uuidFromName(`payments:${key}`);
  const repository = deps.db.getRepository(SavedPaymentMethodRow);
  const saved = await repository.findOneBy({ id });
  if (saved && !saved.removedAt) return saved;

  let result;
  try {
    result = await deps.provider.vault({ token: parsed, idempotencyKey: key });
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError)) throw error;
    throw new DomainError(
      PaymentsErrorCode.PAYMENT_FAILED,
      'The payment provider is unavailable; try again',
    );
  }
  if (!result.approved) {
    throw new DomainError(
      PaymentsErrorCode.PAYMENT_METHOD_NOT_SAVED,
      `The card could not be saved: ${result.declineMessage} (${result.declineCode})`,
      ['token'],
    );
  }
  await deps.db.query(
    `INSERT INTO payments.saved_payment_method
       (id, customer_id, provider, vault_token, brand, last4, exp_month, exp_year)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET removed_at = NULL`,
    [
      id,
      customerId,
      deps.provider.name,
      result.vaultToken,
      result.card.brand,
      result.card.last4,
      result.card.expMonth,
      result.card.expYear,
    ],
  );
  return repository.findOneByOrFail({ id });
}

export function paymentMethodsOf(
  deps: PaymentsDeps,
  customerIds: readonly string[],
): Promise<SavedPaymentMethodRow[]> {
  return deps.db
    .getRepository(SavedPaymentMethodRow)
    .createQueryBuilder('m')
    .where('m.customer_id IN (:...ids) AND m.removed_at IS NULL', { ids: [...customerIds] })
    .orderBy('m.created_at', 'ASC')
    .getMany();
}

/** Only the customer's own: another customer's method is NOT_FOUND, as an unknown one. */
export async function removePaymentMethod(
  deps: PaymentsDeps,
  customerId: string,
  id: string,
): Promise<SavedPaymentMethodRow> {
  const repository = deps.db.getRepository(SavedPaymentMethodRow);
  await repository.update({ id, customerId, removedAt: IsNull() }, { removedAt: new Date() });
  // Removing it again answers as the first time did.
  const row = await repository.findOneBy({ id, customerId });
  if (!row) throw notFound(['id']);
  return row;
}

/**
 * The vault token to charge for a checkout with a saved method: the buyer's own, not
 * removed, not expired.
 */
export async function savedMethodForCharge(
  deps: PaymentsDeps,
  customerId: string | null | undefined,
  id: string,
  now = new Date(),
): Promise<SavedPaymentMethodRow> {
  const field = ['input', 'savedMethodId'];
  // A guest's key is their email: no saved methods.
  const row = isUuid(customerId)
    ? await deps.db
        .getRepository(SavedPaymentMethodRow)
        .findOneBy({ id, customerId, removedAt: IsNull() })
    : null;
  if (!row) throw notFound(field);
  const endOfExpiryMonth = new Date(Date.UTC(row.expYear, row.expMonth, 1));
  if (endOfExpiryMonth <= now) {
    throw new DomainError(
      PaymentsErrorCode.PAYMENT_METHOD_EXPIRED,
      `The saved ${row.brand} card ending ${row.last4} expired ${row.expMonth}/${row.expYear}`,
      field,
    );
  }
  return row;
}

function notFound(field: string[]): DomainError {
  return new DomainError(
    PaymentsErrorCode.PAYMENT_METHOD_NOT_FOUND,
    'No such saved payment method',
    field,
  );
}
