import type { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces, off unless an exporter is configured.
 *
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, the
 * router registers a NodeTracerProvider that sends spans over OTLP/HTTP (the exporter
 * reads the standard OTEL_EXPORTER_OTLP_* variables: headers, timeout, ...), with W3C
 * trace-context propagation. Then:
 *  - every /graphql request gets a server span (continuing the client's `traceparent`,
 *    see requests.ts), under which @apollo/gateway's own spans (gateway.request, .plan,
 *    .execute, .fetch, ...) nest;
 *  - every subgraph call carries `traceparent` of its gateway.fetch span (the router's
 *    subgraph source injects it), and subgraph log lines carry that trace id.
 * `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` name the service (default
 * commerce-router); `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off.
 *
 * The SDK packages are loaded only when tracing is on. The provider is process-wide (the
 * OpenTelemetry API is global), so two routers in one process share it.
 */
export type SpanExporterLike = ConstructorParameters<typeof SimpleSpanProcessor>[0];

export interface Tracing {
  /** Exports what is buffered now. */
  flush(): Promise<void>;
}

export interface TracingOptions {
  env?: NodeJS.ProcessEnv;
  /** Export here instead of OTLP (tests: an InMemorySpanExporter), each span as it ends. */
  exporter?: SpanExporterLike;
}

let started: Promise<Tracing | null> | undefined;
let enabled = false;

/** Whether spans are being recorded in this process. */
export function tracingEnabled(): boolean {
  return enabled;
}

export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** The tracing this process started, if any (without starting it). */
export function runningTracing(): Promise<Tracing | null> {
  return started ?? Promise.resolve(null);
}

/** Registers the tracer provider once per process; resolves to null when tracing is off. */
export function startTracing(options: TracingOptions = {}): Promise<Tracing | null> {
  const env = options.env ?? process.env;
  if (started) return started;
  if (!options.exporter && !tracingConfigured(env)) return Promise.resolve(null);
  started = (async () => {
    const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } =
      await import('@opentelemetry/sdk-trace-node');
    const { defaultResource, detectResources, envDetector, resourceFromAttributes } =
      await import('@opentelemetry/resources');
    const exporter =
      options.exporter ??
      new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    const resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'commerce-router' }))
      .merge(detectResources({ detectors: [envDetector] }));
    const provider = new NodeTracerProvider({
      resource,
      spanProcessors: [
        options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
      ],
    });
    // Global tracer provider, AsyncLocalStorage context, W3C traceparent + baggage propagator.
    provider.register();
    enabled = true;
    return { flush: () => provider.forceFlush() };
  })();
  return started;
}
