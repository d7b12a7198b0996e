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

const SUBGRAPH_URL_VARIABLE = /^([A-Z][A-Z0-9_]*)_URL$/;
const NOT_SUBGRAPHS = new Set(['DATABASE', 'REDIS']);

export function subgraphUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(key);
    if (match && value && !NOT_SUBGRAPHS.has(match[1]!)) urls[match[1]!.toLowerCase()] = value;
  }
  return urls;
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
