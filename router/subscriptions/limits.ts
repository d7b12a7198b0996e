import { loadConfig, setting } from '../../platform/config';

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
  /** Clients that send the same subscription as the same viewer share one stream. */
  shareStreams: boolean;
}

export function subscriptionLimitsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SubscriptionLimits {
  const config = loadConfig(
    {
      MAX_SUBSCRIPTIONS: setting.int(20000, { min: 1 }),
      MAX_SUBSCRIPTIONS_PER_CONNECTION: setting.int(100, { min: 1 }),
      MAX_QUEUED_EVENTS: setting.int(100, { min: 1 }),
      SUBGRAPH_RETRY_ATTEMPTS: setting.int(5, { min: 0 }),
      SHARE_SUBSCRIPTIONS: setting.bool(true),
    },
    env,
  );
  return {
    maxPerProcess: config.MAX_SUBSCRIPTIONS,
    maxPerConnection: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxQueuedEvents: config.MAX_QUEUED_EVENTS,
    subgraphRetryAttempts: config.SUBGRAPH_RETRY_ATTEMPTS,
    shareStreams: config.SHARE_SUBSCRIPTIONS,
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
