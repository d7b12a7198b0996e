import { DomainError } from '../../../platform/errors';
import { rowOf } from '../../../platform/sql-rows';
import { parseId, uuidFromName } from '../../../platform/ids';
import { parseInput, text, currencyCode } from '../../../platform/validation';
import { PaymentRow, type PaymentStatus } from '../entities';
import { PaymentsErrorCode } from '../errors';
import { type FraudInput, parseFraudInput } from '../fraud/input';
import type { OfflineMethod } from '../offline-provider';
import { type AuthorizationResult, ProviderUnavailableError, requiresAction } from '../provider';
import {
  announce,
  checkKey,
  type PaymentOutcome,
  type PaymentsDeps,
  positiveAmount,
  providerFor,
} from './shared';
import { savedMethodForCharge } from './saved-methods';

/** The screening fields (email, customerKey, ip, countries, account age) are optional. */
export interface AuthorizeInput extends FraudInput {
  orderId: string;
  amount: number;
  currency: string;
  /** CARD (the default) needs a token; an offline method has none. */
  method?: 'CARD' | OfflineMethod | null;
  token?: string | null;
  /** A saved card of the buyer (`customerKey` is their customer id) instead of a token. */
  savedMethodId?: string | null;
  idempotencyKey: string;
}

const RETRIED: PaymentStatus[] = ['FAILED', 'REQUIRES_ACTION'];

/** The failure code of a payment refused by fraud screening, without a processor call. */
export const FRAUD_REJECTED_CODE = 'fraud_rejected';

const cardToken = text(200);

/**
 * Authorizes a card for an order (checkout). The payment id follows from the
 * idempotency key and the processor call's key from the payment id, so a retry, even
 * after a crash between the processor's answer and our insert, never authorizes twice.
 * A payment the processor answered is final for its key; one that FAILED (outage, outcome
 * unknown) is tried again under the same processor key, which is safe.
 *
 * Fraud screening runs first, once per payment (a retry reuses the recorded decision):
 * REJECT stores the payment DECLINED (`fraud_rejected`) without calling the processor,
 * REVIEW authorizes and leaves the flag on the payment for staff, APPROVE authorizes.
 */
export async function authorize(
  deps: PaymentsDeps,
  input: AuthorizeInput,
): Promise<PaymentOutcome> {
  const amount = positiveAmount(input.amount, ['input', 'amount']);
  const currency = parseInput(
    currencyCode,
    input.currency,
    ['input', 'currency'],
    PaymentsErrorCode.INVALID_CURRENCY,
  );
  const method = input.method ?? 'CARD';
  const provider = providerFor(deps, method);
  let token = '';
  if (input.savedMethodId) {
    if (method !== 'CARD' || input.token) {
      throw new DomainError(
        PaymentsErrorCode.INVALID_INPUT,
        'A saved card is paid with neither a token nor another method',
        ['input', 'savedMethodId'],
      );
    }
    const savedMethodId = parseId(input.savedMethodId, 'savedMethodId');
    token = (await savedMethodForCharge(deps, input.customerKey, savedMethodId)).vaultToken;
  } else if (method === 'CARD') {
    if (!input.token?.trim()) {
      throw new DomainError(PaymentsErrorCode.REQUIRED, 'A card payment needs a token', [
        'input',
        'token',
      ]);
    }
    token = parseInput(cardToken, input.token, ['input', 'token'], PaymentsErrorCode.INVALID_TOKEN);
  } else if (input.token) {
    throw new DomainError(
      PaymentsErrorCode.INVALID_TOKEN,
      `A ${method} payment takes no card token`,
      ['input', 'token'],
    );
  }
  const key = checkKey(input.idempotencyKey, ['input', 'idempotencyKey'])!;
  const fraudContext = parseFraudInput(input);

  const payments = deps.db.getRepository(PaymentRow);
  const existing =
    (await payments.findOneBy({ idempotencyKey: key })) ??
    (await adoptPendingChallenge(deps, input.orderId, amount, currency, key));
  if (existing) {
    assertSameAuthorization(existing, input);
    // FAILED (outcome unknown) and REQUIRES_ACTION (the buyer may have answered the
    // challenge since) are asked again, under the same processor key.
    if (!RETRIED.includes(existing.status)) return authorizationOutcome(existing);
  }
  const paymentId = existing?.id ?? uuidFromName(`payments:authorize:${key}`);
  const providerKey = `${paymentId}:authorization`;

  // A key never stored has no recorded decision to reuse, except one a crash left between
  // screening and storing the payment: assess keeps that one (one decision per payment).
  const assessment =
    (existing ? await deps.fraud.assessmentOf(paymentId) : null) ??
    (await deps.fraud.assess({
      paymentId,
      orderId: input.orderId,
      amount,
      currency,
      cardFingerprint: token ? ((await provider.cardFingerprint?.(token)) ?? null) : null,
      context: fraudContext,
    }));
  if (assessment.decision === 'REJECT') {
    const rejected = await storeFraudRejection(
      deps,
      provider.name,
      paymentId,
      input.orderId,
      amount,
      currency,
      key,
    );
    assertSameAuthorization(rejected, input);
    return authorizationOutcome(rejected);
  }

  let result: AuthorizationResult | null = null;
  let outage: ProviderUnavailableError | null = null;
  try {
    result = await provider.authorize({
      amount,
      currency,
      token,
      idempotencyKey: providerKey,
    });
  } catch (error) {
    if (!(error instanceof ProviderUnavailableError)) throw error;
    outage = error;
  }

  const payment = await deps.db.transaction(async (tx) => {
    const action = result && requiresAction(result) ? result.actionRequired : null;
    const status: PaymentStatus = !result
      ? 'FAILED'
      : result.approved
        ? 'AUTHORIZED'
        : action
          ? 'REQUIRES_ACTION'
          : 'DECLINED';
    const declined = result && !result.approved ? result : null;
    // A concurrent retry may have stored this key first; only a FAILED row is overwritten.
    const [written]: Record<string, unknown>[] = await tx.query(
      `INSERT INTO payments.payment AS p (id, order_id, amount, currency, status, provider,
         provider_reference, card_brand, card_last4, failure_code, failure_message, idempotency_key,
         action_url, action_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (idempotency_key) DO UPDATE SET
         status = EXCLUDED.status, provider_reference = EXCLUDED.provider_reference,
         card_brand = EXCLUDED.card_brand, card_last4 = EXCLUDED.card_last4,
         failure_code = EXCLUDED.failure_code, failure_message = EXCLUDED.failure_message,
         action_url = EXCLUDED.action_url, action_expires_at = EXCLUDED.action_expires_at,
         updated_at = now()
       WHERE p.status IN ('FAILED', 'REQUIRES_ACTION') AND p.order_id = EXCLUDED.order_id
         AND p.amount = EXCLUDED.amount AND p.currency = EXCLUDED.currency
       RETURNING p.*`,
      [
        paymentId,
        input.orderId,
        amount,
        currency,
        status,
        provider.name,
        result?.reference ?? null,
        result?.card?.brand ?? null,
        result?.card?.last4 ?? null,
        declined?.declineCode ?? outage?.code ?? null,
        declined?.declineMessage ?? outage?.message ?? null,
        key,
        action?.url ?? null,
        action?.expiresAt ?? null,
      ],
    );
    // A pending challenge is not the processor's answer yet: the ledger waits for it.
    if (result && !action) {
      await tx.query(
        `INSERT INTO payments.payment_transaction (payment_id, kind, amount, status, provider_reference,
           idempotency_key, failure_code, failure_message)
         VALUES ($1, 'AUTHORIZATION', $2, $3, $4, $5, $6, $7)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [
          paymentId,
          amount,
          result.approved ? 'SUCCEEDED' : 'FAILED',
          result.reference,
          providerKey,
          declined?.declineCode ?? null,
          declined?.declineMessage ?? null,
        ],
      );
    }
    // Nothing returned: a concurrent retry's answer (or another order's key) stands.
    const stored = written
      ? rowOf(tx, PaymentRow, written)
      : await tx.getRepository(PaymentRow).findOneByOrFail({ idempotencyKey: key });
    await announce(tx, stored, 'orders');
    return stored;
  });
  assertSameAuthorization(payment, input);
  return authorizationOutcome(payment);
}

/**
 * Checkout asks again under a new key (its next generation) once the buyer answered a
 * 3-D Secure challenge; the challenge belongs to the first request, so the order's
 * payment waiting for it is taken over by the new key and asked again under its own
 * processor key. Same order, amount and currency only: anything else is a new payment.
 */
async function adoptPendingChallenge(
  deps: PaymentsDeps,
  orderId: string,
  amount: number,
  currency: string,
  key: string,
): Promise<PaymentRow | null> {
  const adopted: PaymentRow[] = await deps.db.query(
    `UPDATE payments.payment SET idempotency_key = $4, updated_at = now()
      WHERE id = (SELECT id FROM payments.payment
                   WHERE order_id = $1 AND amount = $2 AND currency = $3
                     AND status = 'REQUIRES_ACTION'
                   ORDER BY created_at DESC LIMIT 1)
        AND status = 'REQUIRES_ACTION'
      RETURNING id`,
    [orderId, amount, currency, key],
  );
  const [row] = Array.isArray(adopted[0]) ? (adopted[0] as PaymentRow[]) : adopted;
  return row ? deps.db.getRepository(PaymentRow).findOneBy({ id: row.id }) : null;
}

/** A payment fraud screening refused: DECLINED, no processor call, no transaction. */
function storeFraudRejection(
  deps: PaymentsDeps,
  providerName: string,
  paymentId: string,
  orderId: string,
  amount: number,
  currency: string,
  key: string,
): Promise<PaymentRow> {
  return deps.db.transaction(async (tx) => {
    // A concurrent retry read the same recorded decision and may have stored it first.
    await tx.query(
      `INSERT INTO payments.payment (id, order_id, amount, currency, status, provider,
         failure_code, failure_message, idempotency_key)
       VALUES ($1, $2, $3, $4, 'DECLINED', $5, $6, $7, $8)
       ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        paymentId,
        orderId,
        amount,
        currency,
        providerName,
        FRAUD_REJECTED_CODE,
        'The payment was refused by fraud screening',
        key,
      ],
    );
    const stored = await tx.getRepository(PaymentRow).findOneByOrFail({ idempotencyKey: key });
    await announce(tx, stored, 'orders');
    return stored;
  });
}

function authorizationOutcome(payment: PaymentRow): PaymentOutcome {
  if (payment.status === 'DECLINED' && payment.failureCode === FRAUD_REJECTED_CODE) {
    return {
      payment,
      failure: new DomainError(
        PaymentsErrorCode.FRAUD_REJECTED,
        'The payment was refused by fraud screening',
        ['payment'],
      ),
    };
  }
  if (payment.status === 'DECLINED') {
    return {
      payment,
      failure: new DomainError(
        PaymentsErrorCode.PAYMENT_DECLINED,
        payment.failureMessage ?? 'The card was declined',
        ['payment', 'token'],
      ),
    };
  }
  if (payment.status === 'REQUIRES_ACTION') {
    return {
      payment,
      failure: new DomainError(
        PaymentsErrorCode.PAYMENT_ACTION_REQUIRED,
        'The card requires 3-D Secure: complete the challenge (payment.nextAction), then retry with the same idempotencyKey',
        ['payment'],
      ),
    };
  }
  if (payment.status === 'FAILED') {
    return {
      payment,
      failure: new DomainError(
        PaymentsErrorCode.PAYMENT_FAILED,
        'The payment provider could not process the payment; it may be retried with the same idempotencyKey',
      ),
    };
  }
  return { payment, failure: null };
}

function assertSameAuthorization(payment: PaymentRow, input: AuthorizeInput): void {
  if (
    payment.orderId !== input.orderId ||
    payment.amount !== input.amount ||
    payment.currency !== input.currency
  ) {
    throw new DomainError(
      PaymentsErrorCode.IDEMPOTENCY_KEY_REUSED,
      'idempotencyKey was already used for another order, amount or currency',
      ['input', 'idempotencyKey'],
    );
  }
}
