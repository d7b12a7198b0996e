import { randomUUID } from 'node:crypto';
import { DomainError } from '../../../platform/errors';
import { longText, parseInput } from '../../../platform/validation';
import {
  PaymentRow,
  type PaymentStatus,
  type PaymentTransactionKind,
  PaymentTransactionRow,
} from '../entities';
import { PaymentsErrorCode } from '../errors';
import { type ProviderDecline, type ProviderResult, ProviderUnavailableError } from '../provider';
import {
  announce,
  checkKey,
  lockPayment,
  type PaymentOutcome,
  type PaymentsDeps,
  positiveAmount,
  providerOf,
} from './shared';

/** One capture, void or refund, described for `operate`. */
interface Operation {
  kind: Exclude<PaymentTransactionKind, 'AUTHORIZATION'>;
  idempotencyKey: string | null | undefined;
  /** The amount the caller asked for, if any; a replay with another amount is refused. */
  requestedAmount: number | null | undefined;
  reason?: string | null;
  /** Who asked (`orders`, `staff`, `reconciler`...), told to orders with the change. */
  requestedBy?: string;
  /** Checks the state under the row lock and returns the amount to send. */
  plan(payment: PaymentRow): number;
  call(payment: PaymentRow, amount: number, providerKey: string): Promise<ProviderResult>;
  /** The payment's new state after the processor approved. */
  apply(
    payment: PaymentRow,
    amount: number,
  ): Pick<PaymentRow, 'status' | 'capturedAmount' | 'refundedAmount'>;
}

const MAX_REASON_LENGTH = 500;
const refundReason = longText(MAX_REASON_LENGTH);
const REFUNDABLE: PaymentStatus[] = ['CAPTURED', 'PARTIALLY_REFUNDED'];

/** Captures once, all or part of the authorization; the rest is released. */
export function capture(
  deps: PaymentsDeps,
  id: string,
  args: { amount?: number | null; idempotencyKey?: string | null; requestedBy?: string },
): Promise<PaymentOutcome> {
  return operate(deps, id, {
    kind: 'CAPTURE',
    requestedBy: args.requestedBy,
    idempotencyKey: args.idempotencyKey,
    requestedAmount: args.amount,
    plan(payment) {
      if (payment.status !== 'AUTHORIZED') {
        throw new DomainError(
          PaymentsErrorCode.PAYMENT_NOT_CAPTURABLE,
          `A ${payment.status} payment cannot be captured`,
          ['id'],
        );
      }
      const amount = positiveAmount(args.amount ?? payment.amount, ['amount']);
      if (amount > payment.amount) {
        throw new DomainError(
          PaymentsErrorCode.CAPTURE_EXCEEDS_AUTHORIZED,
          `Cannot capture ${amount}: ${payment.amount} was authorized`,
          ['amount'],
        );
      }
      return amount;
    },
    // One capture per payment: what is not captured is released with it.
    call: (payment, amount, idempotencyKey) =>
      providerOf(deps, payment).capture({
        reference: payment.providerReference!,
        amount,
        final: true,
        idempotencyKey,
      }),
    apply: (payment, amount) => ({
      status: 'CAPTURED',
      capturedAmount: amount,
      refundedAmount: payment.refundedAmount,
    }),
  });
}

/** Releases an authorization that was not captured. */
export function voidPayment(
  deps: PaymentsDeps,
  id: string,
  args: { idempotencyKey?: string | null; requestedBy?: string },
): Promise<PaymentOutcome> {
  return operate(deps, id, {
    kind: 'VOID',
    requestedBy: args.requestedBy,
    idempotencyKey: args.idempotencyKey,
    requestedAmount: null,
    plan(payment) {
      if (payment.status !== 'AUTHORIZED') {
        throw new DomainError(
          PaymentsErrorCode.PAYMENT_NOT_VOIDABLE,
          `A ${payment.status} payment cannot be voided`,
          ['id'],
        );
      }
      return payment.amount;
    },
    call: (payment, _amount, idempotencyKey) =>
      providerOf(deps, payment).void({ reference: payment.providerReference!, idempotencyKey }),
    apply: (payment) => ({
      status: 'VOIDED',
      capturedAmount: 0,
      refundedAmount: payment.refundedAmount,
    }),
  });
}

/** Refunds part or (by default) all of what is left of the captured amount. */
export function refund(
  deps: PaymentsDeps,
  id: string,
  args: {
    amount?: number | null;
    reason?: string | null;
    idempotencyKey?: string | null;
    requestedBy?: string;
  },
): Promise<PaymentOutcome> {
  const trimmed = args.reason?.trim() || null;
  if (trimmed && trimmed.length > MAX_REASON_LENGTH) {
    throw new DomainError(
      PaymentsErrorCode.REASON_TOO_LONG,
      `reason is longer than ${MAX_REASON_LENGTH}`,
      ['reason'],
    );
  }
  const reason = trimmed
    ? parseInput(refundReason, trimmed, ['reason'], PaymentsErrorCode.INVALID_INPUT)
    : null;
  return operate(deps, id, {
    kind: 'REFUND',
    requestedBy: args.requestedBy,
    idempotencyKey: args.idempotencyKey,
    requestedAmount: args.amount,
    reason,
    plan(payment) {
      if (!REFUNDABLE.includes(payment.status)) {
        throw new DomainError(
          PaymentsErrorCode.PAYMENT_NOT_REFUNDABLE,
          `A ${payment.status} payment cannot be refunded`,
          ['id'],
        );
      }
      const left = payment.capturedAmount - payment.refundedAmount;
      const amount = positiveAmount(args.amount ?? left, ['amount']);
      if (amount > left) {
        throw new DomainError(
          PaymentsErrorCode.REFUND_EXCEEDS_CAPTURED,
          `Cannot refund ${amount}: only ${left} of the captured ${payment.capturedAmount} is left`,
          ['amount'],
        );
      }
      return amount;
    },
    call: (payment, amount, idempotencyKey) =>
      providerOf(deps, payment).refund({
        reference: payment.providerReference!,
        amount,
        idempotencyKey,
      }),
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
async function operate(
  deps: PaymentsDeps,
  paymentId: string,
  op: Operation,
): Promise<PaymentOutcome> {
  const clientKey = checkKey(op.idempotencyKey, ['idempotencyKey']);
  return deps.db.transaction(async (tx) => {
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
        PaymentsErrorCode.PAYMENT_FAILED,
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
    Object.assign(payment, changes);
    await announce(tx, payment, op.requestedBy ?? 'payments');
    return { payment, failure: null };
  });
}

/** The first result for a key: its payment as it is now, and its failure if it was declined. */
function replay(payment: PaymentRow, first: PaymentTransactionRow, op: Operation): PaymentOutcome {
  if (
    op.requestedAmount !== null &&
    op.requestedAmount !== undefined &&
    op.requestedAmount !== first.amount
  ) {
    // A payment is captured once: another amount under the capture key is a second
    // capture, and what the first left uncaptured was released with it.
    if (op.kind === 'CAPTURE') {
      throw new DomainError(
        PaymentsErrorCode.PAYMENT_ALREADY_CAPTURED,
        `${first.amount} of ${payment.amount} ${payment.currency} was captured and the rest released; nothing more can be captured`,
        ['amount'],
      );
    }
    throw new DomainError(
      PaymentsErrorCode.IDEMPOTENCY_KEY_REUSED,
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

const DECLINED_CODES = {
  CAPTURE: PaymentsErrorCode.CAPTURE_DECLINED,
  VOID: PaymentsErrorCode.VOID_DECLINED,
  REFUND: PaymentsErrorCode.REFUND_DECLINED,
} as const;

function providerDeclined(
  kind: Operation['kind'],
  decline: Pick<ProviderDecline, 'declineCode' | 'declineMessage'>,
): DomainError {
  return new DomainError(
    DECLINED_CODES[kind],
    `The payment provider declined the ${kind.toLowerCase()}: ${decline.declineMessage} (${decline.declineCode})`,
  );
}
