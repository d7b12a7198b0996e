import { timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Express } from 'express';
import type { RouterContext } from '../../context';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SubgraphCallObserver } from '../../subgraph-source';
import type { CompletedRequest } from './requests';

/**
 * Prometheus metrics of one router, in a registry of its own (two routers in one process,
 * as in the tests, must not share counters):
 *
 *   router_graphql_requests_total{operation,type}            operations answered
 *   router_graphql_errors_total{code}                         errors in responses, by extensions.code
 *   router_graphql_request_duration_seconds{operation,type}  latency, first byte in to last out
 *   router_http_responses_total{status}                       every /graphql response, also those
 *                                                             rejected before GraphQL (rate limits, ...)
 *   router_subgraph_request_duration_seconds{subgraph,outcome} each call to a subgraph (ok,
 *                                                             graphql_error, failed)
 *   router_upstream_unavailable_total{dependency,subgraph}    UPSTREAM_UNAVAILABLE errors answered: a
 *                                                             subgraph down (dependency = subgraph), or
 *                                                             one cut off from postgres / redis / a peer
 *   router_active_subscriptions                               open subscriptions, every transport
 *   process_* / nodejs_*                                      prom-client's defaults
 *
 * Operation names come from clients, so at most `maxOperationNames` distinct ones get a
 * series of their own; the rest count as `operation="other"`.
 */
export interface RouterMetricsOptions {
  activeSubscriptions?: () => number;
  subscriptionUpstreams?: () => number;
  maxOperationNames?: number;
  defaultMetrics?: boolean;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createRouterMetrics(options: RouterMetricsOptions = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: 'router_graphql_requests_total',
    help: 'GraphQL operations answered, by operation name and type',
    labelNames: ['operation', 'type'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'router_graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code',
    labelNames: ['code'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'router_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL operation, by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const responses = new Counter({
    name: 'router_http_responses_total',
    help: 'HTTP responses on /graphql, by status (includes requests rejected before GraphQL ran)',
    labelNames: ['status'] as const,
    registers,
  });
  const subgraphDuration = new Histogram({
    name: 'router_subgraph_request_duration_seconds',
    help: 'Calls from the router to a subgraph, by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const outages = new Counter({
    name: 'router_upstream_unavailable_total',
    help: 'UPSTREAM_UNAVAILABLE errors in responses, by the dependency that was down and the subgraph that said so',
    labelNames: ['dependency', 'subgraph'] as const,
    registers,
  });
  const activeSubscriptions = options.activeSubscriptions;
  new Gauge({
    name: 'router_active_subscriptions',
    help: 'Subscriptions open on this router, over every transport',
    registers,
    collect() {
      this.set(activeSubscriptions?.() ?? 0);
    },
  });
  const subscriptionUpstreams = options.subscriptionUpstreams;
  new Gauge({
    name: 'router_subscription_upstreams',
    help: 'Subgraph subscriptions this router holds for its clients: one per stream, however many clients share it',
    registers,
    collect() {
      this.set(subscriptionUpstreams?.() ?? 0);
    },
  });

  const maxNames = options.maxOperationNames ?? 200;
  const knownNames = new Set<string>();
  const operationLabel = (name: string | null): string => {
    if (!name) return 'anonymous';
    if (knownNames.has(name)) return name;
    if (knownNames.size >= maxNames) return 'other';
    knownNames.add(name);
    return name;
  };

  return {
    registry,
    recordRequest(request: CompletedRequest): void {
      if (request.transport === 'http') responses.inc({ status: String(request.status) });
      // A subscription's "duration" is how long it stayed open; it is counted, not timed.
      const labels = {
        operation: operationLabel(request.operationName),
        type: request.operationType ?? 'unknown',
      };
      requests.inc(labels);
      if (request.operationType !== 'subscription')
        duration.observe(labels, request.durationMs / 1000);
      for (const code of request.errorCodes) errors.inc({ code });
    },
    recordSubgraphCall: ((call) => {
      subgraphDuration.observe(
        { subgraph: call.subgraph, outcome: call.outcome },
        call.durationMs / 1000,
      );
    }) satisfies SubgraphCallObserver,
    /** Counts every UPSTREAM_UNAVAILABLE error of a query or mutation, by dependency. */
    outagePlugin: {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            const body = response.body;
            const errors =
              body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
            for (const error of errors ?? []) {
              if (error.extensions?.code !== 'UPSTREAM_UNAVAILABLE') continue;
              const subgraph = String(error.extensions.serviceName ?? 'router');
              const dependency = String(error.extensions.dependency ?? subgraph);
              outages.inc({ dependency, subgraph });
            }
          },
        };
      },
    } satisfies ApolloServerPlugin<RouterContext>,
    /** GET /metrics; behind `Authorization: Bearer <token>` when a token is given. */
    route(app: Express, path = '/metrics', bearerToken?: string): void {
      app.get(path, async (req, res) => {
        if (bearerToken && !sameSecret(req.headers.authorization ?? '', `Bearer ${bearerToken}`)) {
          res.status(401).set('www-authenticate', 'Bearer').end();
          return;
        }
        res.set('content-type', registry.contentType);
        res.end(await registry.metrics());
      });
    },
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
