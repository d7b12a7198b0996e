import { Counter, Gauge, type Registry } from 'prom-client';
import type { SchemaReloadObserver } from './reloader';

/**
 * Reload metrics, in the router's registry (router/edge/observability):
 *
 *   router_supergraph_reloads_total{outcome}            applied / refused
 *   router_supergraph_reload_subscriptions_total{result} open subscriptions kept, resubscribed
 *                                                       (another subgraph fetch) or ended (SCHEMA_CHANGED)
 *   router_supergraph_broken_operations                 known (SDK) operations invalid on the serving supergraph
 *   router_supergraph_reload_timestamp_seconds          when the serving supergraph was applied
 */
export function schemaReloadMetrics(registry: Registry): SchemaReloadObserver {
  const registers = [registry];
  const reloads = new Counter({
    name: 'router_supergraph_reloads_total',
    help: 'Supergraph reloads tried, by outcome (applied, refused)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const subscriptions = new Counter({
    name: 'router_supergraph_reload_subscriptions_total',
    help: 'Open subscriptions a supergraph reload kept, resubscribed or ended (SCHEMA_CHANGED)',
    labelNames: ['result'] as const,
    registers,
  });
  const broken = new Gauge({
    name: 'router_supergraph_broken_operations',
    help: 'Known (SDK) operations that do not validate on the serving supergraph',
    registers,
  });
  const appliedAt = new Gauge({
    name: 'router_supergraph_reload_timestamp_seconds',
    help: 'When the serving supergraph was swapped in',
    registers,
  });
  return (outcome) => {
    reloads.inc({ outcome: outcome.status });
    if (outcome.status !== 'applied') return;
    for (const result of ['kept', 'resubscribed', 'ended'] as const)
      subscriptions.inc({ result }, outcome.subscriptions[result]);
    broken.set(outcome.operations.broken.length);
    appliedAt.set(Date.now() / 1000);
  };
}
