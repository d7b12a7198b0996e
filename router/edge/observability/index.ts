import type { EdgeModule } from '..';
import { createLogger, type Logger } from '../../../platform/logging';
import type { SubgraphCallObserver } from '../../subgraph-source';
import { observabilityConfigFromEnv } from './config';
import { createRouterMetrics } from './metrics';
import { createRequestTracker, type CompletedRequest } from './requests';
import { runningTracing, startTracing } from './tracing';
import { schemaReloadMetrics } from '../../reload/metrics';

/**
 * Observability at the edge: Prometheus metrics on /metrics, one JSON log line per
 * request (and per failed subgraph call), OpenTelemetry traces when configured.
 * Install it first among the edge modules, so its middleware sees every request,
 * including those another module rejects.
 *
 * Environment: METRICS, METRICS_PATH, METRICS_BEARER_TOKEN (required in production; see
 * ./config.ts), LOG_LEVEL (info; debug logs every subgraph call),
 * OTEL_EXPORTER_OTLP_ENDPOINT (traces; see tracing.ts).
 */
export const observability: EdgeModule = (edge) => {
  const config = observabilityConfigFromEnv(process.env);
  const logger = createLogger('router');
  const metrics = config.metrics
    ? createRouterMetrics({
        activeSubscriptions: edge.activeSubscriptions,
        subscriptionUpstreams: edge.subscriptionUpstreams,
      })
    : undefined;
  const tracker = createRequestTracker([
    ...(metrics ? [metrics.recordRequest] : []),
    (request) => logRequest(logger, request),
  ]);
  if (metrics) edge.observeSubgraphCalls(metrics.recordSubgraphCall);
  if (metrics) edge.observeSchemaReloads?.(schemaReloadMetrics(metrics.registry));
  edge.observeSubgraphCalls(subgraphCallLogger(logger));

  return {
    middleware: [tracker.middleware],
    plugins: [
      tracker.plugin,
      ...(metrics ? [metrics.outagePlugin] : []),
      {
        // Registered before the router listens, so its first request is traced already.
        async serverWillStart() {
          await startTracing().catch((error: unknown) =>
            logger.error('tracing failed to start', { error }),
          );
        },
      },
    ],
    routes(app) {
      metrics?.route(app, config.metricsPath, config.metricsBearerToken);
    },
    async close() {
      metrics?.registry.clear();
      // Spans still buffered go out before the process ends (main.ts exits after stop()).
      await (await runningTracing().catch(() => null))?.flush().catch(() => {});
    },
  };
};

function logRequest(logger: Logger, request: CompletedRequest): void {
  const level = request.status >= 500 ? 'error' : 'info';
  if (!logger.enabled(level)) return;
  logger[level]('request', {
    requestId: request.requestId,
    traceId: request.traceId,
    transport: request.transport,
    method: request.method,
    path: request.path,
    operationName: request.operationName,
    operationType: request.operationType,
    durationMs: request.durationMs,
    status: request.status,
    errorCodes: request.errorCodes.length ? request.errorCodes : undefined,
    viewer: request.viewer,
  });
}

function subgraphCallLogger(logger: Logger): SubgraphCallObserver {
  return (call) => {
    const level = call.outcome === 'failed' ? 'warn' : 'debug';
    if (!logger.enabled(level)) return;
    logger[level]('subgraph call', {
      requestId: call.requestId,
      subgraph: call.subgraph,
      outcome: call.outcome,
      durationMs: Math.round(call.durationMs * 100) / 100,
    });
  };
}
