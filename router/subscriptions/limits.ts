/** Bounds that keep one router process healthy however many clients subscribe. */
export interface SubscriptionLimits {
  /** Subscriptions open at once in this process, over every transport. */
  maxPerProcess: number;
  /** Subscriptions one WebSocket connection may hold. */
  maxPerConnection: number;
  /** Events a subscription may fall behind by before it is cut off (a slow client). */
  maxQueuedEvents: number;
  /** Attempts to re-open a lost subgraph subscription before telling the client. */
  subgraphRetryAttempts: number;
}

export function subscriptionLimitsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SubscriptionLimits {
  return {
    maxPerProcess: Number(env.MAX_SUBSCRIPTIONS ?? 20000),
    maxPerConnection: Number(env.MAX_SUBSCRIPTIONS_PER_CONNECTION ?? 100),
    maxQueuedEvents: Number(env.MAX_QUEUED_EVENTS ?? 100),
    subgraphRetryAttempts: Number(env.SUBGRAPH_RETRY_ATTEMPTS ?? 5),
  };
}

/** Counts open subscriptions; a slot is taken before a subgraph is asked and given back once. */
export class SubscriptionCounter {
  private open = 0;

  constructor(private readonly max: number) {}

  get active(): number {
    return this.open;
  }

  tryAcquire(): (() => void) | null {
    if (this.open >= this.max) return null;
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
    };
  }
}
