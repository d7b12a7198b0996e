import { routerConfigFromEnv } from '../../router/config';
import { startRouter } from '../../router/server';

/**
 * The router process of router-process.ts: the router exactly as router/main.ts starts
 * it, answering its parent's questions over the IPC channel. The GC is run before memory
 * is reported (the process runs with --expose-gc), so figures show what is still held.
 */
const MiB = 1024 * 1024;

void (async () => {
  const router = await startRouter(routerConfigFromEnv());
  process.on('message', (message: { ask?: string }) => {
    if (message.ask === 'memory') {
      for (let i = 0; i < 3; i++) global.gc?.();
      const usage = process.memoryUsage();
      process.send!({
        answer: 'memory',
        value: {
          rssMiB: usage.rss / MiB,
          heapUsedMiB: usage.heapUsed / MiB,
          externalMiB: usage.external / MiB,
        },
      });
    }
    if (message.ask === 'activeSubscriptions')
      process.send!({ answer: 'activeSubscriptions', value: router.activeSubscriptions() });
  });
  process.once('SIGTERM', () => {
    void router.stop().finally(() => process.exit(0));
  });
  process.send!({ ready: true });
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
