/**
 * `npm start`: the whole platform on one machine. Uses DATABASE_URL when set, otherwise
 * an embedded PostgreSQL under .data/ (EMBEDDED_PG_DATA, EMBEDDED_PG_PORT); REDIS_URL when
 * set, otherwise in-process pub/sub.
 *
 * Stopping: SIGINT or SIGTERM to this process (or to tsx, which relays it) stops the
 * platform, then PostgreSQL, and exits. `npm start` is a chain npm → sh → tsx → node, and
 * npm passes a signal only to sh, which dies without passing it on: so this process also
 * watches its ancestors up to npm (./lifeline.ts) and stops the same way when any of them
 * is gone. If this process is killed outright, the embedded PostgreSQL's watchdog stops it.
 */
import { join, resolve } from 'node:path';
import { loadConfig, runMain, setting } from '../platform/config';
import { startEmbeddedPostgres, type LocalPostgres } from './embedded-postgres';
import { watchAncestors } from './lifeline';
import { startPlatform, type Platform } from './platform';
import { seedDemoShop } from './demo-shop';
import { serveScreens } from './screens';

const STOP_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const startedAt = Date.now();
  const root = resolve(__dirname, '..');
  const config = loadConfig({
    DATABASE_URL: setting.optionalUrl(),
    REDIS_URL: setting.optionalString(),
    NODE_ENV: setting.string('development'),
    AUTHORIZATION_MODE: setting.optionalString(),
    BOOTSTRAP_ADMIN_EMAIL: setting.string('admin@shop.local'),
    BOOTSTRAP_ADMIN_PASSWORD: setting.string('development only passphrase'),
    PORT_OFFSET: setting.int(0, { min: 0, max: 60000 }),
    SMTP_URL: setting.optionalString(),
  });

  let postgres: LocalPostgres | null = null;
  let platform: Platform | null = null;
  let stopping = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    // A stop that hangs must not leave the process (and its ports) behind.
    setTimeout(() => process.exit(exitCode), STOP_TIMEOUT_MS).unref();
    await platform?.stop().catch((error) => console.error('error while stopping', error));
    await postgres
      ?.stop()
      .catch((error) => console.error('error while stopping PostgreSQL', error));
    console.log('stopped');
    process.exit(exitCode);
  };
  // embedded-postgres installs SIGINT/SIGTERM handlers that stop its server at once, while
  // the subgraphs still hold connections. Ours replace them: platform first, then database.
  const takeSignals = () => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', () => void shutdown(130));
    process.on('SIGTERM', () => void shutdown(143));
  };
  takeSignals();
  watchAncestors(() => void shutdown(143));

  if (!config.DATABASE_URL) {
    postgres = await startEmbeddedPostgres(root);
    takeSignals();
    console.log(
      `embedded PostgreSQL on ${postgres.url.replace(/:[^:@/]+@/, ':***@')} (data in ${postgres.dataDir})`,
    );
  }
  if (stopping) return;
  if (config.NODE_ENV !== 'production') {
    // A staff login that works out of the box; production names its own. Identity reads
    // these from the environment when it starts below.
    process.env.BOOTSTRAP_ADMIN_EMAIL = config.BOOTSTRAP_ADMIN_EMAIL;
    process.env.BOOTSTRAP_ADMIN_PASSWORD = config.BOOTSTRAP_ADMIN_PASSWORD;
    console.log(
      `development staff login: ${config.BOOTSTRAP_ADMIN_EMAIL} / ${config.BOOTSTRAP_ADMIN_PASSWORD}`,
    );
    if (!config.AUTHORIZATION_MODE) {
      // So a shop can be tried without logging in; AUTHORIZATION_MODE=enforced to try tokens.
      process.env.AUTHORIZATION_MODE = 'open';
      console.log(
        'development mode: every caller may use staff operations (AUTHORIZATION_MODE=open)',
      );
    }
    // The sandbox carriers deliver what the demo shop ships by themselves, a step every 20 s.
    process.env.SHIPPING_SANDBOX_STEP_SECONDS ??= '20';
    // A merchant trying webhooks points them at a server on this machine, over http.
    process.env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS ??= 'true';
    process.env.WEBHOOKS_ALLOW_HTTP ??= 'true';
    if (!config.SMTP_URL) {
      // Notifications sends over SMTP to its in-process dev mailbox, which also keeps files.
      process.env.DEV_MAILBOX_DIR ??= join(root, '.data', 'mailbox');
      console.log(
        `dev mailbox (SMTP_URL unset): emails in ${process.env.DEV_MAILBOX_DIR} and the staff query devMailbox`,
      );
    }
  }
  const databaseUrl = config.DATABASE_URL ?? postgres!.url;
  platform = await startPlatform({
    databaseUrl,
    ports: 'default',
    portOffset: config.PORT_OFFSET,
  }).catch(async (error) => {
    await postgres?.stop();
    throw error;
  });
  if (stopping) return void (await platform.stop());
  const seeded = await seedDemoShop(platform);
  if (seeded.length) console.log(`seeded the demo shop: ${seeded.join(', ')}`);

  for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
    console.log(`  subgraph ${name.padEnd(10)} http://localhost:${subgraph.port}/graphql`);
  }
  console.log(`  pub/sub             ${config.REDIS_URL ? 'Redis' : 'in-process'}`);
  console.log(
    `router ready at http://localhost:${platform.router.port}/graphql (${Date.now() - startedAt} ms)`,
  );

  await serveScreens(platform.router.port, config.PORT_OFFSET);
}

runMain(main, (message, error) => {
  console.error(message, error);
});
