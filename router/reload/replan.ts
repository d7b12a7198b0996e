import { GraphQLError } from 'graphql';
import type { LoadedSupergraph } from '../supergraph';
import type { LiveSubscription } from './live-subscription';
import {
  documentKey,
  planSubscription,
  validateDocument,
  validateVariables,
  type SubscriptionPlan,
} from './subscription-plan';

/** What a reload did to the subscriptions that were open, counted by client. */
export interface ReplanReport {
  /** Re-planned, their subgraph subscription left open. */
  kept: number;
  /** Re-planned onto a different subgraph fetch, which was opened anew. */
  resubscribed: number;
  /** No longer valid: ended with SCHEMA_CHANGED. */
  ended: number;
}

export function schemaChangedError(reason: string): GraphQLError {
  return new GraphQLError(
    `The schema changed and this subscription is no longer valid: ${reason}`,
    { extensions: { code: 'SCHEMA_CHANGED' } },
  );
}

/**
 * Re-validates and re-plans each open subscription on `next`, synchronously (the swap is
 * one step of the event loop: no event is completed half on one supergraph and half on
 * the other). Subscriptions sharing a document are planned once; their variables are
 * checked one by one.
 */
export function replanOpenSubscriptions(
  open: Iterable<LiveSubscription>,
  next: LoadedSupergraph,
): ReplanReport {
  const report: ReplanReport = { kept: 0, resubscribed: 0, ended: 0 };
  const plans = new Map<string, SubscriptionPlan | GraphQLError>();
  for (const live of [...open]) {
    const key = documentKey(live.request);
    let planned = plans.get(key);
    if (!planned) {
      planned =
        validateDocument(next, live.request.document) ?? planSubscription(next, live.request);
      plans.set(key, planned);
    }
    const refused =
      planned instanceof GraphQLError ? planned : validateVariables(next, live.request);
    if (refused || planned instanceof GraphQLError) {
      const clients = live.clients();
      live.end(schemaChangedError((refused ?? (planned as GraphQLError)).message));
      report.ended += clients;
      continue;
    }
    if (live.switchTo(planned) === 'kept') report.kept += live.clients();
    else report.resubscribed += live.clients();
  }
  return report;
}
