/**
 * One subgraph alone, as a container runs it: `npm run start:subgraph -- catalog`
 * (or SUBGRAPH=catalog). PORT, DATABASE_URL, REDIS_URL and <NAME>_URL of the subgraphs
 * it calls come from the environment, checked before anything starts.
 */
import { loadConfig, runMain, setting, subgraphUrlsFromEnv } from '../platform/config';
import { createLogger } from '../platform/logging';
import { startSubgraph } from '../platform/server';
import { subgraphs } from '../subgraphs/registry';

const log = createLogger('start-subgraph');

runMain(
  async () => {
    const name = process.argv[2] ?? process.env.SUBGRAPH;
    const module = subgraphs.find((s) => s.name === name);
    if (!module) {
      throw new Error(`Name a subgraph: one of ${subgraphs.map((s) => s.name).join(', ')}`);
    }
    const config = loadConfig({
      DATABASE_URL: setting.optionalUrl(),
      PORT: setting.port(module.defaultPort),
      HOST: setting.string('0.0.0.0'),
    });
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL must be set');
    const running = await startSubgraph(module, {
      databaseUrl: config.DATABASE_URL,
      port: config.PORT,
      host: config.HOST,
      subgraphUrls: subgraphUrlsFromEnv(),
    });
    log.info('subgraph ready', { subgraph: module.name, port: running.port });
    const shutdown = async (): Promise<void> => {
      await running.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  },
  (msg, error) => log.error(msg, { error: error instanceof Error ? error.message : String(error) }),
);
