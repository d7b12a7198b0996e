import { subgraphUrlsFromEnv } from '../platform/config';
import { join } from 'node:path';

export interface RouterConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Where each subgraph really runs; missing ones keep the URL composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Subgraph calls give up after this, below any client's patience. */
  subgraphTimeoutMs: number;
}

export function routerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  return {
    port: Number(env.ROUTER_PORT ?? env.PORT ?? 4000),
    host: env.HOST ?? '0.0.0.0',
    supergraphPath: env.SUPERGRAPH_PATH ?? join(__dirname, '..', 'schema', 'supergraph.graphql'),
    subgraphUrls: subgraphUrlsFromEnv(env),
    subgraphTimeoutMs: Number(env.SUBGRAPH_TIMEOUT_MS ?? 10000),
  };
}
