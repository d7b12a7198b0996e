import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signingSecret } from '../../platform/identity';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { createTestDatabase } from '../../platform/testing/database';
export { freePort } from '../../platform/testing/ports';
import { freePort } from '../../platform/testing/ports';
import { subgraphUrlVariable } from '../../platform/config';

export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A fresh database for one run: in DATABASE_URL's server, or an embedded PostgreSQL. */
export async function benchDatabase(): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) {
    const db = await createTestDatabase('bench');
    return { url: db.url, stop: db.drop };
  }
  const root = resolve(__dirname, '..', '..', '.data', 'bench');
  const pg = await startEmbeddedPostgres(root, { port: Number(process.env.BENCH_PG_PORT ?? 5434) });
  // createTestDatabase works in DATABASE_URL's server; point it there only for this run.
  process.env.DATABASE_URL = pg.url.replace(/\/commerce$/, '/postgres');
  const db = await createTestDatabase('bench');
  return {
    url: db.url,
    stop: async () => {
      await db.drop();
      await pg.stop();
      delete process.env.DATABASE_URL;
    },
  };
}

export interface RouterProcess {
  url: string;
  pid: number;
  /** Resident memory of the router process, in MiB (Linux /proc). */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** The router as its own process, so that its memory is measured alone. */
export async function spawnRouter(
  subgraphUrls: Record<string, string>,
  env: Record<string, string | undefined> = {},
): Promise<RouterProcess> {
  // The child must sign with the secret these subgraphs verify with.
  const secret = signingSecret();
  // A port chosen here and /health polled: the router's "ready" line is a JSON log at
  // info level, which LOG_LEVEL=warn (how benchmarks run it) does not print.
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'router', 'main.ts')],
    {
      env: {
        ...process.env,
        ROUTER_PORT: String(port),
        ROUTER_SIGNING_SECRET: secret,
        HOST: '127.0.0.1',
        ...Object.fromEntries(
          Object.entries(subgraphUrls).map(([name, url]) => [subgraphUrlVariable(name), url]),
        ),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForHealth(`http://127.0.0.1:${port}/health`, child, 'router');
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    pid: child.pid!,
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
    },
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Resolves once `url` answers 200; fails if the process exits first or after 60 s. */
export async function waitForHealth(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy at ${url}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}
