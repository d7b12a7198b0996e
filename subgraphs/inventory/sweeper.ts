import { createLogger } from '../../platform/logging';

const log = createLogger('inventory');

/**
 * Runs `job` every `intervalMs`; runs never overlap within a process (across replicas the
 * jobs' SKIP LOCKED and re-checks under lock keep them apart). Returns the stop function.
 */
export function startPeriodicJob(
  name: string,
  job: () => Promise<unknown>,
  intervalMs: number,
): () => void {
  let running = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    job()
      .catch((error: unknown) => {
        if (!stopped) log.error(`${name} failed`, { error: String(error) });
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
