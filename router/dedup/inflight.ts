/**
 * Identical work in flight at the same time, done once: the first caller with a key runs
 * it, callers with the same key that arrive before it settles wait for the same outcome.
 * Nothing is kept once it settles (this is not a cache). Each waiter gets its outcome
 * through `share` (success) or `fail` (failure), so that no two callers are handed the
 * same mutable object or the same error instance.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();
  /** Calls that joined one already running (for tests and metrics). */
  joined = 0;

  constructor(
    private readonly share: (value: T) => T,
    private readonly fail: (error: unknown) => unknown,
  ) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) {
      this.joined += 1;
      return running.then(this.share, (error: unknown) => Promise.reject(this.fail(error)));
    }
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
