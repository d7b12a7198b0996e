import { join } from 'node:path';
import { loadConfig, setting } from '../../platform/config';

/**
 * Supergraph reloads (router/reload):
 *
 * | what                                                         | environment                      | default |
 * |--------------------------------------------------------------|----------------------------------|---------|
 * | watch SUPERGRAPH_PATH (fs.watch, and a stat this often)      | SUPERGRAPH_WATCH_INTERVAL_MS     | 2000; 0 = no watching |
 * | fetch the supergraph from a URL instead (ETag, If-None-Match) | SUPERGRAPH_URL                   | unset   |
 * | how often that URL is asked                                  | SUPERGRAPH_POLL_INTERVAL_MS      | 10000   |
 * | a supergraph some SDK operations no longer validate on       | SUPERGRAPH_BREAKING_OPERATIONS   | apply (or refuse) |
 * | the operations checked before a swap                         | SUPERGRAPH_OPERATION_MANIFEST    | sdk/generated/operation-manifest.json |
 */
export interface SchemaReloadConfig {
  watchIntervalMs: number;
  url?: string;
  pollIntervalMs: number;
  breakingOperations: 'apply' | 'refuse';
  operationManifestPath: string;
}

export function schemaReloadConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SchemaReloadConfig {
  const config = loadConfig(
    {
      SUPERGRAPH_WATCH_INTERVAL_MS: setting.int(2000, { min: 0 }),
      SUPERGRAPH_URL: setting.optionalUrl(),
      SUPERGRAPH_POLL_INTERVAL_MS: setting.int(10_000, { min: 100 }),
      SUPERGRAPH_BREAKING_OPERATIONS: setting.oneOf(['apply', 'refuse'], 'apply'),
      SUPERGRAPH_OPERATION_MANIFEST: setting.string(
        join(__dirname, '..', '..', 'sdk', 'generated', 'operation-manifest.json'),
      ),
    },
    env,
  );
  return {
    watchIntervalMs: config.SUPERGRAPH_WATCH_INTERVAL_MS,
    url: config.SUPERGRAPH_URL,
    pollIntervalMs: config.SUPERGRAPH_POLL_INTERVAL_MS,
    breakingOperations: config.SUPERGRAPH_BREAKING_OPERATIONS,
    operationManifestPath: config.SUPERGRAPH_OPERATION_MANIFEST,
  };
}
