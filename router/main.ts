import { runMain } from '../platform/config';
import { createLogger } from '../platform/logging';
import { routerConfigFromEnv } from './config';
import { limitHeapGrowth } from './heap-growth';
import { startRouter } from './server';

const log = createLogger('router');

runMain(
  async () => {
    const config = routerConfigFromEnv();
    limitHeapGrowth(config.heapGrowthPercent ?? 0);
    const router = await startRouter(config);
    log.info('router ready', { url: router.url });
    const shutdown = async (): Promise<void> => {
      await router.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  },
  (msg, error) => log.error(msg, { error: error instanceof Error ? error.stack : String(error) }),
);
