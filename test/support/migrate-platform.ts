import { startPlatform } from '../../scripts/platform';

/**
 * Applies every subgraph's migrations to the database in argv, the way the platform does
 * at start (test/support/template-database.ts builds the test template with it).
 */
async function main(): Promise<void> {
  const databaseUrl = process.argv[2];
  if (!databaseUrl) throw new Error('usage: migrate-platform.ts <database url>');
  const platform = await startPlatform({ databaseUrl, ports: 'ephemeral', background: false });
  await platform.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
