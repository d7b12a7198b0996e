import { startRouter, type RunningRouter } from '../router/server';
import type { SubscriptionLimits } from '../router/subscriptions/limits';
import { createPubSub, type PubSubHandle } from '../platform/pubsub';
import { startSubgraph, type RunningSubgraph } from '../platform/server';
import { subgraphs } from '../subgraphs/registry';
import { join } from 'node:path';
import { loadConfig, setting } from '../platform/config';

export interface PlatformOptions {
  databaseUrl: string;
  /** Default ports (router 4000, subgraphs 4001…) or any free ports (tests). */
  ports: 'default' | 'ephemeral';
  host?: string;
  /** Added to every default port, to run a second copy beside the first (PORT_OFFSET). */
  portOffset?: number;
  /** Background work such as the reservation sweeper; tests drive it themselves. */
  background?: boolean;
  subscriptionLimits?: SubscriptionLimits;
}

export interface Platform {
  router: RunningRouter;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  /** Where each subgraph listens, and the pub/sub they share (for restarting one in tests). */
  subgraphUrls: Record<string, string>;
  pubsub: PubSubHandle;
  stop(): Promise<void>;
}

/**
 * Every subgraph and the router in one process, each on its own port, talking over real
 * HTTP as they would in separate containers. Dependencies first: orders calls the others.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const config = loadConfig({
    REDIS_URL: setting.optionalString(),
    PUBSUB_NAMESPACE: setting.optionalString(),
    SUBGRAPH_TIMEOUT_MS: setting.int(10_000, { min: 1 }),
  });
  // One platform, one namespace: its database name, unless PUBSUB_NAMESPACE says otherwise.
  const pubsub = createPubSub(
    config.REDIS_URL,
    config.PUBSUB_NAMESPACE ?? databaseName(options.databaseUrl),
  );
  const urls: Record<string, string> = {};
  const running: Record<string, RunningSubgraph<unknown>> = {};
  const host = options.host ?? (options.ports === 'ephemeral' ? '127.0.0.1' : '0.0.0.0');
  let routerUrl: string | undefined;
  try {
    for (const module of subgraphs) {
      const subgraph = await startSubgraph(module, {
        databaseUrl: options.databaseUrl,
        port: options.ports === 'ephemeral' ? 0 : module.defaultPort + (options.portOffset ?? 0),
        host,
        subgraphUrls: urls,
        routerUrl: () => routerUrl,
        pubsub,
        background: options.background ?? true,
      });
      running[module.name] = subgraph;
      urls[module.name] = subgraph.url;
    }
    const router = await startRouter(
      {
        port: options.ports === 'ephemeral' ? 0 : 4000 + (options.portOffset ?? 0),
        host,
        supergraphPath: join(__dirname, '..', 'schema', 'supergraph.graphql'),
        subgraphUrls: urls,
        subgraphTimeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      },
      options.subscriptionLimits,
    );
    // Webhooks resolves apps' documents through the router; in one process, this one
    // (a deployment sets ROUTER_URL itself).
    routerUrl = router.url;
    return {
      router,
      subgraphs: running,
      subgraphUrls: urls,
      pubsub,
      async stop() {
        await router.stop();
        for (const subgraph of Object.values(running).reverse()) await subgraph.stop();
        await pubsub.close();
      },
    };
  } catch (error) {
    for (const subgraph of Object.values(running).reverse()) await subgraph.stop().catch(() => {});
    await pubsub.close();
    throw error;
  }
}

function databaseName(url: string): string {
  return new URL(url).pathname.replace(/^\//, '') || 'commerce';
}
