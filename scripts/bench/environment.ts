import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signingSecret } from '../../platform/identity';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { createTestDatabase } from '../../platform/testing/database';

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
  env: Record<string, string> = {},
): Promise<RouterProcess> {
  // The child must sign with the secret these subgraphs verify with.
  const secret = signingSecret();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'router', 'main.ts')],
    {
      env: {
        ...process.env,
        ROUTER_PORT: '0',
        ROUTER_SIGNING_SECRET: secret,
        HOST: '127.0.0.1',
        ...Object.fromEntries(
          Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_URL`, url]),
        ),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /router ready at (\S+)/.exec(output);
      if (!match) return;
      // From here on the router's output is not read, only drained.
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolveUrl(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`router exited with ${code}`)));
  });
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
