import { routerConfigFromEnv } from './config';
import { startRouter } from './server';

async function main(): Promise<void> {
  const router = await startRouter(routerConfigFromEnv());
  console.log(`router ready at ${router.url}`);
  const shutdown = async (): Promise<void> => {
    await router.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
