import type { Logger } from './logging';

/**
 * Runs `job` every `intervalMs` without letting runs overlap within a process (across
 * replicas the jobs themselves keep apart, with SKIP LOCKED or re-checks under a lock).
 * The timer never keeps the process alive; a failure after stop is not reported, since
 * it is the shutdown closing the job's connections. Returns the stop function.
 */
export function startPeriodicJob(
  log: Logger,
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
