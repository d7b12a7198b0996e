import { ConfigError, loadConfig, setting } from '../../../platform/config';

/**
 * Observability settings of the router.
 *
 * | variable             | default    | meaning                                                   |
 * |----------------------|------------|-----------------------------------------------------------|
 * | METRICS              | on         | off: no /metrics route                                    |
 * | METRICS_PATH         | /metrics   | where Prometheus scrapes                                  |
 * | METRICS_BEARER_TOKEN | –          | scraping needs `Authorization: Bearer <it>`; **required** with NODE_ENV=production unless METRICS=off |
 *
 * In production the router refuses to start with metrics on and no token: operation
 * names, error rates and subgraph latencies are not for the public internet.
 */
export interface ObservabilityConfig {
  metrics: boolean;
  metricsPath: string;
  metricsBearerToken: string | undefined;
}

export function observabilityConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): ObservabilityConfig {
  const config = loadConfig(
    {
      NODE_ENV: setting.string('development'),
      METRICS: setting.bool(true),
      METRICS_PATH: setting.string('/metrics'),
      METRICS_BEARER_TOKEN: setting.optionalString(),
    },
    env,
  );
  if (config.NODE_ENV === 'production' && config.METRICS && !config.METRICS_BEARER_TOKEN)
    throw new ConfigError([
      'METRICS_BEARER_TOKEN: required when NODE_ENV=production (or set METRICS=off)',
    ]);
  return {
    metrics: config.METRICS,
    metricsPath: config.METRICS_PATH,
    metricsBearerToken: config.METRICS_BEARER_TOKEN,
  };
}
