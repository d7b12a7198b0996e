import { DomainError } from '../../../../platform/errors';
import { createLogger } from '../../../../platform/logging';
import { OrdersErrorCode } from '../../errors';
import type { CheckoutAttempts } from './attempts';
import { type CheckoutStep, refsFor } from './steps';

const log = createLogger('orders');

/** At most this many abandoned attempts per sweep, so one sweep stays short. */
const BATCH = 50;

/**
 * Undoes checkouts whose process died and that nobody retried: an attempt still
 * IN_PROGRESS after its lease expired is taken over (fencing out a late original), its
 * recorded steps are compensated by name in reverse (void, release the coupon hold,
 * release the stock), and the key becomes RETRYABLE with the next generation. A
 * compensation that fails (a callee down) leaves the attempt for the next sweep.
 */
export async function recoverAbandonedCheckouts(
  attempts: CheckoutAttempts,
  steps: CheckoutStep[],
): Promise<number> {
  let recovered = 0;
  for (let i = 0; i < BATCH; i++) {
    const lease = await attempts.claimAbandoned();
    if (!lease) break;
    const refs = refsFor(lease.key, lease.generation, lease.orderId);
    try {
      for (const step of [...steps].reverse()) {
        const progress = lease.steps[step.name];
        if (progress) await step.compensate(refs, progress.output ?? null);
      }
      await attempts.fail(
        lease,
        new DomainError(
          OrdersErrorCode.CHECKOUT_INTERRUPTED,
          'Checkout was interrupted and undone; retry with the same idempotencyKey',
        ),
        true,
      );
      recovered++;
      log.info('abandoned checkout undone', { orderId: lease.orderId, steps: lease.steps });
    } catch (error) {
      log.error('abandoned checkout could not be undone yet', {
        orderId: lease.orderId,
        error: String(error),
      });
    }
  }
  return recovered;
}
