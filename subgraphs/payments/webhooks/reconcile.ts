import type { PaymentStatus, PaymentTransactionKind, WebhookEventOutcome } from '../entities';
import type { PaymentEvent } from './events';

/**
 * What a provider event does to a payment: pure, so that every ordering case is a unit test.
 *
 * Events report the charge's totals (see events.ts), and they are merged as facts that
 * only grow: the captured amount is set once, the refunded total only rises, a status
 * only moves forward (AUTHORIZED → CAPTURED → PARTIALLY_REFUNDED → REFUNDED, or
 * AUTHORIZED → VOIDED). Merging is therefore the same in any delivery order: a
 * `charge.captured` older than the `charge.refunded` already applied finds the capture
 * known and changes nothing (it is recorded as STALE: older than the payment's last
 * applied event, `providerEventAt`). A total above what the payment allows (a capture
 * above the authorization, refunds above the capture, a dispute above the capture) is
 * refused and recorded as REJECTED, never applied.
 */

export interface PaymentState {
  status: PaymentStatus;
  /** The authorized amount. */
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  /** `created` of the last event applied to the payment. */
  providerEventAt: Date | null;
  /** Processor ids of the disputes already recorded for the payment. */
  disputeIds: readonly string[];
}

type Money = Pick<PaymentState, 'status' | 'capturedAmount' | 'refundedAmount'>;

export interface Reconciliation {
  outcome: WebhookEventOutcome;
  detail: string;
  /** The payment's new state when it changed. */
  changes: Money | null;
  /** Ledger rows for what the processor did that the payment had not recorded. */
  ledger: { kind: Exclude<PaymentTransactionKind, 'AUTHORIZATION'>; amount: number }[];
  dispute: { providerDisputeId: string; amount: number; reason: string | null } | null;
}

const CAPTURED: PaymentStatus[] = ['CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED'];
const FORWARD: PaymentStatus[] = ['AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED'];

type Step = { state: Money } | { rejected: string };

/** Whether `to` is `from` or after it; nothing ever moves a payment back. */
export function movesForward(from: PaymentStatus, to: PaymentStatus): boolean {
  if (from === to) return true;
  if (to === 'VOIDED') return from === 'AUTHORIZED';
  const a = FORWARD.indexOf(from);
  const b = FORWARD.indexOf(to);
  return a >= 0 && b >= 0 && b > a;
}

function withCapture(payment: PaymentState, state: Money, captured: number): Step {
  if (state.status === 'AUTHORIZED') {
    if (captured > payment.amount) {
      return {
        rejected: `Captured ${captured} exceeds the authorized ${payment.amount}`,
      };
    }
    return { state: { status: 'CAPTURED', capturedAmount: captured, refundedAmount: 0 } };
  }
  if (CAPTURED.includes(state.status)) {
    if (captured !== state.capturedAmount) {
      return {
        rejected: `The provider reports ${captured} captured; ${state.capturedAmount} is recorded`,
      };
    }
    return { state };
  }
  return { rejected: `A ${state.status} payment cannot have been captured` };
}

function withRefundedTotal(state: Money, refunded: number): Step {
  if (!CAPTURED.includes(state.status)) {
    return { rejected: `A ${state.status} payment has nothing captured to refund` };
  }
  if (refunded > state.capturedAmount) {
    return { rejected: `Refunded ${refunded} exceeds the captured ${state.capturedAmount}` };
  }
  if (refunded <= state.refundedAmount) return { state };
  return {
    state: {
      status: refunded === state.capturedAmount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
      capturedAmount: state.capturedAmount,
      refundedAmount: refunded,
    },
  };
}

/** The capture that a refund or a dispute carries (`amountCaptured`), if any. */
function capturedFirst(payment: PaymentState, event: PaymentEvent): Step {
  const current: Money = payment;
  const captured = event.data.amountCaptured;
  return captured === null ? { state: current } : withCapture(payment, current, captured);
}

export function reconcile(payment: PaymentState, event: PaymentEvent): Reconciliation {
  const late = payment.providerEventAt !== null && event.created < payment.providerEventAt;
  const { data } = event;
  let step: Step;
  let dispute: Reconciliation['dispute'] = null;
  switch (event.type) {
    case 'charge.captured':
      step = withCapture(payment, payment, data.amount!);
      break;
    case 'charge.refunded': {
      const captured = capturedFirst(payment, event);
      step = 'state' in captured ? withRefundedTotal(captured.state, data.amount!) : captured;
      break;
    }
    case 'charge.dispute.created': {
      step = capturedFirst(payment, event);
      if (!('state' in step)) break;
      if (!CAPTURED.includes(step.state.status)) {
        step = { rejected: `A ${step.state.status} payment has nothing captured to dispute` };
      } else if (data.amount! > step.state.capturedAmount) {
        step = {
          rejected: `Disputed ${data.amount} exceeds the captured ${step.state.capturedAmount}`,
        };
      } else {
        const providerDisputeId = data.disputeId ?? event.id;
        if (!payment.disputeIds.includes(providerDisputeId)) {
          dispute = { providerDisputeId, amount: data.amount!, reason: data.reason };
        }
      }
      break;
    }
    case 'authorization.expired':
      if (data.amount !== null && data.amount > payment.amount) {
        step = { rejected: `Expired ${data.amount} exceeds the authorized ${payment.amount}` };
      } else if (payment.status === 'AUTHORIZED') {
        step = { state: { status: 'VOIDED', capturedAmount: 0, refundedAmount: 0 } };
      } else {
        step = { state: payment };
      }
      break;
  }

  if (!('state' in step)) {
    return { outcome: 'REJECTED', detail: step.rejected, changes: null, ledger: [], dispute: null };
  }
  const next = step.state;
  const changed =
    next.status !== payment.status ||
    next.capturedAmount !== payment.capturedAmount ||
    next.refundedAmount !== payment.refundedAmount;
  if (changed && !movesForward(payment.status, next.status)) {
    // Unreachable by the merges above; the rule that matters most is kept explicit.
    return unchanged(late, `${event.type} would move a ${payment.status} payment back`);
  }
  if (!changed && !dispute) {
    return unchanged(late, `The payment is ${payment.status}; ${event.type} is already reflected`);
  }
  const ledger: Reconciliation['ledger'] = [];
  if (next.capturedAmount > payment.capturedAmount) {
    ledger.push({ kind: 'CAPTURE', amount: next.capturedAmount - payment.capturedAmount });
  }
  if (next.refundedAmount > payment.refundedAmount) {
    ledger.push({ kind: 'REFUND', amount: next.refundedAmount - payment.refundedAmount });
  }
  if (next.status === 'VOIDED' && payment.status !== 'VOIDED') {
    ledger.push({ kind: 'VOID', amount: payment.amount });
  }
  const detail = dispute
    ? `Dispute ${dispute.providerDisputeId} over ${dispute.amount} recorded`
    : `${payment.status} → ${next.status}`;
  return {
    outcome: 'APPLIED',
    detail: changed && dispute ? `${payment.status} → ${next.status}; ${detail}` : detail,
    changes: changed ? next : null,
    ledger,
    dispute,
  };
}

function unchanged(late: boolean, detail: string): Reconciliation {
  return {
    outcome: late ? 'STALE' : 'UNCHANGED',
    detail: late ? `${detail} (older than the last applied event)` : detail,
    changes: null,
    ledger: [],
    dispute: null,
  };
}
