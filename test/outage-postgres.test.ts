import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { outageCount } from '../platform/outages';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { freePort } from '../platform/testing/ports';

/**
 * PostgreSQL goes away under a running platform (a private embedded one, never the shared
 * server): queries come back UPSTREAM_UNAVAILABLE with `dependency: "postgres"`, not a
 * masked INTERNAL_SERVER_ERROR, and both the subgraph and the router count them.
 */
jest.setTimeout(180_000);

let parent: string;
let dataDir: string;
let platform: TestPlatform;
let pgPort: number;
const savedUrl = process.env.DATABASE_URL;

/** A private cluster through pg_ctl, as the postgres user when we are root. */
function pg(command: string, ...args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
  execFileSync(file, argv, { stdio: 'ignore' });
}
const startPostgres = () =>
  pg(
    'pg_ctl',
    '-D',
    dataDir,
    '-o',
    `-p ${pgPort} -k ${dataDir}`,
    '-l',
    `${dataDir}/server.log`,
    '-w',
    'start',
  );
const stopPostgres = () => pg('pg_ctl', '-D', dataDir, '-m', 'fast', '-w', 'stop');

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'outage-pg-'));
  chmodSync(parent, 0o755);
  pgPort = await freePort();
  dataDir = join(parent, 'pg');
  mkdirSync(dataDir);
  if (process.getuid?.() === 0) {
    chownSync(dataDir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  }
  pg('initdb', '-D', dataDir, '-A', 'trust', '-U', 'postgres');
  startPostgres();
  process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  platform = await startTestPlatform('outage_pg', { markets: false });
});

afterAll(async () => {
  await platform?.stop().catch(() => {});
  try {
    stopPostgres();
  } catch {
    // not running
  }
  process.env.DATABASE_URL = savedUrl;
  rmSync(parent, { recursive: true, force: true });
});

it('answers UPSTREAM_UNAVAILABLE naming postgres while PostgreSQL is down, and counts it', async () => {
  dataOf(await platform.query('{ products(first: 1) { totalCount } }'));
  const before = outageCount('postgres');
  stopPostgres();

  const answer = await platform.query('{ products(first: 1) { totalCount } }');
  expect(answer.errors?.length).toBeGreaterThan(0);
  expect(answer.errors![0]!.extensions).toMatchObject({
    code: 'UPSTREAM_UNAVAILABLE',
    dependency: 'postgres',
    retryable: true,
    serviceName: 'catalog',
  });
  expect(JSON.stringify(answer)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);
  expect(outageCount('postgres')).toBeGreaterThan(before);
  const metrics = await (await fetch(`http://127.0.0.1:${platform.router.port}/metrics`)).text();
  expect(metrics).toMatch(
    /router_upstream_unavailable_total\{dependency="postgres",subgraph="catalog"\} [1-9]/,
  );

  // Back: the pool reconnects and answers again.
  startPostgres();
  let back = await platform.query('{ products(first: 1) { totalCount } }');
  const deadline = Date.now() + 20_000;
  while (back.errors && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    back = await platform.query('{ products(first: 1) { totalCount } }');
  }
  expect(dataOf(back).products.totalCount).toBe(0);
});
