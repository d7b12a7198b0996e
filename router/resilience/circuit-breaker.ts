/**
 * A circuit breaker for one subgraph.
 *
 *   closed ──(N consecutive failures, or failure rate over the window)──▶ open
 *   open ──(cool-down elapsed: the next call is let through as a probe)──▶ half-open
 *   half-open ──(probe succeeds)──▶ closed      half-open ──(probe fails)──▶ open again
 *
 * While open (and while a half-open probe is in flight) calls fail fast without reaching
 * the subgraph, so a dead subgraph costs the router nothing but an error per request and
 * a struggling one gets room to recover.
 *
 * A failure is what says the subgraph itself is unwell: no connection, a timeout, an HTTP
 * 5xx. GraphQL errors in a 200 response (NOT_FOUND, BAD_USER_INPUT) and 4xx are answers.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit (BREAKER_FAILURES, default 5). */
  failureThreshold: number;
  /** How long an open circuit fails fast before it lets a probe through (BREAKER_COOLDOWN_MS, 5000). */
  cooldownMs: number;
  /** Failure ratio over the rolling window that opens the circuit (BREAKER_FAILURE_RATE, 0.5). */
  failureRate: number;
  /** The rolling window for the failure rate (BREAKER_WINDOW_MS, 30000). */
  windowMs: number;
  /** Calls the window needs before the rate counts (BREAKER_MIN_CALLS, 20). */
  minimumCalls: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  failureThreshold: 5,
  cooldownMs: 5000,
  failureRate: 0.5,
  windowMs: 30_000,
  minimumCalls: 20,
};

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Calls refused without reaching the subgraph, since the breaker was made. */
  rejected: number;
  /** Times the circuit opened, since the breaker was made. */
  opened: number;
}

/** A permit for one call: report how it went, exactly once. */
export interface BreakerPermit {
  success(): void;
  failure(): void;
}

const BUCKETS = 10;

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private rejected = 0;
  private opened = 0;
  /** The rolling window: BUCKETS slices of windowMs / BUCKETS, each [start, calls, failures]. */
  private readonly buckets: { start: number; calls: number; failures: number }[] = [];

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions = DEFAULT_BREAKER_OPTIONS,
    private readonly onStateChange: (
      name: string,
      from: BreakerState,
      to: BreakerState,
    ) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.current,
      consecutiveFailures: this.consecutiveFailures,
      rejected: this.rejected,
      opened: this.opened,
    };
  }

  /** A permit to call the subgraph, or null: fail fast, the subgraph is not to be called. */
  tryAcquire(): BreakerPermit | null {
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return this.reject();
      this.transition('half-open');
    }
    if (this.current === 'half-open') {
      if (this.probeInFlight) return this.reject();
      this.probeInFlight = true;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private reject(): null {
    this.rejected++;
    return null;
  }

  private permit(probe: boolean): BreakerPermit {
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (probe) this.probeInFlight = false;
      if (ok) this.recordSuccess(probe);
      else this.recordFailure(probe);
    };
    return { success: () => settle(true), failure: () => settle(false) };
  }

  private recordSuccess(probe: boolean): void {
    this.consecutiveFailures = 0;
    this.count(false);
    if (probe && this.current === 'half-open') {
      // A fresh start: the failures that opened the circuit are history.
      this.buckets.length = 0;
      this.transition('closed');
    }
  }

  private recordFailure(probe: boolean): void {
    this.consecutiveFailures++;
    this.count(true);
    if (probe && this.current === 'half-open') {
      this.open();
      return;
    }
    if (this.current !== 'closed') return;
    if (this.consecutiveFailures >= this.options.failureThreshold || this.rateExceeded())
      this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.opened++;
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.onStateChange(this.name, from, to);
  }

  private count(failed: boolean): void {
    const now = this.now();
    const width = Math.max(1, Math.floor(this.options.windowMs / BUCKETS));
    const start = now - (now % width);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.start !== start) {
      bucket = { start, calls: 0, failures: 0 };
      this.buckets.push(bucket);
    }
    bucket.calls++;
    if (failed) bucket.failures++;
    while (this.buckets.length && this.buckets[0]!.start <= now - this.options.windowMs)
      this.buckets.shift();
  }

  private rateExceeded(): boolean {
    let calls = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return calls >= this.options.minimumCalls && failures / calls >= this.options.failureRate;
  }
}
