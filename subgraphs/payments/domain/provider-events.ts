import type { EntityManager } from 'typeorm';
import {
  PaymentDisputeRow,
  PaymentRow,
  PaymentTransactionRow,
  type WebhookEventOutcome,
} from '../entities';
import { isPaymentEvent, type ProviderEvent } from '../webhooks/events';
import { reconcile } from '../webhooks/reconcile';
import { announce, type PaymentsDeps } from './shared';

/** What a provider event did; `unknown_payment` is not recorded, so the provider retries it. */
export type ProviderEventResult =
  | { kind: 'recorded'; outcome: WebhookEventOutcome; detail: string; paymentId: string | null }
  | { kind: 'duplicate'; outcome: WebhookEventOutcome; paymentId: string | null }
  | { kind: 'unknown_payment' };

/**
 * Applies one provider event (webhook) in one transaction, with the payment row locked:
 * the event is recorded under its id (a duplicate finds it and does nothing), the
 * payment moves as `reconcile` says, missing ledger rows and disputes are written,
 * and the order's subscribers are told. See webhooks/reconcile.ts for the ordering rules.
 */
export function applyProviderEvent(
  deps: PaymentsDeps,
  event: ProviderEvent,
): Promise<ProviderEventResult> {
  return deps.db.transaction(async (tx) => {
    if (!isPaymentEvent(event)) {
      return recordProviderEvent(tx, event, {
        paymentId: null,
        paymentReference: event.paymentReference,
        outcome: 'IGNORED',
        detail: `Events of type ${event.type} are not handled`,
      });
    }
    const payment = await tx.getRepository(PaymentRow).findOne({
      where: { provider: deps.provider.name, providerReference: event.data.paymentReference },
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
    await announce(tx, { ...payment, ...result.changes }, 'provider');
    return recorded;
  });
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
