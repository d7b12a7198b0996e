/**
 * Works through a queue batch by batch until a claim comes back empty, never twice at once
 * within a process: a call while a run is going asks for one more run after it (something
 * new may have been queued after the run's last claim) and shares that run's promise.
 * `handle` answers 1 for an item done and 0 for one left for later; `run` resolves with
 * how many were done.
 */
export class BatchDrainer<T> {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly claim: () => Promise<T[]>,
    private readonly handle: (item: T) => Promise<number>,
  ) {}

  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let done = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await this.claim();
            if (batch.length === 0) break;
            for (const item of batch) done += await this.handle(item);
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
      return done;
    })();
    return this.running;
  }
}
