import { recordEvent } from '../../platform/outbox';
import { orderUpdatedTopic, type OrderUpdatedEvent } from '../../platform/topics';
import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { DomainError } from '../../platform/errors';
import { uuidFromName } from '../../platform/ids';
import { money } from '../../platform/money';
import {
  type FraudAssessmentRow,
  PaymentDisputeRow,
  PaymentRow,
  type PaymentStatus,
  type PaymentTransactionKind,
  PaymentTransactionRow,
  type WebhookEventOutcome,
} from './entities';
import { type FraudConfig, fraudConfigFromEnv } from './fraud/config';
import { type FraudInput, parseFraudInput } from './fraud/input';
import { FraudScreening } from './fraud/store';
import {
  type AuthorizationResult,
  type PaymentProvider,
  type ProviderDecline,
  type ProviderResult,
  ProviderUnavailableError,
} from './provider';
import { isPaymentEvent, type ProviderEvent } from './webhooks/events';
import { reconcile } from './webhooks/reconcile';

/** The screening fields (email, customerKey, ip, countries, account age) are optional. */
export interface AuthorizeInput extends FraudInput {
  orderId: string;
  amount: number;
  currency: string;
  token: string;
  idempotencyKey: string;
}

/** What a provider event did; `unknown_payment` is not recorded, so the provider retries it. */
export type ProviderEventResult =
  | { kind: 'recorded'; outcome: WebhookEventOutcome; detail: string; paymentId: string | null }
  | { kind: 'duplicate'; outcome: WebhookEventOutcome; paymentId: string | null }
  | { kind: 'unknown_payment' };

/** The failure code of a payment refused by fraud screening, without a processor call. */
export const FRAUD_REJECTED_CODE = 'fraud_rejected';

/**
 * What a payment mutation did. A decline is an expected outcome, not an exception: the
 * payment (with its stored failure) comes back together with the error to show.
 */
export interface PaymentOutcome {
  payment: PaymentRow;
  failure: DomainError | null;
}

/** One capture, void or refund, described for `operate`. */
interface Operation {
  kind: Exclude<PaymentTransactionKind, 'AUTHORIZATION'>;
  idempotencyKey: string | null | undefined;
  /** The amount the caller asked for, if any; a replay with another amount is refused. */
  requestedAmount: number | null | undefined;
  reason?: string | null;
  /** Checks the state under the row lock and returns the amount to send. */
  plan(payment: PaymentRow): number;
  call(payment: PaymentRow, amount: number, providerKey: string): Promise<ProviderResult>;
  /** The payment's new state after the processor approved. */
  apply(
    payment: PaymentRow,
    amount: number,
  ): Pick<PaymentRow, 'status' | 'capturedAmount' | 'refundedAmount'>;
}

const MAX_KEY_LENGTH = 200;
const MAX_REASON_LENGTH = 500;
const REFUNDABLE: PaymentStatus[] = ['CAPTURED', 'PARTIALLY_REFUNDED'];

export class PaymentsService {
  private readonly payments: Repository<PaymentRow>;
  private readonly transactions: Repository<PaymentTransactionRow>;
  private readonly disputes: Repository<PaymentDisputeRow>;
  readonly fraud: FraudScreening;

  constructor(
    private readonly db: DataSource,
    private readonly provider: PaymentProvider,
    fraudConfig: FraudConfig = fraudConfigFromEnv(),
  ) {
    this.payments = db.getRepository(PaymentRow);
    this.transactions = db.getRepository(PaymentTransactionRow);
    this.disputes = db.getRepository(PaymentDisputeRow);
    this.fraud = new FraudScreening(db, fraudConfig);
  }

  paymentsByIds(ids: readonly string[]): Promise<PaymentRow[]> {
    return this.payments.findBy({ id: In([...ids]) });
  }

  /** Payments of many orders in one statement, oldest first. */
  paymentsOfOrders(orderIds: readonly string[]): Promise<PaymentRow[]> {
    return this.payments.find({
      where: { orderId: In([...orderIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  transactionsOfPayments(paymentIds: readonly string[]): Promise<PaymentTransactionRow[]> {
    return this.transactions.find({
      where: { paymentId: In([...paymentIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  fraudAssessmentsOfPayments(paymentIds: readonly string[]): Promise<FraudAssessmentRow[]> {
    return this.fraud.assessmentsOfPayments(paymentIds);
  }

  disputesOfPayments(paymentIds: readonly string[]): Promise<PaymentDisputeRow[]> {
    return this.disputes.find({
      where: { paymentId: In([...paymentIds]) },
      order: { openedAt: 'ASC', id: 'ASC' },
    });
  }

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
  async authorize(input: AuthorizeInput): Promise<PaymentOutcome> {
    const amount = positiveAmount(input.amount, ['input', 'amount']);
    const { currency } = money(amount, input.currency);
    const token = input.token.trim();
    if (!token) throw new DomainError('REQUIRED', 'token cannot be empty', ['input', 'token']);
    const key = checkKey(input.idempotencyKey, ['input', 'idempotencyKey'])!;
    const fraudContext = parseFraudInput(input);

    const existing = await this.payments.findOneBy({ idempotencyKey: key });
    if (existing) {
      assertSameAuthorization(existing, input);
      if (existing.status !== 'FAILED') return authorizationOutcome(existing);
    }
    const paymentId = existing?.id ?? uuidFromName(`payments:authorize:${key}`);
    const providerKey = `${paymentId}:authorization`;

    const assessment =
      (await this.fraud.assessmentOf(paymentId)) ??
      (await this.fraud.assess({
        paymentId,
        orderId: input.orderId,
        amount,
        currency,
        cardFingerprint: (await this.provider.cardFingerprint?.(token)) ?? null,
        context: fraudContext,
      }));
    if (assessment.decision === 'REJECT') {
      const rejected = await this.storeFraudRejection(
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
      result = await this.provider.authorize({
        amount,
        currency,
        token,
        idempotencyKey: providerKey,
      });
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      outage = error;
    }

    const payment = await this.db.transaction(async (tx) => {
      const status: PaymentStatus = result
        ? result.approved
          ? 'AUTHORIZED'
          : 'DECLINED'
        : 'FAILED';
      const declined = result && !result.approved ? result : null;
      // A concurrent retry may have stored this key first; only a FAILED row is overwritten.
      await tx.query(
        `INSERT INTO payments.payment AS p (id, order_id, amount, currency, status, provider,
           provider_reference, card_brand, card_last4, failure_code, failure_message, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (idempotency_key) DO UPDATE SET
           status = EXCLUDED.status, provider_reference = EXCLUDED.provider_reference,
           card_brand = EXCLUDED.card_brand, card_last4 = EXCLUDED.card_last4,
           failure_code = EXCLUDED.failure_code, failure_message = EXCLUDED.failure_message,
           updated_at = now()
         WHERE p.status = 'FAILED' AND p.order_id = EXCLUDED.order_id
           AND p.amount = EXCLUDED.amount AND p.currency = EXCLUDED.currency`,
        [
          paymentId,
          input.orderId,
          amount,
          currency,
          status,
          this.provider.name,
          result?.reference ?? null,
          result?.card?.brand ?? null,
          result?.card?.last4 ?? null,
          declined?.declineCode ?? outage?.code ?? null,
          declined?.declineMessage ?? outage?.message ?? null,
          key,
        ],
      );
      if (result) {
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
      const stored = await tx.getRepository(PaymentRow).findOneByOrFail({ idempotencyKey: key });
      await announce(tx, stored);
      return stored;
    });
    assertSameAuthorization(payment, input);
    return authorizationOutcome(payment);
  }

  /** A payment fraud screening refused: DECLINED, no processor call, no transaction. */
  private storeFraudRejection(
    paymentId: string,
    orderId: string,
    amount: number,
    currency: string,
    key: string,
  ): Promise<PaymentRow> {
    return this.db.transaction(async (tx) => {
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
          this.provider.name,
          FRAUD_REJECTED_CODE,
          'The payment was refused by fraud screening',
          key,
        ],
      );
      const stored = await tx.getRepository(PaymentRow).findOneByOrFail({ idempotencyKey: key });
      await announce(tx, stored);
      return stored;
    });
  }

  /**
   * Applies one provider event (webhook) in one transaction, with the payment row locked:
   * the event is recorded under its id (a duplicate finds it and does nothing), the
   * payment moves as `reconcile` says, missing ledger rows and disputes are written,
   * and the order's subscribers are told. See webhooks/reconcile.ts for the ordering rules.
   */
  async applyProviderEvent(event: ProviderEvent): Promise<ProviderEventResult> {
    return this.db.transaction(async (tx) => {
      if (!isPaymentEvent(event)) {
        return recordProviderEvent(tx, event, {
          paymentId: null,
          paymentReference: event.paymentReference,
          outcome: 'IGNORED',
          detail: `Events of type ${event.type} are not handled`,
        });
      }
      const payment = await tx.getRepository(PaymentRow).findOne({
        where: { provider: this.provider.name, providerReference: event.data.paymentReference },
        lock: { mode: 'pessimistic_write' },
      });
      // Maybe not committed yet (the processor can be faster than our insert): not
      // recorded, so the processor delivers it again later.
      if (!payment) return { kind: 'unknown_payment' };
      const disputeIds =
        event.type === 'charge.dispute.created'
          ? (await tx.getRepository(PaymentDisputeRow).findBy({ paymentId: payment.id })).map(
              (d) => d.providerDisputeId,
            )
          : [];
      const result = reconcile({ ...payment, disputeIds }, event);
      const recorded = await recordProviderEvent(tx, event, {
        paymentId: payment.id,
        paymentReference: event.data.paymentReference,
        outcome: result.outcome,
        detail: result.detail,
      });
      if (recorded.kind === 'duplicate' || result.outcome !== 'APPLIED') return recorded;

      for (const entry of result.ledger) {
        await tx.getRepository(PaymentTransactionRow).insert({
          paymentId: payment.id,
          kind: entry.kind,
          amount: entry.amount,
          status: 'SUCCEEDED',
          providerReference: entry.kind === 'REFUND' ? event.data.refundReference : null,
          idempotencyKey: `webhook:${event.id}:${entry.kind.toLowerCase()}`,
          reason: `Provider event ${event.type} (${event.id})`,
        });
      }
      if (result.dispute) {
        await tx.query(
          `INSERT INTO payments.payment_dispute (payment_id, provider_dispute_id, amount, reason, opened_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (provider_dispute_id) DO NOTHING`,
          [
            payment.id,
            result.dispute.providerDisputeId,
            result.dispute.amount,
            result.dispute.reason,
            event.created,
          ],
        );
      }
      const providerEventAt =
        payment.providerEventAt && payment.providerEventAt > event.created
          ? payment.providerEventAt
          : event.created;
      await tx
        .getRepository(PaymentRow)
        .update({ id: payment.id }, { ...result.changes, providerEventAt, updatedAt: new Date() });
      await announce(tx, payment);
      return recorded;
    });
  }

  /** Captures once, all or part of the authorization; the rest is released. */
  async capture(
    id: string,
    args: { amount?: number | null; idempotencyKey?: string | null },
  ): Promise<PaymentOutcome> {
    return this.operate(id, {
      kind: 'CAPTURE',
      idempotencyKey: args.idempotencyKey,
      requestedAmount: args.amount,
      plan(payment) {
        if (payment.status !== 'AUTHORIZED') {
          throw new DomainError(
            'PAYMENT_NOT_CAPTURABLE',
            `A ${payment.status} payment cannot be captured`,
            ['id'],
          );
        }
        const amount = positiveAmount(args.amount ?? payment.amount, ['amount']);
        if (amount > payment.amount) {
          throw new DomainError(
            'CAPTURE_EXCEEDS_AUTHORIZED',
            `Cannot capture ${amount}: ${payment.amount} was authorized`,
            ['amount'],
          );
        }
        return amount;
      },
      call: (payment, amount, idempotencyKey) =>
        this.provider.capture({ reference: payment.providerReference!, amount, idempotencyKey }),
      apply: (payment, amount) => ({
        status: 'CAPTURED',
        capturedAmount: amount,
        refundedAmount: payment.refundedAmount,
      }),
    });
  }

  /** Releases an authorization that was not captured. */
  async void(id: string, args: { idempotencyKey?: string | null }): Promise<PaymentOutcome> {
    return this.operate(id, {
      kind: 'VOID',
      idempotencyKey: args.idempotencyKey,
      requestedAmount: null,
      plan(payment) {
        if (payment.status !== 'AUTHORIZED') {
          throw new DomainError(
            'PAYMENT_NOT_VOIDABLE',
            `A ${payment.status} payment cannot be voided`,
            ['id'],
          );
        }
        return payment.amount;
      },
      call: (payment, _amount, idempotencyKey) =>
        this.provider.void({ reference: payment.providerReference!, idempotencyKey }),
      apply: (payment) => ({
        status: 'VOIDED',
        capturedAmount: 0,
        refundedAmount: payment.refundedAmount,
      }),
    });
  }

  /** Refunds part or (by default) all of what is left of the captured amount. */
  async refund(
    id: string,
    args: { amount?: number | null; reason?: string | null; idempotencyKey?: string | null },
  ): Promise<PaymentOutcome> {
    const reason = args.reason?.trim() || null;
    if (reason && reason.length > MAX_REASON_LENGTH) {
      throw new DomainError('REASON_TOO_LONG', `reason is longer than ${MAX_REASON_LENGTH}`, [
        'reason',
      ]);
    }
    return this.operate(id, {
      kind: 'REFUND',
      idempotencyKey: args.idempotencyKey,
      requestedAmount: args.amount,
      reason,
      plan(payment) {
        if (!REFUNDABLE.includes(payment.status)) {
          throw new DomainError(
            'PAYMENT_NOT_REFUNDABLE',
            `A ${payment.status} payment cannot be refunded`,
            ['id'],
          );
        }
        const left = payment.capturedAmount - payment.refundedAmount;
        const amount = positiveAmount(args.amount ?? left, ['amount']);
        if (amount > left) {
          throw new DomainError(
            'REFUND_EXCEEDS_CAPTURED',
            `Cannot refund ${amount}: only ${left} of the captured ${payment.capturedAmount} is left`,
            ['amount'],
          );
        }
        return amount;
      },
      call: (payment, amount, idempotencyKey) =>
        this.provider.refund({ reference: payment.providerReference!, amount, idempotencyKey }),
      apply: (payment, amount) => {
        const refundedAmount = payment.refundedAmount + amount;
        return {
          status: refundedAmount === payment.capturedAmount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
          capturedAmount: payment.capturedAmount,
          refundedAmount,
        };
      },
    });
  }

  /**
   * Captures, voids and refunds run with the payment row locked (SELECT ... FOR UPDATE)
   * from the state check to the recorded result, processor call included: two requests
   * on one payment are serialized, so they can never together refund more than was
   * captured, and a replayed idempotency key finds the first request's row.
   */
  private async operate(paymentId: string, op: Operation): Promise<PaymentOutcome> {
    const clientKey = checkKey(op.idempotencyKey, ['idempotencyKey']);
    return this.db.transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId);
      const key = clientKey ? `${payment.id}:${op.kind.toLowerCase()}:${clientKey}` : null;
      if (key) {
        const first = await tx
          .getRepository(PaymentTransactionRow)
          .findOneBy({ idempotencyKey: key });
        if (first) return replay(payment, first, op);
      }
      const amount = op.plan(payment);
      const transactionId = randomUUID();
      let result: ProviderResult;
      try {
        result = await op.call(
          payment,
          amount,
          key ?? `${payment.id}:${op.kind.toLowerCase()}:${transactionId}`,
        );
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError)) throw error;
        // Nothing is recorded: the processor's outcome is unknown, and the same key repeats it safely.
        throw new DomainError(
          'PAYMENT_FAILED',
          'The payment provider is unavailable; retry with the same idempotencyKey',
        );
      }
      const declined = result.approved ? null : result;
      await tx.getRepository(PaymentTransactionRow).insert({
        id: transactionId,
        paymentId: payment.id,
        kind: op.kind,
        amount,
        status: result.approved ? 'SUCCEEDED' : 'FAILED',
        providerReference: result.reference,
        idempotencyKey: key,
        reason: op.reason ?? null,
        failureCode: declined?.declineCode ?? null,
        failureMessage: declined?.declineMessage ?? null,
      });
      if (declined) return { payment, failure: providerDeclined(op.kind, declined) };
      const changes = { ...op.apply(payment, amount), updatedAt: new Date() };
      await tx.getRepository(PaymentRow).update({ id: payment.id }, changes);
      await announce(tx, payment);
      return { payment: Object.assign(payment, changes), failure: null };
    });
  }
}

/** The order's payment state changed: subscribers of the order hear it once this commits. */
function announce(tx: EntityManager, payment: PaymentRow): Promise<void> {
  const event: OrderUpdatedEvent = { orderId: payment.orderId, source: 'payments' };
  return recordEvent(tx, 'payments', orderUpdatedTopic(payment.orderId), event);
}

async function lockPayment(tx: EntityManager, id: string): Promise<PaymentRow> {
  const payment = await tx
    .getRepository(PaymentRow)
    .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!payment) throw new DomainError('NOT_FOUND', `Payment ${id} was not found`, ['id']);
  return payment;
}

/** The first result for a key: its payment as it is now, and its failure if it was declined. */
function replay(payment: PaymentRow, first: PaymentTransactionRow, op: Operation): PaymentOutcome {
  if (
    op.requestedAmount !== null &&
    op.requestedAmount !== undefined &&
    op.requestedAmount !== first.amount
  ) {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotencyKey was used for a ${op.kind.toLowerCase()} of ${first.amount}`,
      ['idempotencyKey'],
    );
  }
  if (first.status === 'SUCCEEDED') return { payment, failure: null };
  return {
    payment,
    failure: providerDeclined(op.kind, {
      declineCode: first.failureCode ?? 'declined',
      declineMessage: first.failureMessage ?? 'Declined',
    }),
  };
}

/**
 * Records a provider event under its id, once: the insert is the gate against replays
 * (a concurrent duplicate waits for the first one's commit, then finds it).
 */
async function recordProviderEvent(
  tx: EntityManager,
  event: ProviderEvent,
  record: {
    paymentId: string | null;
    paymentReference: string | null;
    outcome: WebhookEventOutcome;
    detail: string;
  },
): Promise<ProviderEventResult> {
  const inserted: unknown[] = await tx.query(
    `INSERT INTO payments.webhook_event (id, type, payment_id, payment_reference,
       provider_created_at, outcome, detail, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      event.id,
      event.type,
      record.paymentId,
      record.paymentReference,
      event.created,
      record.outcome,
      record.detail,
      JSON.stringify(event.payload),
    ],
  );
  if (inserted.length > 0) {
    return {
      kind: 'recorded',
      outcome: record.outcome,
      detail: record.detail,
      paymentId: record.paymentId,
    };
  }
  const [first] = await tx.query(
    `SELECT outcome, payment_id FROM payments.webhook_event WHERE id = $1`,
    [event.id],
  );
  return { kind: 'duplicate', outcome: first.outcome, paymentId: first.payment_id };
}

function authorizationOutcome(payment: PaymentRow): PaymentOutcome {
  if (payment.status === 'DECLINED' && payment.failureCode === FRAUD_REJECTED_CODE) {
    return {
      payment,
      failure: new DomainError('FRAUD_REJECTED', 'The payment was refused by fraud screening', [
        'payment',
      ]),
    };
  }
  if (payment.status === 'DECLINED') {
    return {
      payment,
      failure: new DomainError(
        'PAYMENT_DECLINED',
        payment.failureMessage ?? 'The card was declined',
        ['payment', 'token'],
      ),
    };
  }
  if (payment.status === 'FAILED') {
    return {
      payment,
      failure: new DomainError(
        'PAYMENT_FAILED',
        'The payment provider could not process the payment; it may be retried with the same idempotencyKey',
      ),
    };
  }
  return { payment, failure: null };
}

function providerDeclined(
  kind: Operation['kind'],
  decline: Pick<ProviderDecline, 'declineCode' | 'declineMessage'>,
): DomainError {
  return new DomainError(
    `${kind}_DECLINED`,
    `The payment provider declined the ${kind.toLowerCase()}: ${decline.declineMessage} (${decline.declineCode})`,
  );
}

function assertSameAuthorization(payment: PaymentRow, input: AuthorizeInput): void {
  if (
    payment.orderId !== input.orderId ||
    payment.amount !== input.amount ||
    payment.currency !== input.currency
  ) {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'idempotencyKey was already used for another order, amount or currency',
      ['input', 'idempotencyKey'],
    );
  }
}

function positiveAmount(amount: number, field: string[]): number {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new DomainError(
      'INVALID_AMOUNT',
      'Amount must be a positive integer number of minor units',
      field,
    );
  }
  return amount;
}

function checkKey(key: string | null | undefined, field: string[]): string | null {
  if (key === null || key === undefined) return null;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new DomainError(
      'INVALID_IDEMPOTENCY_KEY',
      `idempotencyKey must be 1-${MAX_KEY_LENGTH} characters`,
      field,
    );
  }
  return key;
}
