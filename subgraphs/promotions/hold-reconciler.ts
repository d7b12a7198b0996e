import { createLogger } from '../../platform/logging';
import type { PromotionsService } from './service';

const log = createLogger('promotions.holds');

/** Releases stale coupon holds every `intervalMs`; returns a function that stops it. */
export function startHoldReconciler(promotions: PromotionsService, intervalMs: number): () => void {
  let running = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    promotions
      .releaseStaleHolds()
      .catch((error: unknown) => {
        if (!stopped)
          log.warn('stale coupon holds not released this round', { error: String(error) });
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
