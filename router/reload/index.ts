import type { GraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '../../platform/logging';
import { buildSupergraph, loadSupergraph, type LoadedSupergraph } from '../supergraph';
import type { FederatedSubscriptions } from '../subscriptions/executor';
import type { SchemaReloadConfig } from './config';
import { ReloadableGateway } from './gateway';
import { LiveSupergraph } from './live-supergraph';
import { loadKnownOperations } from './preplan';
import { SchemaReloader, type SchemaReloadObserver } from './reloader';
import { SupergraphUrl, watchSupergraphFile } from './sources';

export { schemaReloadConfigFromEnv, type SchemaReloadConfig } from './config';
export type { ReloadOutcome, SchemaReloadObserver } from './reloader';

/**
 * Zero-drop supergraph reloads. `prepareSchemaReload` loads the first supergraph (from
 * SUPERGRAPH_URL when set, else the file) and gives the router a live view of it and a
 * gateway that can be swapped; `start` then watches the file or polls the URL and swaps
 * every valid change in (router/reload/reloader.ts says how).
 */
export interface SchemaReload {
  live: LiveSupergraph;
  /** The gateway Apollo Server runs, built once the subgraphs' data sources exist. */
  createGateway(buildService: (name: string) => GraphQLDataSource): Promise<ReloadableGateway>;
  start(options: {
    subscriptions: FederatedSubscriptions;
    subgraphs: Iterable<string>;
    observers?: SchemaReloadObserver[];
  }): SchemaReloader;
  stop(): void;
}

export async function prepareSchemaReload(options: {
  supergraphPath: string;
  config: SchemaReloadConfig;
  log: Logger;
}): Promise<SchemaReload> {
  const { config, log } = options;
  const url = config.url ? new SupergraphUrl(config.url, log) : null;
  let initial: LoadedSupergraph;
  if (url) {
    const sdl = await url.fetch();
    if (sdl === null) throw new Error(`SUPERGRAPH_URL ${config.url} answered 304 to a first fetch`);
    initial = buildSupergraph(sdl);
  } else {
    initial = loadSupergraph(options.supergraphPath);
  }
  const live = new LiveSupergraph(initial);
  let gateway: ReloadableGateway | null = null;
  let stopWatching = () => {};
  return {
    live,
    async createGateway(buildService) {
      gateway = new ReloadableGateway(
        await ReloadableGateway.prepare(initial.sdl, buildService),
        buildService,
      );
      return gateway;
    },
    start({ subscriptions, subgraphs, observers = [] }) {
      if (!gateway) throw new Error('createGateway first');
      const reloader = new SchemaReloader({
        live,
        gateway,
        subscriptions,
        operations: loadKnownOperations(config.operationManifestPath),
        breakingOperations: config.breakingOperations,
        subgraphs: new Set(subgraphs),
        observers,
        log,
      });
      const onChange = (sdl: string, origin: string) => {
        void reloader
          .reload(sdl, origin)
          .catch((error: unknown) =>
            log.error('supergraph reload failed', { origin, error: (error as Error).message }),
          );
      };
      if (url) {
        url.poll(config.pollIntervalMs, onChange);
        stopWatching = () => url.stop();
      } else if (config.watchIntervalMs > 0) {
        stopWatching = watchSupergraphFile(
          options.supergraphPath,
          config.watchIntervalMs,
          onChange,
          log,
        );
      }
      return reloader;
    },
    stop: () => stopWatching(),
  };
}
