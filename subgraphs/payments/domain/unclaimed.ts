import { createLogger } from '../../../platform/logging';
import { DomainError } from '../../../platform/errors';
import { PaymentRow } from '../entities';
import type { OrdersGateway } from '../orders-gateway';
import { voidPayment } from './operations';
import type { PaymentsDeps } from './shared';

const log = createLogger('payments.unclaimed');

export interface UnclaimedSettings {
  /** An authorization younger than this may belong to a checkout still running. */
  unclaimedAfterMs: number;
  batchSize: number;
}

export interface UnclaimedRound {
  looked: number;
  confirmed: number;
  voided: number;
}

/**
 * Voids AUTHORIZED payments whose order was never written (orders crashed between the
 * authorization and the order write, and the checkout was never retried). Only orders'
 * explicit answer "no such order" voids: when orders cannot be asked, the round throws
 * and nothing is voided. A payment whose order exists is marked and never asked again.
 */
export async function voidUnclaimedAuthorizations(
  deps: PaymentsDeps,
  orders: OrdersGateway,
  settings: UnclaimedSettings,
): Promise<UnclaimedRound> {
  const candidates: PaymentRow[] = await deps.db
    .getRepository(PaymentRow)
    .createQueryBuilder('p')
    .where(`p.status = 'AUTHORIZED' AND p.order_confirmed_at IS NULL`)
    .andWhere(`p.created_at < now() - make_interval(secs => :secs)`, {
      secs: settings.unclaimedAfterMs / 1000,
    })
    .orderBy('p.created_at', 'ASC')
    .limit(settings.batchSize)
    .getMany();
  const round: UnclaimedRound = { looked: candidates.length, confirmed: 0, voided: 0 };
  if (candidates.length === 0) return round;

  const orderIds = [...new Set(candidates.map((p) => p.orderId))];
  const exists = await orders.existing(orderIds);
  const existing = new Set(orderIds.filter((_, i) => exists[i]));

  const claimed = candidates.filter((p) => existing.has(p.orderId)).map((p) => p.id);
  if (claimed.length) {
    await deps.db
      .getRepository(PaymentRow)
      .createQueryBuilder()
      .update()
      .set({ orderConfirmedAt: () => 'now()' })
      .whereInIds(claimed)
      .execute();
    round.confirmed = claimed.length;
  }
  for (const payment of candidates.filter((p) => !existing.has(p.orderId))) {
    try {
      // One key per payment: a round that crashed mid-void repeats the same provider call.
      const { failure } = await voidPayment(deps, payment.id, {
        idempotencyKey: 'reconciler:unclaimed',
        requestedBy: 'reconciler',
      });
      if (failure) {
        log.warn('voiding an unclaimed authorization was declined', { paymentId: payment.id });
        continue;
      }
      round.voided++;
      log.info('voided an authorization whose order was never written', {
        paymentId: payment.id,
        orderId: payment.orderId,
      });
    } catch (error) {
      // Captured or voided since it was read: nothing left to do for it.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return round;
}
