import type { FetchNode } from '@apollo/query-planner';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { EventQueue } from '../../platform/event-queue';
import { samePrimary, type PlannableRequest, type SubscriptionPlan } from './subscription-plan';

export interface UpstreamSink {
  next(result: ExecutionResult): void;
  error(error: unknown): void;
  complete(): void;
}

/** Opens the subgraph subscription of a primary fetch; returns how to close it. */
export type OpenUpstream = (primary: FetchNode, sink: UpstreamSink) => () => void;

/** A subgraph event with the plan it is to be completed with (the one it arrived under). */
export interface PlannedEvent {
  result: ExecutionResult;
  plan: SubscriptionPlan;
}

/**
 * One subgraph subscription, for one client or several that share it (shared-stream.ts),
 * whose plan can change under it while its stream stays open.
 * Each event is tagged with the plan current when it arrived, so events already queued
 * when the supergraph changes are completed as they were planned, and later ones with the
 * new plan. A subgraph subscription that a superseded plan opened says nothing more.
 */
export class LiveSubscription {
  private generation = 0;
  private unsubscribe: () => void = () => {};
  /** Clients served by this one subscription (they share it: shared-stream.ts). */
  clients: () => number = () => 1;

  constructor(
    readonly request: PlannableRequest,
    private current: SubscriptionPlan,
    private readonly queue: EventQueue<PlannedEvent>,
    private readonly openUpstream: OpenUpstream,
  ) {}

  get plan(): SubscriptionPlan {
    return this.current;
  }

  start(): void {
    this.connect(this.current.primary);
  }

  /**
   * Continues on `plan`. When its primary fetch is the same (the usual case: a field added
   * elsewhere), the subgraph subscription stays open and nothing is sent again; otherwise
   * the new one is opened before the old one is closed, and, like any re-subscription,
   * starts with the current state.
   */
  switchTo(plan: SubscriptionPlan): 'kept' | 'resubscribed' {
    const before = this.current.primary;
    this.current = plan;
    if (samePrimary(before, plan.primary)) return 'kept';
    const closeOld = this.unsubscribe;
    this.connect(plan.primary);
    closeOld();
    return 'resubscribed';
  }

  /** Ends the client's stream with this one error, after the events already queued. */
  end(error: GraphQLError): void {
    this.queue.fail(error);
  }

  /** The client went away (or the stream ended): closes the subgraph subscription. */
  close(): void {
    this.generation += 1;
    this.unsubscribe();
  }

  private connect(primary: FetchNode): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.unsubscribe = this.openUpstream(primary, {
      next: (result) => {
        if (current()) this.queue.push({ result, plan: this.current });
      },
      error: (error) => {
        if (current()) this.queue.fail(error);
      },
      complete: () => {
        if (current()) this.queue.end();
      },
    });
  }
}
