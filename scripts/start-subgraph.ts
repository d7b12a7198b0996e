/**
 * One subgraph alone, as a container runs it: `npm run start:subgraph -- catalog`
 * (or SUBGRAPH=catalog). PORT, DATABASE_URL, REDIS_URL and <NAME>_URL of the subgraphs
 * it calls come from the environment.
 */
import { subgraphUrlsFromEnv } from '../platform/config';
import { startSubgraph } from '../platform/server';
import { subgraphs } from '../subgraphs/registry';

async function main(): Promise<void> {
  const name = process.argv[2] ?? process.env.SUBGRAPH;
  const module = subgraphs.find((s) => s.name === name);
  if (!module) {
    throw new Error(`Name a subgraph: one of ${subgraphs.map((s) => s.name).join(', ')}`);
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL must be set');
  const running = await startSubgraph(module, {
    databaseUrl,
    port: Number(process.env.PORT ?? module.defaultPort),
    host: process.env.HOST ?? '0.0.0.0',
    subgraphUrls: subgraphUrlsFromEnv(),
  });
  console.log(`subgraph ${module.name} ready on port ${running.port}`);
  const shutdown = async (): Promise<void> => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
