import type { InventoryService } from './service';
import { createLogger } from '../../platform/logging';

const log = createLogger('inventory');

export const DEFAULT_SWEEP_MS = 30000;

/**
 * Releases expired reservations every `intervalMs`. Runs never overlap within a process;
 * across replicas the service's SKIP LOCKED keeps sweepers apart. Returns the stop function.
 */
export function startReservationSweeper(
  inventory: InventoryService,
  intervalMs = Number(process.env.RESERVATION_SWEEP_MS ?? DEFAULT_SWEEP_MS),
): () => void {
  const period = Number.isFinite(intervalMs) && intervalMs > 0 ? intervalMs : DEFAULT_SWEEP_MS;
  let running = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    inventory
      .releaseExpiredReservations()
      .catch((error: unknown) => {
        if (!stopped) log.error('releasing expired reservations failed', { error: String(error) });
      })
      .finally(() => {
        running = false;
      });
  }, period);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
