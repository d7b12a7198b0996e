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
    console.log(
      `embedded PostgreSQL on ${postgres.url.replace(/:[^:@/]+@/, ':***@')} (data in .data/postgres)`,
    );
  }
  if (process.env.NODE_ENV !== 'production') {
    // A staff login that works out of the box; production names its own.
    process.env.BOOTSTRAP_ADMIN_EMAIL ??= 'admin@shop.local';
    process.env.BOOTSTRAP_ADMIN_PASSWORD ??= 'development only passphrase';
    console.log(
      `development staff login: ${process.env.BOOTSTRAP_ADMIN_EMAIL} / ${process.env.BOOTSTRAP_ADMIN_PASSWORD}`,
    );
    if (!process.env.AUTHORIZATION_MODE) {
      // So a shop can be tried without logging in; AUTHORIZATION_MODE=enforced to try tokens.
      process.env.AUTHORIZATION_MODE = 'open';
      console.log(
        'development mode: every caller may use staff operations (AUTHORIZATION_MODE=open)',
      );
    }
  }
  const databaseUrl = process.env.DATABASE_URL ?? postgres!.url;
  const platform = await startPlatform({
    databaseUrl,
    ports: 'default',
    portOffset: Number(process.env.PORT_OFFSET ?? 0),
  }).catch(async (error) => {
    await postgres?.stop();
    throw error;
  });
  const seeded = await seedDemoShop(platform);
  if (seeded.length) console.log(`seeded the demo shop: ${seeded.join(', ')}`);

  for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
    console.log(`  subgraph ${name.padEnd(10)} http://localhost:${subgraph.port}/graphql`);
  }
  console.log(`  pub/sub             ${process.env.REDIS_URL ? 'Redis' : 'in-process'}`);
  console.log(
    `router ready at http://localhost:${platform.router.port}/graphql (${Date.now() - startedAt} ms)`,
  );

  // embedded-postgres installs SIGINT/SIGTERM handlers that stop its server at once, while
  // the subgraphs still hold connections. Ours replace them: platform first, then database.
  let stopping = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await platform.stop().catch((error) => console.error('error while stopping', error));
    await postgres
      ?.stop()
      .catch((error) => console.error('error while stopping PostgreSQL', error));
    console.log('stopped');
    process.exit(exitCode);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
