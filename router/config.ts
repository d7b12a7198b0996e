import { join } from 'node:path';
import { loadConfig, setting, subgraphUrlsFromEnv } from '../platform/config';

/**
 * Timeouts of the router's HTTP server: a client that trickles its headers or its body,
 * or holds an idle keep-alive connection, is closed instead of holding a socket forever.
 * Long responses (SSE, multipart) are not cut by them: they bound receiving the request.
 */
export interface HttpServerTimeouts {
  /** Whole request headers must arrive within this (ROUTER_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this (ROUTER_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ROUTER_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** How often the server looks for connections past those timeouts. */
  checkIntervalMs: number;
}

export interface RouterConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Where each subgraph really runs; missing ones keep the URL composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Subgraph calls give up after this, below any client's patience. */
  subgraphTimeoutMs: number;
  /** Defaults: DEFAULT_HTTP_TIMEOUTS. */
  http?: Partial<HttpServerTimeouts>;
  /**
   * Bytes a subscriber may leave unread in its socket (SSE, multipart, WebSocket) before
   * it is cut off with SUBSCRIBER_TOO_SLOW (MAX_UNREAD_BYTES, default 1 MB).
   */
  maxUnreadBytes?: number;
  /**
   * How long a cut-off subscriber gets to read what its socket still holds (its last events
   * and the SUBSCRIBER_TOO_SLOW close) before the socket is destroyed (SLOW_CLIENT_GRACE_MS).
   */
  slowClientGraceMs?: number;
  /** A `{}` part this often keeps multipart streams (and proxies) alive (MULTIPART_HEARTBEAT_MS). */
  multipartHeartbeatMs?: number;
  /** Redis for the shared session revocation list (REDIS_URL); in-process without it. */
  redisUrl?: string;
  /** ROUTER_HEAP_GROWTH_PERCENT: router/heap-growth.ts (the entry point applies it). */
  heapGrowthPercent?: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

export const DEFAULT_MAX_UNREAD_BYTES = 1_000_000;
export const DEFAULT_SLOW_CLIENT_GRACE_MS = 10_000;

const routerSettings = {
  /** -1: not set, PORT decides. */
  ROUTER_PORT: setting.port(-1),
  PORT: setting.port(4000),
  HOST: setting.string('0.0.0.0'),
  SUPERGRAPH_PATH: setting.string(join(__dirname, '..', 'schema', 'supergraph.graphql')),
  SUBGRAPH_TIMEOUT_MS: setting.int(10_000, { min: 1 }),
  ROUTER_HEADERS_TIMEOUT_MS: setting.int(DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs, { min: 1 }),
  ROUTER_REQUEST_TIMEOUT_MS: setting.int(DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs, { min: 1 }),
  ROUTER_KEEP_ALIVE_TIMEOUT_MS: setting.int(DEFAULT_HTTP_TIMEOUTS.keepAliveTimeoutMs, { min: 1 }),
  MAX_UNREAD_BYTES: setting.int(DEFAULT_MAX_UNREAD_BYTES, { min: 1024 }),
  SLOW_CLIENT_GRACE_MS: setting.int(DEFAULT_SLOW_CLIENT_GRACE_MS, { min: 100 }),
  MULTIPART_HEARTBEAT_MS: setting.int(5000, { min: 100 }),
  REDIS_URL: setting.optionalUrl(),
  ROUTER_HEAP_GROWTH_PERCENT: setting.int(50, { min: 0, max: 1000 }),
};

export function routerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const config = loadConfig(routerSettings, env);
  return {
    // ROUTER_PORT wins over PORT; both are checked alike.
    port: config.ROUTER_PORT >= 0 ? config.ROUTER_PORT : config.PORT,
    host: config.HOST,
    supergraphPath: config.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlsFromEnv(env),
    subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    http: {
      headersTimeoutMs: config.ROUTER_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.ROUTER_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.ROUTER_KEEP_ALIVE_TIMEOUT_MS,
    },
    maxUnreadBytes: config.MAX_UNREAD_BYTES,
    slowClientGraceMs: config.SLOW_CLIENT_GRACE_MS,
    multipartHeartbeatMs: config.MULTIPART_HEARTBEAT_MS,
    redisUrl: config.REDIS_URL,
    heapGrowthPercent: config.ROUTER_HEAP_GROWTH_PERCENT,
  };
}
