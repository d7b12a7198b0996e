/**
 * `npm start`: the whole platform on one machine. Uses DATABASE_URL when set, otherwise
 * an embedded PostgreSQL under .data/; REDIS_URL when set, otherwise in-process pub/sub.
 */
import { resolve } from 'node:path';
import { startEmbeddedPostgres, type LocalPostgres } from './embedded-postgres';
import { startPlatform } from './platform';
import { seedDemoShop } from './demo-shop';

async function main(): Promise<void> {
  const startedAt = Date.now();
  const root = resolve(__dirname, '..');
  let postgres: LocalPostgres | null = null;
  if (!process.env.DATABASE_URL) {
    postgres = await startEmbeddedPostgres(root);
    console.log(`embedded PostgreSQL on ${postgres.url.replace(/:[^:@/]+@/, ':***@')} (data in .data/postgres)`);
  }
  if (process.env.NODE_ENV !== 'production' && !process.env.AUTHORIZATION_MODE) {
    // Until the identity domain issues staff tokens, development opens staff mutations.
    process.env.AUTHORIZATION_MODE = 'open';
    console.log('development mode: staff mutations are open (AUTHORIZATION_MODE=open)');
  }
  const databaseUrl = process.env.DATABASE_URL ?? postgres!.url;
  const platform = await startPlatform({ databaseUrl, ports: 'default' }).catch(async (error) => {
    await postgres?.stop();
    throw error;
  });
  const seeded = await seedDemoShop(platform);
  if (seeded.length) console.log(`seeded the demo shop: ${seeded.join(', ')}`);

  for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
    console.log(`  subgraph ${name.padEnd(10)} http://localhost:${subgraph.port}/graphql`);
  }
  console.log(`  pub/sub             ${process.env.REDIS_URL ? 'Redis' : 'in-process'}`);
  console.log(`router ready at http://localhost:${platform.router.port}/graphql (${Date.now() - startedAt} ms)`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await platform.stop();
    await postgres?.stop();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
